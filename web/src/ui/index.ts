export { Dialog } from "./Dialog.js";
export { Icon, type IconName } from "./Icon.js";
export { ErrorState, KitEmptyState, KitField, KitTable } from "./kit.js";
export { ApiErrorView, Lock, openStore } from "./Lock.js";
export { Badge, type BadgeTone, EmptyState, PageHeader, ProgressBar, Spinner } from "./misc.js";
export { notify, Toasts, type ToastTone } from "./toast.js";
