/**
 * The layout's keyboard shortcuts. All are Ctrl+Shift+key: the shell and the shells on the hosts rarely
 * use that chord, and none of these are keys browsers keep for themselves (Ctrl+Shift+T/W/N are; C and V
 * are the terminal's copy and paste).
 */

export type ShortcutAction =
  | "split-columns"
  | "split-rows"
  | "split-grid"
  | "focus-left"
  | "focus-right"
  | "focus-up"
  | "focus-down"
  | "close-pane"
  | "new-tab"
  | "next-tab"
  | "previous-tab"
  | "help";

/** `KeyboardEvent.code` of each shortcut: the key's place, so Shift and keyboard layouts do not change it. */
const BY_CODE: Record<string, ShortcutAction> = {
  KeyE: "split-columns",
  KeyO: "split-rows",
  KeyG: "split-grid",
  ArrowLeft: "focus-left",
  ArrowRight: "focus-right",
  ArrowUp: "focus-up",
  ArrowDown: "focus-down",
  KeyX: "close-pane",
  KeyY: "new-tab",
  BracketRight: "next-tab",
  BracketLeft: "previous-tab",
  Slash: "help",
};

/** The action of a key press, if it is one of the layout's shortcuts. */
export function shortcutOf(e: Pick<KeyboardEvent, "ctrlKey" | "shiftKey" | "altKey" | "metaKey" | "code">): ShortcutAction | undefined {
  if (!e.ctrlKey || !e.shiftKey || e.altKey || e.metaKey) return undefined;
  return BY_CODE[e.code];
}

/** The help popover's and the README's list. */
export const SHORTCUTS: readonly { keys: string; what: string }[] = [
  { keys: "Ctrl+Shift+E", what: "Split side by side" },
  { keys: "Ctrl+Shift+O", what: "Split stacked" },
  { keys: "Ctrl+Shift+G", what: "Four panes" },
  { keys: "Ctrl+Shift+Arrow", what: "Move to the pane in that direction" },
  { keys: "Ctrl+Shift+X", what: "Close the pane" },
  { keys: "Ctrl+Shift+Y", what: "New tab" },
  { keys: "Ctrl+Shift+] / [", what: "Next / previous tab" },
  { keys: "Ctrl+Shift+?", what: "These shortcuts" },
  { keys: "Arrow keys on a splitter", what: "Resize the panes" },
];
