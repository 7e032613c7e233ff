/**
 * The slots the terminal declares for other plugins (tabs, split panes, tmux actions). The shell renders
 * them; a contributing plugin types its component with `ContributionProps<typeof TerminalToolbar>`.
 */
import { type ContributionProps, defineSlot } from "@archnest/sdk/web";

/** What the terminal hands to each `terminal.toolbar@1` contribution, besides the usual slot props. */
export interface TerminalHandle {
  /** The SSH host of the open terminal, if any. */
  hostId(): string | undefined;
  /** True while the session is connected. */
  connected(): boolean;
  /** Types text into the session (for example `tmux attach -t main\r`). */
  input(data: string): void;
  /** Gives the keyboard back to the terminal. */
  focus(): void;
}

/** Controls beside the terminal's own: tabs, split panes, tmux actions. */
export const TerminalToolbar = defineSlot<{ terminal: TerminalHandle }>("terminal.toolbar@1");

/** Props of a `terminal.toolbar@1` contribution. */
export type TerminalToolbarProps = ContributionProps<typeof TerminalToolbar>;

export const TOOLBAR_SLOT = TerminalToolbar.name;
export const PANE_SLOT = "terminal.pane@1";
