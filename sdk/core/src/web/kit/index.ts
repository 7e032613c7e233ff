export {
  EmptyState,
  type EmptyStateProps,
  ErrorState,
  type ErrorStateProps,
  Field,
  type FieldProps,
  Table,
  type TableColumn,
  type TableProps,
} from "./components.js";
export { describeError, type ErrorDescription } from "./describe-error.js";
export { formatBytes, formatDateTime, formatDuration, formatRelativeTime } from "./format.js";
