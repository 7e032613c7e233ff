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
export { type ErrorDescription, errorDetails } from "./error-details.js";
export { formatBytes, formatDateTime, formatDuration, formatRelativeTime } from "./format.js";
