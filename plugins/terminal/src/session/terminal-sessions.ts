/**
 * The server side of terminal sessions: one WebSocket ↔ one SSH shell, speaking PROTOCOL.md. Every frame
 * from the browser is validated; anything malformed closes that one session with a code, and nothing a
 * browser or an SSH server does can throw out of these handlers (an exception inside a `ws` listener
 * would take the whole host down).
 */
import type { PluginLimits, PluginLogger, PluginSocket, PluginSsh, RequestUser, SshShell } from "@archnest/sdk/plugin";
import { CLOSE, describeSshError, TerminalErrors } from "../errors/index.js";
import { FLOW_DEFAULTS, OutputPump, type OutputStats } from "../flow/index.js";
import { decodeClientFrame, encodePong, encodeStatus, isValidSize, MAX_COMMAND_BYTES, ProtocolError, type TerminalStatus } from "../protocol/index.js";

/** What a session needs from the plugin context. */
export interface SessionDeps {
  ssh: Pick<PluginSsh, "hosts" | "shell">;
  limits: Pick<PluginLimits, "check">;
  log: PluginLogger;
  /** Flow-control tuning (tests use small marks). */
  flow?: Partial<Record<keyof typeof FLOW_DEFAULTS, number>>;
  /** The clock (tests move it). */
  now?: () => number;
}

/** One live session as the `/sessions` route shows it. */
export interface SessionInfo {
  id: string;
  hostId: string;
  state: "connecting" | "open" | "closed";
  cols: number;
  rows: number;
  openedAt: number;
  bytesIn: number;
  output: OutputStats;
  /** Flow-control marks in effect, so a client can judge `output`. */
  highWaterBytes: number;
  maxFrameBytes: number;
}

/** Keystrokes typed while the shell is still connecting are kept, up to this much. */
const MAX_EARLY_INPUT = 64 * 1024;
/** The free core's limit: one terminal pane per user (docs/modules.md, lifted by `multi-pane-terminal`). */
export const PANES_LIMIT = "terminal-panes";
/**
 * A browser pings every 3 s, so a session silent this long lost its browser without a close (a laptop
 * lid, a dropped network). It does not count against the limit: it is closed when the same user opens a
 * new one, so "Reconnect" works at once instead of after a TCP timeout.
 */
export const STALE_AFTER_MS = 15_000;

interface Session {
  id: string;
  user: RequestUser;
  hostId: string;
  command?: string;
  state: "connecting" | "open" | "closed";
  cols: number;
  rows: number;
  openedAt: number;
  lastSeen: number;
  bytesIn: number;
  socket: PluginSocket;
  pump: OutputPump;
  shell?: SshShell;
  earlyInput: Uint8Array[];
  earlyInputBytes: number;
}

/** Reasons travel in a close frame, which holds at most 123 bytes. */
const reasonText = (s: string) => (new TextEncoder().encode(s).byteLength <= 123 ? s : `${s.slice(0, 100)}…`);

export class TerminalSessions {
  readonly #deps: SessionDeps;
  readonly #sessions = new Map<string, Session>();

  constructor(deps: SessionDeps) {
    this.#deps = deps;
  }

  /** The WebSocket handler for `ws/session?hostId=&cols=&rows=`. */
  handle(socket: PluginSocket, request: { url: URL; user: RequestUser }): void {
    try {
      this.#open(socket, request);
    } catch (err) {
      this.#deps.log.error("terminal session failed to start", { error: (err as Error).message });
      safe(() => socket.close(CLOSE.internal, TerminalErrors.table.TERMINAL_ERR_INTERNAL.message));
    }
  }

  /** The sessions of one user (for the status route and the tests' memory checks). */
  list(userId: string): SessionInfo[] {
    const high = this.#deps.flow?.highWaterBytes ?? FLOW_DEFAULTS.highWaterBytes;
    const frame = this.#deps.flow?.maxFrameBytes ?? FLOW_DEFAULTS.maxFrameBytes;
    return [...this.#sessions.values()]
      .filter((s) => s.user.id === userId)
      .map((s) => ({
        id: s.id,
        hostId: s.hostId,
        state: s.state,
        cols: s.cols,
        rows: s.rows,
        openedAt: s.openedAt,
        bytesIn: s.bytesIn,
        output: s.pump.stats(),
        highWaterBytes: high,
        maxFrameBytes: frame,
      }));
  }

  /**
   * How many sessions count against a user's free limit right now: the live ones, without those gone
   * silent (the next session replaces them). The page asks before it connects, so the lock shows first.
   */
  usage(userId: string): number {
    const now = this.#now();
    return [...this.#sessions.values()].filter((s) => s.user.id === userId && now - s.lastSeen <= STALE_AFTER_MS).length;
  }

  /** How many sessions are live, across users. */
  get size(): number {
    return this.#sessions.size;
  }

  #now(): number {
    return this.#deps.now?.() ?? Date.now();
  }

  /** Closes every session (plugin unload). */
  closeAll(reason: string): void {
    for (const s of [...this.#sessions.values()]) this.#end(s, CLOSE.normal, reason);
  }

  #open(socket: PluginSocket, { url, user }: { url: URL; user: RequestUser }): void {
    const hostId = url.searchParams.get("hostId") ?? "";
    const cols = Number(url.searchParams.get("cols") ?? "80");
    const rows = Number(url.searchParams.get("rows") ?? "24");
    const command = url.searchParams.get("command") ?? undefined;
    if (!hostId || hostId.length > 200 || !isValidSize(cols, rows) || (command !== undefined && !isValidCommand(command))) {
      sendStatus(socket, { state: "error", code: "TERMINAL_ERR_BAD_REQUEST", message: TerminalErrors.table.TERMINAL_ERR_BAD_REQUEST.message });
      safe(() => socket.close(CLOSE.policy, "TERMINAL_ERR_BAD_REQUEST"));
      return;
    }
    const now = this.#now();
    for (const s of [...this.#sessions.values()]) {
      if (s.user.id === user.id && now - s.lastSeen > STALE_AFTER_MS) this.#end(s, CLOSE.stale, "replaced by a newer session");
    }
    const mine = [...this.#sessions.values()].filter((s) => s.user.id === user.id).length;
    const refused = this.#deps.limits.check(PANES_LIMIT, mine);
    if (refused) {
      void this.#refuse(socket, refused);
      return;
    }

    const session: Session = {
      id: crypto.randomUUID(),
      user,
      hostId,
      ...(command !== undefined && { command }),
      state: "connecting",
      cols,
      rows,
      openedAt: now,
      lastSeen: now,
      bytesIn: 0,
      socket,
      earlyInput: [],
      earlyInputBytes: 0,
      pump: new OutputPump({
        ...this.#deps.flow,
        send: (frame) => socket.send(frame),
        pause: () => session.shell?.pause(),
        resume: () => session.shell?.resume(),
        bufferedAmount: () => socket.bufferedAmount,
      }),
    };
    this.#sessions.set(session.id, session);
    socket.onMessage((data, isBinary) =>
      safe(
        () => this.#onFrame(session, data, isBinary),
        (err) => this.#fail(session, err),
      ),
    );
    socket.onClose(() => safe(() => this.#end(session)));
    socket.onDrain(() => safe(() => session.pump.drain()));
    void this.#connect(session);
  }

  async #refuse(socket: PluginSocket, response: Response): Promise<void> {
    const body = (await response.json().catch(() => ({}))) as { module?: string; price?: string; purchaseUrl?: string };
    sendStatus(socket, {
      state: "error",
      code: "module_required",
      message: "The free core runs one terminal at a time. Close the other terminal, or unlock more panes and tabs.",
      ...(typeof body.module === "string" && { module: body.module }),
      ...(typeof body.price === "string" && { price: body.price }),
      ...(typeof body.purchaseUrl === "string" && { purchaseUrl: body.purchaseUrl }),
    });
    safe(() => socket.close(CLOSE.moduleRequired, "module_required"));
  }

  async #connect(s: Session): Promise<void> {
    let name = s.hostId;
    try {
      const host = (await this.#deps.ssh.hosts()).find((h) => h.id === s.hostId);
      if (!host) throw Object.assign(new Error("No SSH host has this id."), { code: "HOST_ERR_SSH_HOST_NOT_FOUND" });
      name = host.name;
      if (ended(s)) return;
      sendStatus(s.socket, { state: "connecting", host: { id: host.id, name } });
      const shell = await this.#deps.ssh.shell(s.hostId, {
        cols: s.cols,
        rows: s.rows,
        term: "xterm-256color",
        ...(s.command !== undefined && { command: s.command }),
      });
      if (ended(s)) {
        shell.close();
        return;
      }
      s.shell = shell;
      s.state = "open";
      shell.onData((chunk) => safe(() => s.pump.push(chunk)));
      shell.onClose((info) => safe(() => this.#shellClosed(s, info)));
      // The pty was opened with the size of the request; a resize that raced the connection wins.
      shell.resize(s.cols, s.rows);
      for (const chunk of s.earlyInput.splice(0)) shell.write(chunk);
      s.earlyInputBytes = 0;
      sendStatus(s.socket, { state: "connected", host: { id: host.id, name, address: host.address, user: host.user } });
      this.#deps.log.info("terminal session opened", { session: s.id, hostId: s.hostId, user: s.user.username });
    } catch (err) {
      if (ended(s)) return;
      const { code, message } = describeSshError(err);
      this.#deps.log.warn("terminal session could not connect", { session: s.id, hostId: s.hostId, code });
      sendStatus(s.socket, { state: "error", code, message });
      this.#end(s, CLOSE.sshFailed, code);
    }
  }

  #onFrame(s: Session, data: Uint8Array | string, isBinary: boolean): void {
    if (s.state === "closed") return;
    s.lastSeen = this.#now();
    if (!isBinary || typeof data === "string") {
      this.#end(s, CLOSE.unsupportedData, "the terminal protocol is binary");
      return;
    }
    const frame = decodeClientFrame(data);
    switch (frame.type) {
      case "input":
        s.bytesIn += frame.data.byteLength;
        if (s.shell) s.shell.write(frame.data);
        else if (s.earlyInputBytes + frame.data.byteLength <= MAX_EARLY_INPUT) {
          // Copied: the socket may reuse the buffer once this listener returns.
          s.earlyInput.push(frame.data.slice());
          s.earlyInputBytes += frame.data.byteLength;
        }
        return;
      case "resize":
        s.cols = frame.cols;
        s.rows = frame.rows;
        s.shell?.resize(frame.cols, frame.rows);
        return;
      case "ack":
        if (s.pump.ack(frame.bytes) === "over-ack") throw new ProtocolError("ack of more output than was sent");
        return;
      case "ping":
        s.socket.send(encodePong(frame.payload));
        return;
      case "takeover":
        // One viewer per session so far: it is the writer already.
        return;
    }
  }

  #fail(s: Session, err: unknown): void {
    if (err instanceof ProtocolError) {
      this.#deps.log.warn("terminal session closed on a malformed frame", { session: s.id, reason: err.message });
      this.#end(s, CLOSE.protocolError, err.message);
      return;
    }
    this.#deps.log.error("terminal session failed", { session: s.id, error: (err as Error)?.message });
    this.#end(s, CLOSE.internal, TerminalErrors.table.TERMINAL_ERR_INTERNAL.message);
  }

  #shellClosed(s: Session, info: { code: number | null; reason: "exit" | "closed" | "disconnected" }): void {
    if (s.state === "closed") return;
    // The last words of the shell (an error message, the prompt before logout) reach the browser.
    s.pump.flush(true);
    const message =
      info.reason === "disconnected"
        ? "The SSH connection dropped."
        : info.reason === "exit"
          ? `The shell exited${info.code === null ? "" : ` with status ${info.code}`}.`
          : "The session was closed.";
    sendStatus(s.socket, { state: "closed", reason: info.reason, exitCode: info.code, message });
    this.#end(s, info.reason === "disconnected" ? CLOSE.sshFailed : CLOSE.normal, message);
  }

  /** Ends a session once: closes the shell, the pump and (if still open) the socket. */
  #end(s: Session, code?: number, reason?: string): void {
    if (s.state === "closed") return;
    s.state = "closed";
    this.#sessions.delete(s.id);
    s.pump.dispose();
    s.earlyInput = [];
    safe(() => s.shell?.close());
    if (code !== undefined) safe(() => s.socket.close(code, reasonText(reason ?? "")));
    this.#deps.log.info("terminal session closed", { session: s.id, hostId: s.hostId, bytesOut: s.pump.stats().bytesOut, bytesIn: s.bytesIn });
  }
}

/** A command the pty may run: not empty, at most {@link MAX_COMMAND_BYTES} of UTF-8, no NUL (the SSH string would end there). */
const isValidCommand = (c: string) => c.length > 0 && !c.includes("\0") && new TextEncoder().encode(c).byteLength <= MAX_COMMAND_BYTES;

/** Re-reads the state after an await: the browser may have left meanwhile (TypeScript's narrowing cannot know). */
const ended = (s: Session) => s.state === "closed";

function sendStatus(socket: PluginSocket, status: TerminalStatus): void {
  safe(() => socket.send(encodeStatus(status)));
}

/** Runs `fn`, routing any exception to `onError` (or swallowing it): nothing escapes into the socket layer. */
function safe(fn: () => void, onError?: (err: unknown) => void): void {
  try {
    fn();
  } catch (err) {
    if (onError) safe(() => onError(err));
  }
}
