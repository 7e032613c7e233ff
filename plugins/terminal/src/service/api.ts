/**
 * The `terminal-sessions` service (version 1) the terminal provides to other plugins on the server:
 * session recording taps a session's traffic, persistent sessions keep a shell after its last viewer
 * leaves, and both list and end sessions. A consumer declares `"consumes": {"terminal-sessions": "^1.0.0"}`
 * and `"dependencies": {"terminal": "^1.0.0"}`, then:
 *
 * ```ts
 * const sessions = ctx.services.consume<TerminalSessionsService>(TERMINAL_SESSIONS_SERVICE);
 * ctx.onDispose(() => sessions?.observe({ opened: (meta) => ({ output: (chunk) => file.write(chunk) }) }).dispose());
 * ```
 *
 * Everything registered returns a Disposable; disposing it (or the consumer's unload) undoes it at once,
 * so a lapsed license stops recording and persistence without touching the sessions themselves.
 */
import type { Disposable, RequestUser, SshShell } from "@archnest/sdk/plugin";

/** The name the terminal provides the service under (`archnest.provides`). */
export const TERMINAL_SESSIONS_SERVICE = "terminal-sessions";

/** What every consumer learns about a session. */
export interface SessionMeta {
  id: string;
  hostId: string;
  /** The host's display name when the session connected. */
  hostName: string;
  /** The person who opened it. */
  user: RequestUser;
  /** The pty size now. */
  cols: number;
  rows: number;
  /** Milliseconds since the epoch. */
  openedAt: number;
  /** The command the pty runs instead of the login shell (`tmux attach -t main`), if any. */
  command?: string;
}

/** A session as {@link TerminalSessionsService.list} shows it. */
export interface SessionSummary extends SessionMeta {
  state: "connecting" | "open" | "closed";
  /** Browser sockets watching it now; 0 while detached. */
  viewers: number;
  /** When its last viewer left (ms since the epoch); absent while watched. */
  detachedAt?: number;
  /** True while a persistence policy keeps it after its viewers leave. */
  persistent: boolean;
  /** True while a tap with `marker: "recording"` is attached. */
  recording: boolean;
  /** Bytes of output kept for replay on reattach. */
  scrollbackBytes: number;
}

/**
 * A consumer's view of one session's traffic. Calls arrive in the order the bytes moved, on the event
 * loop; a tap must not block (queue to a stream). An exception in a tap detaches that tap and is logged;
 * it never ends the session.
 */
export interface SessionTap {
  /** Shown to every viewer while this tap is attached (the recording dot). */
  marker?: "recording";
  /** Output of the pty, every byte in order, as the SSH server sent it. */
  output?(chunk: Uint8Array): void;
  /** Input the writer typed or pasted, as it went to the pty. */
  input?(chunk: Uint8Array): void;
  resize?(cols: number, rows: number): void;
  /** The session ended (the shell exited, the connection dropped, or someone ended it). Called once. */
  closed?(info: { reason: "exit" | "closed" | "disconnected" | "ended" | "idle"; exitCode: number | null }): void;
}

/** Sees every session as its shell connects. */
export interface SessionObserver {
  /** Return a tap to see this session's traffic from now on, or undefined to leave it alone. */
  opened(meta: SessionMeta): SessionTap | undefined;
}

/** Whether a session outlives its viewers, for how long, and how much output it keeps for a reattach. */
export interface PersistencePolicy {
  keep(meta: SessionMeta): { idleMs: number; scrollbackBytes: number } | undefined;
}

/** Who and where a shell source's target is, for the status line and the session list. */
export interface ShellTarget {
  /** Shown as the session's host: `api (container on lab)`. */
  name: string;
  /** Shown under it: `lab · /bin/bash as root`. */
  address: string;
  user: string;
}

/**
 * Shells that are not SSH logins, opened in the same terminal (client, protocol, flow control, taps):
 * a session whose `hostId` is `<prefix>:<rest>` is this source's. Container Exec registers `docker`.
 */
export interface ShellSource {
  /** Lowercase letters, digits and dashes; `ssh` is not allowed. */
  prefix: string;
  /** Checks the target for this person (throws an error with a stable `code` and a plain message when it cannot be opened). */
  describe(target: string, user: RequestUser): Promise<ShellTarget>;
  /** Opens the shell on a pseudo-terminal of this size; `onClose` reports its end as an SSH shell's does. */
  open(target: string, opts: { cols: number; rows: number; user: RequestUser }): Promise<SshShell>;
}

export interface TerminalSessionsService {
  /** Taps every session that connects from now on (not the ones already open: use {@link tap}). */
  observe(observer: SessionObserver): Disposable;
  /** Taps one open session from now on; undefined when no such session is open. */
  tap(sessionId: string, tap: SessionTap): Disposable | undefined;
  /** Keeps sessions after their last viewer leaves. One policy at a time; a second replaces the first. */
  setPersistence(policy: PersistencePolicy): Disposable;
  /** Open and detached sessions, of one person or host when asked. */
  list(filter?: { userId?: string; hostId?: string }): SessionSummary[];
  get(sessionId: string): SessionSummary | undefined;
  /** Ends a session (its viewers see why). False when no such session is open. */
  end(sessionId: string, reason?: string): boolean;
  /** Adds a source of shells (one per prefix); disposing it ends nothing already open. */
  registerShellSource(source: ShellSource): Disposable;
}
