/**
 * The bridge between the shell and plugin UI. The shell registers its services once at start; plugins
 * reach them through {@link useShell} or the ready-made components below. Both sides import this module
 * through the import map, so they share one instance.
 */
import type { JSX } from "solid-js";
import { SdkError } from "../errors/index.js";
import type { EmptyStateProps, ErrorStateProps, FieldProps, TableProps } from "./kit/components.js";
import type { SlotContribution, SlotOutletProps } from "./slot/use-slot.js";

/** Props of the shell's lock: a gated feature or a reached free cap. */
export interface LockProps {
  /** License slug of the module that unlocks the feature. */
  module: string;
  /** Price shown on the lock (a 402's `price`); the shell looks it up in the catalog when left out. */
  price?: string | undefined;
  /** A short sentence on what is locked ("You have reached 10 bookmarks"). */
  reason?: string;
  /** `inline` for a small pill next to a control; `card` (default) for a block. */
  variant?: "inline" | "card";
  /**
   * What the inline pill says instead of the module's name: the action a reached cap locks, so the lock
   * sits where the person would start it ("Add host · 3 of 3 free").
   */
  label?: string;
}

/** Props of the shell's modal dialog. */
export interface DialogProps {
  open: boolean;
  title: string;
  onClose: () => void;
  children: JSX.Element;
  footer?: JSX.Element;
  tone?: "default" | "danger";
  width?: "sm" | "md" | "lg";
}

/** What the shell lends to plugin UI. */
export interface ShellBridge {
  /** Client-side navigation to a shell path such as `/settings/store`. */
  navigate(path: string): void;
  /** Opens the Module Store at a module (or a bundle). */
  openStore(slug?: string): void;
  /** The signed-in person. */
  user(): { id: string; username: string; role: "admin" | "member" } | undefined;
  /** Shows a short notice in the corner. */
  notify(message: string, tone?: "info" | "success" | "error"): void;
  /** The shell's lock component. */
  Lock(props: LockProps): JSX.Element;
  /** The shell's modal dialog (Portal, focus trap, Escape and a click outside close it). */
  Dialog(props: DialogProps): JSX.Element;
  /** The contributions to a versioned slot name, read reactively from the live UI manifest. */
  slotContributions(name: string): readonly SlotContribution[];
  /** Renders a slot's contributions (see `Slot`). */
  Slot(props: SlotOutletProps<object>): JSX.Element;
  /** The UI kit's components (see `Table`, `Field`, `EmptyState`, `ErrorState`). */
  Table<T>(props: TableProps<T>): JSX.Element;
  Field(props: FieldProps): JSX.Element;
  EmptyState(props: EmptyStateProps): JSX.Element;
  ErrorState(props: ErrorStateProps): JSX.Element;
}

let bridge: ShellBridge | undefined;

/** Called once by the shell at start. Plugins never call it. */
export function registerShell(shell: ShellBridge): void {
  bridge = shell;
}

/**
 * The shell's services. Throws `SDK_ERR_USAGE` outside the ArchNest shell (in a plain test page).
 *
 * @example
 * ```ts
 * const shell = useShell();
 * shell.navigate("/settings/plugins");
 * ```
 */
export function useShell(): ShellBridge {
  if (!bridge) throw new SdkError("SDK_ERR_USAGE", "The ArchNest shell is not running: @archnest/sdk/web works inside the ArchNest web app.");
  return bridge;
}

/**
 * The shell's lock, for plugin UI: a lock icon, the module's name and price; clicking it opens the store
 * at that module.
 *
 * @example
 * ```tsx
 * <Show when={capReached()}><Lock module="unlimited-bookmarks" reason="You have 10 bookmarks, the free limit." /></Show>
 * <Lock module="unlimited-hosts" variant="inline" label="Add host · 3 of 3 free" />
 * ```
 */
export function Lock(props: LockProps): JSX.Element {
  return useShell().Lock(props);
}

/**
 * The shell's modal dialog, for plugin UI: rendered through a Portal above everything, focus moves in
 * and stays inside, Escape or a click outside closes it, and focus returns where it was. It never grows
 * past the window: a long body scrolls while the title and the footer's buttons stay in view.
 *
 * @example
 * ```tsx
 * <Dialog open={editing()} title="Edit bookmark" onClose={() => setEditing(false)} footer={<button class="btn">Save</button>}>
 *   <BookmarkForm />
 * </Dialog>
 * ```
 */
export function Dialog(props: DialogProps): JSX.Element {
  return useShell().Dialog(props);
}
