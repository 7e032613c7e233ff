/**
 * @archnest/sdk/web: the browser API of a plugin's web entry. The host's page provides this module once
 * through its import map (with `solid-js`, `solid-js/web` and `solid-js/store`), so every plugin shares
 * it with the shell. Build web entries with `@archnest/sdk/vite`. This entry never imports Node modules.
 */
export { type ApiFetchInit, apiFetch, CSRF_HEADER, getCsrfToken, onUnauthorized, pluginApi, setCsrfToken } from "./api-fetch.js";
export { ApiError, describeError, type ErrorBody, isModuleRequired, isModuleRequiredBody, type ModuleRequiredBody, ModuleRequiredError } from "./errors.js";
export {
  EmptyState,
  type EmptyStateProps,
  type ErrorDescription,
  ErrorState,
  type ErrorStateProps,
  errorDetails,
  Field,
  type FieldProps,
  formatBytes,
  formatDateTime,
  formatDuration,
  formatRelativeTime,
  Table,
  type TableColumn,
  type TableProps,
} from "./kit/index.js";
export { Dialog, type DialogProps, Lock, type LockProps, registerShell, type ShellBridge, useShell } from "./shell.js";
export {
  type ContributionProps,
  defineSlot,
  isSlotDefinition,
  parseSlotName,
  Slot,
  type SlotContribution,
  type SlotDefinition,
  type SlotOutletProps,
  useSlot,
} from "./slot/index.js";
export {
  DASHBOARD_WIDGET_SLOT,
  INFRASTRUCTURE_SECTION_SLOT,
  SETTINGS_INTEGRATIONS_SLOT,
  type SlotComponent,
  type SlotProps,
  THEME_SLOT,
} from "./slots.js";
export { defineTheme, sanitizeTheme, THEME_VARIABLES, type ThemeDefinition, type ThemeVariable } from "./theme.js";
