/**
 * The slots the terminal declares for other plugins (tabs and split panes, tmux actions, session lists).
 * The shell renders them; a contributing plugin types its component with `ContributionProps<typeof ...>`.
 */
import { type ContributionProps, defineSlot } from "@archnest/sdk/web";
import type { Component } from "solid-js";

/** What to open in a pane: a new shell on a host, a command on a pty, or an existing session. */
export interface OpenSessionRequest {
  hostId: string;
  /** Runs this on the pty instead of the login shell (`tmux attach -t main`). */
  command?: string;
  /** Reattaches to this session id (persistent sessions) instead of opening a new one. */
  attach?: string;
  /** The tab's title; the host's name when left out. */
  title?: string;
}

/** What the terminal hands to each `terminal.toolbar@1` contribution, besides the usual slot props. */
export interface TerminalHandle {
  /** The SSH host of the focused pane's session, if any. */
  hostId(): string | undefined;
  /** The focused pane's session id once connected. */
  sessionId(): string | undefined;
  /** True while the focused pane's session is connected. */
  connected(): boolean;
  /** Types text into the focused pane's session (for example `tmux attach -t main\r`). */
  input(data: string): void;
  /** Gives the keyboard back to the terminal. */
  focus(): void;
  /**
   * Opens a session: in a new tab when a layout (multi-pane) is installed, otherwise in place of the one
   * pane's session.
   */
  open(request: OpenSessionRequest): void;
}

/** Controls beside the terminal's own: tabs, split panes, tmux actions, session lists. */
export const TerminalToolbar = defineSlot<{ terminal: TerminalHandle }>("terminal.toolbar@1");

/** Props of a `terminal.toolbar@1` contribution. */
export type TerminalToolbarProps = ContributionProps<typeof TerminalToolbar>;

/** What a pane tells its layout: the session it shows and its state. */
export interface PaneHandle extends TerminalHandle {
  /** idle, connecting, connected, ended, lost, locked, error. */
  phase(): string;
  /** Writes bytes to this pane's session as if typed here (broadcast input). */
  send(data: string | Uint8Array): void;
  /** Ends this pane's session (a persistent one is ended too, not detached). */
  close(): void;
}

/** Props of the terminal's own pane component, which a layout places as often as it likes. */
export interface PaneProps {
  /** What the pane opens when it mounts; a pane without a request shows a host picker. */
  request?: OpenSessionRequest;
  /** A stable key of this pane in its layout, so a reload reattaches the same session to the same pane. */
  paneKey: string;
  /** True for the pane that gets the keyboard; the pane draws a focus ring. */
  focused: boolean;
  /** The pane was clicked or got the keyboard. */
  onFocus?(): void;
  /** Hands the layout this pane's handle once the pane mounts. */
  onHandle?(handle: PaneHandle): void;
  /** Everything the person types in this pane, before it is sent (a layout broadcasting input uses it). */
  onInput?(data: string | Uint8Array): void;
  /** The pane's title changed (host name, tmux session). */
  onTitle?(title: string): void;
  /** The pane's session ended and the person closed it. */
  onClosed?(): void;
}

/**
 * The terminal's layout: when a plugin contributes one (tabs and split panes), the page renders it in
 * place of its single pane and hands it the pane component, the hosts, and a way to receive open requests.
 */
export const TerminalLayout = defineSlot<{
  /** The terminal's pane: one xterm.js view bound to one session. */
  Pane: Component<PaneProps>;
  /** The host the page was opened for (`/terminal?host=`), if any. */
  initialHostId(): string | undefined;
  /** Called with every {@link TerminalHandle.open} request while this layout is mounted. */
  onOpen(listener: (request: OpenSessionRequest) => void): void;
  /** Tells the page which pane has the keyboard, so toolbar contributions act on it. */
  setFocusedPane(handle: PaneHandle | undefined): void;
}>("terminal.layout@1");

/** Props of a `terminal.layout@1` contribution. */
export type TerminalLayoutProps = ContributionProps<typeof TerminalLayout>;

export const TOOLBAR_SLOT = TerminalToolbar.name;
export const LAYOUT_SLOT = TerminalLayout.name;
