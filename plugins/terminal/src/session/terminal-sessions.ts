/**
 * The server side of terminal sessions, speaking PROTOCOL.md. A session owns one SSH shell and outlives
 * any one socket: browser sockets attach to it as viewers (each with its own output pump and flow
 * control), one of them is the writer, output is kept in a bounded ring for viewers that join later, other
 * plugins tap its traffic, and a persistence policy may keep it after its last viewer leaves.
 *
 * Every frame from the browser is validated; anything malformed closes that one socket with a code, and
 * nothing a browser, a tap or an SSH server does can throw out of these handlers (an exception inside a
 * `ws` listener would take the whole host down).
 */
import type { Disposable, PluginLimits, PluginLogger, PluginSocket, PluginSsh, RequestUser, SshShell } from "@archnest/sdk/plugin";
import { CLOSE, describeSshError, TerminalErrors } from "../errors/index.js";
import { FLOW_DEFAULTS, OutputPump, type OutputStats } from "../flow/index.js";
import { decodeClientFrame, encodePong, encodeStatus, isValidSize, MAX_COMMAND_BYTES, ProtocolError, type TerminalStatus } from "../protocol/index.js";
import type { PersistencePolicy, SessionMeta, SessionObserver, SessionSummary, SessionTap, ShellSource, TerminalSessionsService } from "../service/api.js";
import { ScrollbackRing } from "./scrollback.js";

/** What a session needs from the plugin context. */
export interface SessionDeps {
  ssh: Pick<PluginSsh, "hosts" | "shell">;
  limits: Pick<PluginLimits, "check">;
  log: PluginLogger;
  /** Flow-control tuning (tests use small marks). */
  flow?: Partial<Record<keyof typeof FLOW_DEFAULTS, number>>;
  /** The clock (tests move it). */
  now?: () => number;
  /**
   * How long an open or attach refused by the free limit waits for the same person's other sockets to
   * close before it is refused (default 1000 ms; tests use 0). A pane switching sessions closes one
   * socket and opens the next at once, and the close may reach the host second.
   */
  limitGraceMs?: number;
  /** Timers of the idle timeout (tests drive them). */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** One session as the `/sessions` route shows it: the service's summary plus the output path's counters. */
export interface SessionInfo extends SessionSummary {
  bytesIn: number;
  /** The counters of the writer's output path (of the first viewer while none writes; zeros while detached). */
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
 * A browser pings every 3 s, so a viewer silent this long lost its browser without a close (a laptop
 * lid, a dropped network). It does not count against the limit: it is dropped when the same user opens or
 * attaches a session, so "Reconnect" works at once instead of after a TCP timeout.
 */
export const STALE_AFTER_MS = 15_000;
/**
 * Output every session keeps for a viewer that joins while it is watched (a second tab): a few screens.
 * A persistent session keeps what its policy says instead.
 */
export const DEFAULT_SCROLLBACK_BYTES = 64 * 1024;
/** Detached sessions one person may have; detaching one more ends the one detached longest. */
export const MAX_DETACHED_PER_USER = 16;
/** Screens (viewers) one session shows on at most; another attach answers `TERMINAL_ERR_TOO_MANY_VIEWERS`. */
export const MAX_VIEWERS = 8;
/** While a refused socket waits out the limit grace, the limit is checked again this often. */
const LIMIT_RETRY_MS = 100;
/** An SSH host id, or a shell source's target (`docker:<packed target>`), is at most this long. */
const MAX_HOST_ID_LENGTH = 512;
/** Session ids are UUIDs; anything longer is not one of ours. */
const MAX_ID_LENGTH = 64;

type CloseReason = "exit" | "closed" | "disconnected" | "ended" | "idle";
const EMPTY_STATS: OutputStats = { unacked: 0, pending: 0, peakUnacked: 0, peakHeld: 0, paused: false, pauses: 0, bytesOut: 0, frames: 0 };

interface Viewer {
  socket: PluginSocket;
  pump: OutputPump;
  /** The size this viewer's terminal has: applied to the pty while it writes. */
  cols: number;
  rows: number;
  lastSeen: number;
  paused: boolean;
  /** False once it left; late callbacks of its socket do nothing. */
  attached: boolean;
}

interface AttachedTap {
  tap: SessionTap;
  /** The observer registration that created it, so disposing that detaches it. */
  owner?: object;
}

interface Session {
  id: string;
  user: RequestUser;
  hostId: string;
  hostName: string;
  /** What `connected` says about the host, kept for viewers that join later. */
  host?: { id: string; name: string; address: string; user: string };
  command?: string;
  state: "connecting" | "open" | "closed";
  cols: number;
  rows: number;
  openedAt: number;
  bytesIn: number;
  shell?: SshShell;
  viewers: Viewer[];
  writer: Viewer | undefined;
  /** Viewers over their high-water mark: the shell is paused while there is any. */
  pausedViewers: number;
  ring: ScrollbackRing;
  taps: AttachedTap[];
  /** Decided when the session opens: kept after its last viewer leaves, for how long. */
  keep: { idleMs: number } | undefined;
  detachedAt?: number;
  idleTimer?: unknown;
  earlyInput: Uint8Array[];
  earlyInputBytes: number;
}

/** Reasons travel in a close frame, which holds at most 123 bytes. */
const reasonText = (s: string) => (new TextEncoder().encode(s).byteLength <= 123 ? s : `${s.slice(0, 100)}…`);

export class TerminalSessions implements TerminalSessionsService {
  readonly #deps: SessionDeps;
  readonly #sessions = new Map<string, Session>();
  readonly #observers = new Map<object, SessionObserver>();
  readonly #shellSources = new Map<string, ShellSource>();
  #policy: PersistencePolicy | undefined;

  constructor(deps: SessionDeps) {
    this.#deps = deps;
  }

  /** The WebSocket handler for `ws/session?hostId=&cols=&rows=[&command=][&attach=]`. */
  handle(socket: PluginSocket, request: { url: URL; user: RequestUser }): void {
    try {
      this.#handle(socket, request);
    } catch (err) {
      this.#deps.log.error("terminal session failed to start", { error: (err as Error).message });
      safe(() => socket.close(CLOSE.internal, TerminalErrors.table.TERMINAL_ERR_INTERNAL.message));
    }
  }

  /** The sessions of one user with their output counters (the status route and the tests' memory checks). */
  sessionsOf(userId: string): SessionInfo[] {
    const high = this.#deps.flow?.highWaterBytes ?? FLOW_DEFAULTS.highWaterBytes;
    const frame = this.#deps.flow?.maxFrameBytes ?? FLOW_DEFAULTS.maxFrameBytes;
    return [...this.#sessions.values()]
      .filter((s) => s.user.id === userId)
      .map((s) => ({
        ...this.#summary(s),
        bytesIn: s.bytesIn,
        output: (s.writer ?? s.viewers[0])?.pump.stats() ?? EMPTY_STATS,
        highWaterBytes: high,
        maxFrameBytes: frame,
      }));
  }

  /**
   * How many sessions count against a user's free limit right now: those on a screen, that is with a
   * viewer heard from lately. Detached sessions do not count (they occupy no pane; only a paid module
   * keeps them), nor do those whose browsers went silent (the next session drops those viewers).
   */
  usage(userId: string, except?: Session): number {
    const now = this.#now();
    let n = 0;
    for (const s of this.#sessions.values()) {
      if (s !== except && s.user.id === userId && s.viewers.some((v) => now - v.lastSeen <= STALE_AFTER_MS)) n += 1;
    }
    return n;
  }

  /** How many sessions are open or detached, across users. */
  get size(): number {
    return this.#sessions.size;
  }

  /** Ends every session, detached ones too (plugin unload). */
  closeAll(reason: string): void {
    for (const s of [...this.#sessions.values()]) this.#end(s, "ended", CLOSE.normal, reason);
  }

  // --- the terminal-sessions service (src/service/api.ts) ---

  observe(observer: SessionObserver): Disposable {
    const key = {};
    this.#observers.set(key, observer);
    return {
      dispose: () => {
        this.#observers.delete(key);
        for (const s of this.#sessions.values()) {
          const before = s.taps.length;
          s.taps = s.taps.filter((t) => t.owner !== key);
          if (s.taps.length !== before) this.#tapsChanged(s);
        }
      },
    };
  }

  tap(sessionId: string, tap: SessionTap): Disposable | undefined {
    const s = this.#sessions.get(sessionId);
    if (!s || s.state === "closed") return undefined;
    const entry: AttachedTap = { tap };
    s.taps = [...s.taps, entry];
    this.#tapsChanged(s);
    return { dispose: () => this.#detachTap(s, entry) };
  }

  setPersistence(policy: PersistencePolicy): Disposable {
    this.#policy = policy;
    return {
      dispose: () => {
        if (this.#policy === policy) this.#policy = undefined;
      },
    };
  }

  list(filter: { userId?: string; hostId?: string } = {}): SessionSummary[] {
    return [...this.#sessions.values()]
      .filter((s) => (filter.userId === undefined || s.user.id === filter.userId) && (filter.hostId === undefined || s.hostId === filter.hostId))
      .map((s) => this.#summary(s));
  }

  get(sessionId: string): SessionSummary | undefined {
    const s = this.#sessions.get(sessionId);
    return s ? this.#summary(s) : undefined;
  }

  end(sessionId: string, reason = "The session was ended."): boolean {
    const s = this.#sessions.get(sessionId);
    if (!s || s.state === "closed") return false;
    for (const v of s.viewers) {
      safe(() => v.pump.flush(true));
      sendStatus(v.socket, { state: "closed", reason: "closed", exitCode: null, message: reason });
    }
    this.#end(s, "ended", CLOSE.normal, reason);
    return true;
  }

  // --- sockets ---

  #handle(socket: PluginSocket, { url, user }: { url: URL; user: RequestUser }): void {
    const attach = url.searchParams.get("attach");
    const cols = Number(url.searchParams.get("cols") ?? "80");
    const rows = Number(url.searchParams.get("rows") ?? "24");
    const hostId = url.searchParams.get("hostId") ?? "";
    const command = url.searchParams.get("command") ?? undefined;
    const badRequest =
      attach === null ? !hostId || hostId.length > MAX_HOST_ID_LENGTH || (command !== undefined && !isValidCommand(command)) : attach.length > MAX_ID_LENGTH;
    if (badRequest || !isValidSize(cols, rows)) {
      sendStatus(socket, { state: "error", code: "TERMINAL_ERR_BAD_REQUEST", message: TerminalErrors.table.TERMINAL_ERR_BAD_REQUEST.message });
      safe(() => socket.close(CLOSE.policy, "TERMINAL_ERR_BAD_REQUEST"));
      return;
    }
    this.#dropStaleViewers(user.id);
    if (attach !== null) {
      this.#attach(socket, user, attach, cols, rows);
      return;
    }
    this.#whenAllowed(
      socket,
      () => this.#deps.limits.check(PANES_LIMIT, this.usage(user.id)),
      () => this.#open(socket, user, hostId, command, cols, rows),
    );
  }

  /**
   * Runs `proceed` once `check` lets the socket through: at once, or after the same person's closing
   * sockets are gone (within the limit grace); otherwise refuses it with the module that lifts the limit.
   */
  #whenAllowed(socket: PluginSocket, check: () => Response | undefined, proceed: () => void): void {
    const graceMs = this.#deps.limitGraceMs ?? 1000;
    let waited = 0;
    let gone = false;
    const attempt = () => {
      if (gone) return;
      const refused = check();
      if (!refused) return proceed();
      if (waited >= graceMs) return void this.#refuse(socket, refused);
      if (waited === 0)
        socket.onClose(() => {
          gone = true;
        });
      waited += LIMIT_RETRY_MS;
      this.#setTimer(
        () => safe(attempt, (err) => this.#deps.log.error("terminal session failed to start", { error: (err as Error)?.message })),
        LIMIT_RETRY_MS,
      );
    };
    attempt();
  }

  #open(socket: PluginSocket, user: RequestUser, hostId: string, command: string | undefined, cols: number, rows: number): void {
    const now = this.#now();
    const meta: SessionMeta = { id: crypto.randomUUID(), hostId, hostName: hostId, user, cols, rows, openedAt: now, ...(command !== undefined && { command }) };
    const keep = this.#keep(meta);
    const session: Session = {
      id: meta.id,
      user,
      hostId,
      hostName: hostId,
      ...(command !== undefined && { command }),
      state: "connecting",
      cols,
      rows,
      openedAt: now,
      bytesIn: 0,
      viewers: [],
      writer: undefined,
      pausedViewers: 0,
      ring: new ScrollbackRing(keep?.scrollbackBytes ?? DEFAULT_SCROLLBACK_BYTES),
      taps: [],
      keep: keep && { idleMs: keep.idleMs },
      earlyInput: [],
      earlyInputBytes: 0,
    };
    this.#sessions.set(session.id, session);
    this.#addViewer(session, socket, cols, rows);
    void this.#connect(session);
  }

  /** Asks the persistence policy, once, when a session opens; a policy that throws keeps nothing. */
  #keep(meta: SessionMeta): { idleMs: number; scrollbackBytes: number } | undefined {
    if (!this.#policy) return undefined;
    try {
      const k = this.#policy.keep(meta);
      if (!k) return undefined;
      const idleMs = Number.isFinite(k.idleMs) && k.idleMs > 0 ? Math.min(k.idleMs, 2 ** 31 - 1) : 0;
      const scrollbackBytes = Number.isInteger(k.scrollbackBytes) && k.scrollbackBytes >= 0 ? Math.min(k.scrollbackBytes, 64 * 1024 * 1024) : 0;
      return idleMs > 0 ? { idleMs, scrollbackBytes } : undefined;
    } catch (err) {
      this.#deps.log.warn("the persistence policy failed; the session is not kept", { session: meta.id, error: (err as Error)?.message });
      return undefined;
    }
  }

  #attach(socket: PluginSocket, user: RequestUser, id: string, cols: number, rows: number): void {
    const s = this.#sessions.get(id);
    // Another person's session answers exactly as an unknown one: ids are not confirmed to strangers.
    if (!s || s.user.id !== user.id || s.state === "closed") {
      const { message } = TerminalErrors.table.TERMINAL_ERR_SESSION_NOT_FOUND;
      sendStatus(socket, { state: "error", code: "TERMINAL_ERR_SESSION_NOT_FOUND", message });
      safe(() => socket.close(CLOSE.sessionNotFound, "TERMINAL_ERR_SESSION_NOT_FOUND"));
      return;
    }
    // A session already on a screen takes no new pane; bringing a detached one back does.
    this.#whenAllowed(
      socket,
      () => (s.viewers.length === 0 && s.state !== "closed" ? this.#deps.limits.check(PANES_LIMIT, this.usage(user.id, s)) : undefined),
      () => this.#join(s, socket, cols, rows),
    );
  }

  #join(s: Session, socket: PluginSocket, cols: number, rows: number): void {
    if (s.state === "closed") {
      // It ended while the limit grace ran.
      sendStatus(socket, { state: "error", code: "TERMINAL_ERR_SESSION_NOT_FOUND", message: TerminalErrors.table.TERMINAL_ERR_SESSION_NOT_FOUND.message });
      safe(() => socket.close(CLOSE.sessionNotFound, "TERMINAL_ERR_SESSION_NOT_FOUND"));
      return;
    }
    // Each viewer costs the host a pump and its buffers: a session takes a bounded number of screens.
    if (s.viewers.length >= MAX_VIEWERS) {
      sendStatus(socket, { state: "error", code: "TERMINAL_ERR_TOO_MANY_VIEWERS", message: TerminalErrors.table.TERMINAL_ERR_TOO_MANY_VIEWERS.message });
      safe(() => socket.close(CLOSE.tooManyViewers, "TERMINAL_ERR_TOO_MANY_VIEWERS"));
      return;
    }
    if (s.idleTimer !== undefined) this.#clearTimer(s.idleTimer);
    s.idleTimer = undefined;
    delete s.detachedAt;
    const v = this.#addViewer(s, socket, cols, rows);
    if (s.host) sendStatus(socket, { state: "connected", host: s.host });
    else sendStatus(socket, { state: "connecting", host: { id: s.hostId, name: s.hostName } });
    if (s.host) this.#broadcastSession(s);
    // The kept output goes through the viewer's own pump: flow-controlled like live output, and ahead of it.
    for (const chunk of s.ring.snapshot()) v.pump.push(chunk);
    this.#deps.log.info("terminal session attached", { session: s.id, viewers: s.viewers.length });
  }

  #addViewer(s: Session, socket: PluginSocket, cols: number, rows: number): Viewer {
    const v: Viewer = {
      socket,
      cols,
      rows,
      lastSeen: this.#now(),
      paused: false,
      attached: true,
      pump: new OutputPump({
        ...this.#deps.flow,
        send: (frame) => socket.send(frame),
        pause: () => this.#viewerPaused(s, v, true),
        resume: () => this.#viewerPaused(s, v, false),
        bufferedAmount: () => socket.bufferedAmount,
      }),
    };
    s.viewers.push(v);
    if (!s.writer) {
      s.writer = v;
      this.#applySize(s, v);
    }
    socket.onMessage((data, isBinary) =>
      safe(
        () => this.#onFrame(s, v, data, isBinary),
        (err) => this.#fail(s, v, err),
      ),
    );
    socket.onClose(() => safe(() => this.#removeViewer(s, v)));
    socket.onDrain(() => safe(() => v.pump.drain()));
    return v;
  }

  /** Like tmux sizing a window to its smallest client: the shell waits while any viewer is behind. */
  #viewerPaused(s: Session, v: Viewer, paused: boolean): void {
    if (v.paused === paused || !v.attached) return;
    v.paused = paused;
    s.pausedViewers += paused ? 1 : -1;
    if (paused && s.pausedViewers === 1) s.shell?.pause();
    else if (!paused && s.pausedViewers === 0) s.shell?.resume();
  }

  /** A viewer left (its socket closed, or it was dropped): the session goes on, detaches or ends. */
  #removeViewer(s: Session, v: Viewer, code?: number, reason?: string): void {
    if (!v.attached) return;
    // A viewer that leaves while behind no longer holds the shell back.
    this.#viewerPaused(s, v, false);
    v.attached = false;
    v.pump.dispose();
    if (code !== undefined) safe(() => v.socket.close(code, reasonText(reason ?? "")));
    if (s.state === "closed") return;
    s.viewers = s.viewers.filter((x) => x !== v);
    if (s.writer === v) {
      // The viewer attached longest takes over, so a session on screen always has someone who can type.
      s.writer = s.viewers[0];
      if (s.writer) this.#applySize(s, s.writer);
    }
    if (s.viewers.length > 0) {
      this.#broadcastSession(s);
      return;
    }
    if (s.keep) this.#detach(s, s.keep.idleMs);
    else this.#end(s, "closed");
  }

  #detach(s: Session, idleMs: number): void {
    s.detachedAt = this.#now();
    s.idleTimer = this.#setTimer(() => safe(() => this.#end(s, "idle")), idleMs);
    this.#deps.log.info("terminal session detached", { session: s.id, idleMs });
    const detached = [...this.#sessions.values()]
      .filter((x) => x.user.id === s.user.id && x.viewers.length === 0 && x.detachedAt !== undefined)
      .sort((a, b) => (a.detachedAt ?? 0) - (b.detachedAt ?? 0));
    for (const old of detached.slice(0, Math.max(0, detached.length - MAX_DETACHED_PER_USER))) this.#end(old, "idle");
  }

  /** Drops this user's viewers gone silent (a closed laptop), each socket with 4408. */
  #dropStaleViewers(userId: string): void {
    const now = this.#now();
    for (const s of [...this.#sessions.values()]) {
      if (s.user.id !== userId) continue;
      for (const v of [...s.viewers]) if (now - v.lastSeen > STALE_AFTER_MS) this.#removeViewer(s, v, CLOSE.stale, "replaced by a newer session");
    }
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

  /** Adds a source of non-SSH shells; sessions whose hostId starts with `<prefix>:` open through it. */
  registerShellSource(source: ShellSource): Disposable {
    if (
      !/^[a-z][a-z0-9-]{0,30}$/.test(source?.prefix ?? "") ||
      source.prefix === "ssh" ||
      typeof source.open !== "function" ||
      typeof source.describe !== "function"
    )
      throw new Error("a shell source needs a prefix (lowercase letters, digits, dashes; not ssh), describe() and open()");
    if (this.#shellSources.has(source.prefix)) throw new Error(`a shell source for "${source.prefix}:" is registered already`);
    this.#shellSources.set(source.prefix, source);
    return {
      dispose: () => {
        if (this.#shellSources.get(source.prefix) === source) this.#shellSources.delete(source.prefix);
      },
    };
  }

  /** Where a session's shell comes from: a registered source for `<prefix>:...`, else the SSH host. */
  async #target(s: Session): Promise<{ host: { id: string; name: string; address: string; user: string }; open: () => Promise<SshShell> }> {
    const colon = s.hostId.indexOf(":");
    const source = colon > 0 ? this.#shellSources.get(s.hostId.slice(0, colon)) : undefined;
    if (source) {
      const rest = s.hostId.slice(colon + 1);
      const t = await source.describe(rest, s.user);
      return { host: { id: s.hostId, ...t }, open: () => source.open(rest, { cols: s.cols, rows: s.rows, user: s.user }) };
    }
    const host = (await this.#deps.ssh.hosts()).find((h) => h.id === s.hostId);
    if (!host) throw Object.assign(new Error("No SSH host has this id."), { code: "HOST_ERR_SSH_HOST_NOT_FOUND" });
    return {
      host,
      open: () =>
        this.#deps.ssh.shell(s.hostId, {
          cols: s.cols,
          rows: s.rows,
          term: "xterm-256color",
          ...(s.command !== undefined && { command: s.command }),
        }),
    };
  }

  async #connect(s: Session): Promise<void> {
    try {
      const { host, open } = await this.#target(s);
      s.hostName = host.name;
      if (ended(s)) return;
      for (const v of s.viewers) sendStatus(v.socket, { state: "connecting", host: { id: host.id, name: host.name } });
      const shell = await open();
      if (ended(s)) {
        shell.close();
        return;
      }
      s.shell = shell;
      s.state = "open";
      shell.onData((chunk) => this.#output(s, chunk));
      shell.onClose((info) => safe(() => this.#shellClosed(s, info)));
      // The pty was opened with the size of the request; a resize that raced the connection wins.
      shell.resize(s.cols, s.rows);
      if (s.pausedViewers > 0) shell.pause();
      s.host = { id: host.id, name: host.name, address: host.address, user: host.user };
      this.#opened(s);
      for (const chunk of s.earlyInput.splice(0)) this.#write(s, chunk);
      s.earlyInputBytes = 0;
      for (const v of s.viewers) sendStatus(v.socket, { state: "connected", host: s.host });
      this.#broadcastSession(s);
      this.#deps.log.info("terminal session opened", { session: s.id, hostId: s.hostId, user: s.user.username, persistent: s.keep !== undefined });
    } catch (err) {
      if (ended(s)) return;
      const { code, message } = describeSshError(err);
      this.#deps.log.warn("terminal session could not connect", { session: s.id, hostId: s.hostId, code });
      for (const v of s.viewers) sendStatus(v.socket, { state: "error", code, message });
      this.#end(s, "disconnected", CLOSE.sshFailed, code);
    }
  }

  /** The hot path: every output chunk of every session. No taps and one viewer cost one call more than a bare pump. */
  #output(s: Session, chunk: Uint8Array): void {
    const viewers = s.viewers;
    for (let i = 0; i < viewers.length; i++) {
      const v = viewers[i] as Viewer;
      try {
        v.pump.push(chunk);
      } catch (err) {
        this.#fail(s, v, err);
      }
    }
    s.ring.push(chunk);
    if (s.taps.length > 0) this.#toTaps(s, (t) => t.output?.(chunk));
  }

  /** Observers see the session once its shell is connected. */
  #opened(s: Session): void {
    if (this.#observers.size === 0) return;
    const meta = this.#meta(s);
    for (const [key, observer] of [...this.#observers]) {
      try {
        const tap = observer.opened({ ...meta, user: { ...meta.user } });
        if (tap) s.taps = [...s.taps, { tap, owner: key }];
      } catch (err) {
        this.#deps.log.warn("a terminal session observer failed", { session: s.id, error: (err as Error)?.message });
      }
    }
    if (s.taps.length > 0) this.#tapsChanged(s);
  }

  #toTaps(s: Session, call: (tap: SessionTap) => void): void {
    for (const entry of s.taps) {
      try {
        call(entry.tap);
      } catch (err) {
        this.#deps.log.warn("a terminal session tap failed and was detached", { session: s.id, error: (err as Error)?.message });
        this.#detachTap(s, entry);
      }
    }
  }

  #detachTap(s: Session, entry: AttachedTap): void {
    if (!s.taps.includes(entry)) return;
    s.taps = s.taps.filter((t) => t !== entry);
    this.#tapsChanged(s);
  }

  #tapsChanged(s: Session): void {
    if (s.state === "open") this.#broadcastSession(s);
  }

  /** Input from the writer (or typed before the shell connected) to the pty, and to the taps. */
  #write(s: Session, data: Uint8Array): void {
    s.shell?.write(data);
    if (s.taps.length > 0) this.#toTaps(s, (t) => t.input?.(data));
  }

  #applySize(s: Session, v: Viewer): void {
    if (s.cols === v.cols && s.rows === v.rows) return;
    s.cols = v.cols;
    s.rows = v.rows;
    if (!s.shell) return;
    s.shell.resize(v.cols, v.rows);
    if (s.taps.length > 0) this.#toTaps(s, (t) => t.resize?.(v.cols, v.rows));
  }

  #onFrame(s: Session, v: Viewer, data: Uint8Array | string, isBinary: boolean): void {
    if (!v.attached || s.state === "closed") return;
    v.lastSeen = this.#now();
    if (!isBinary || typeof data === "string") {
      this.#removeViewer(s, v, CLOSE.unsupportedData, "the terminal protocol is binary");
      return;
    }
    const frame = decodeClientFrame(data);
    switch (frame.type) {
      case "input":
        // A view-only viewer watches; its keystrokes go nowhere until it takes over.
        if (s.writer !== v) return;
        s.bytesIn += frame.data.byteLength;
        if (s.shell) this.#write(s, frame.data);
        else if (s.earlyInputBytes + frame.data.byteLength <= MAX_EARLY_INPUT) {
          // Copied: the socket may reuse the buffer once this listener returns.
          s.earlyInput.push(frame.data.slice());
          s.earlyInputBytes += frame.data.byteLength;
        }
        return;
      case "resize":
        v.cols = frame.cols;
        v.rows = frame.rows;
        if (s.writer === v) this.#applySize(s, v);
        return;
      case "ack":
        if (v.pump.ack(frame.bytes) === "over-ack") throw new ProtocolError("ack of more output than was sent");
        return;
      case "ping":
        v.socket.send(encodePong(frame.payload));
        return;
      case "takeover":
        if (s.writer === v) return;
        s.writer = v;
        this.#applySize(s, v);
        this.#broadcastSession(s);
        return;
    }
  }

  #fail(s: Session, v: Viewer, err: unknown): void {
    if (err instanceof ProtocolError) {
      this.#deps.log.warn("terminal viewer closed on a malformed frame", { session: s.id, reason: err.message });
      this.#removeViewer(s, v, CLOSE.protocolError, err.message);
      return;
    }
    this.#deps.log.error("terminal viewer failed", { session: s.id, error: (err as Error)?.message });
    this.#removeViewer(s, v, CLOSE.internal, TerminalErrors.table.TERMINAL_ERR_INTERNAL.message);
  }

  #shellClosed(s: Session, info: { code: number | null; reason: "exit" | "closed" | "disconnected" }): void {
    if (s.state === "closed") return;
    const message =
      info.reason === "disconnected"
        ? "The SSH connection dropped."
        : info.reason === "exit"
          ? `The shell exited${info.code === null ? "" : ` with status ${info.code}`}.`
          : "The session was closed.";
    for (const v of s.viewers) {
      // The last words of the shell (an error message, the prompt before logout) reach the browser.
      safe(() => v.pump.flush(true));
      sendStatus(v.socket, { state: "closed", reason: info.reason, exitCode: info.code, message });
    }
    this.#end(s, info.reason, info.reason === "disconnected" ? CLOSE.sshFailed : CLOSE.normal, message, info.code);
  }

  /** Ends a session once: closes the shell, every viewer's pump and socket (with `code`), and tells the taps. */
  #end(s: Session, why: CloseReason, code?: number, reason?: string, exitCode: number | null = null): void {
    if (s.state === "closed") return;
    s.state = "closed";
    this.#sessions.delete(s.id);
    if (s.idleTimer !== undefined) this.#clearTimer(s.idleTimer);
    const viewers = s.viewers;
    s.viewers = [];
    s.writer = undefined;
    for (const v of viewers) {
      v.attached = false;
      v.pump.dispose();
      if (code !== undefined) safe(() => v.socket.close(code, reasonText(reason ?? "")));
    }
    s.earlyInput = [];
    s.ring.clear();
    safe(() => s.shell?.close());
    const taps = s.taps;
    s.taps = [];
    for (const { tap } of taps) safe(() => tap.closed?.({ reason: why, exitCode }));
    this.#deps.log.info("terminal session closed", { session: s.id, hostId: s.hostId, reason: why, bytesIn: s.bytesIn });
  }

  #broadcastSession(s: Session): void {
    const base = { state: "session" as const, id: s.id, viewers: s.viewers.length, persistent: s.keep !== undefined, recording: isRecording(s) };
    for (const v of s.viewers) sendStatus(v.socket, { ...base, writer: s.writer === v });
  }

  #meta(s: Session): SessionMeta {
    return {
      id: s.id,
      hostId: s.hostId,
      hostName: s.hostName,
      user: s.user,
      cols: s.cols,
      rows: s.rows,
      openedAt: s.openedAt,
      ...(s.command !== undefined && { command: s.command }),
    };
  }

  #summary(s: Session): SessionSummary {
    return {
      ...this.#meta(s),
      user: { ...s.user },
      state: s.state,
      viewers: s.viewers.length,
      ...(s.detachedAt !== undefined && { detachedAt: s.detachedAt }),
      persistent: s.keep !== undefined,
      recording: isRecording(s),
      scrollbackBytes: s.ring.size,
    };
  }

  #now(): number {
    return this.#deps.now?.() ?? Date.now();
  }

  #setTimer(fn: () => void, ms: number): unknown {
    if (this.#deps.setTimer) return this.#deps.setTimer(fn, ms);
    const t = setTimeout(fn, ms);
    // A detached session waiting out its idle time must not keep the process alive.
    t.unref?.();
    return t;
  }

  #clearTimer(handle: unknown): void {
    if (this.#deps.clearTimer) this.#deps.clearTimer(handle);
    else clearTimeout(handle as ReturnType<typeof setTimeout>);
  }
}

const isRecording = (s: Session) => s.taps.some((t) => t.tap.marker === "recording");

/** A command the pty may run: not empty, at most {@link MAX_COMMAND_BYTES} of UTF-8, no NUL (the SSH string would end there). */
const isValidCommand = (c: string) => c.length > 0 && !c.includes("\0") && new TextEncoder().encode(c).byteLength <= MAX_COMMAND_BYTES;

/** Re-reads the state after an await: every viewer may have left meanwhile (TypeScript's narrowing cannot know). */
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
