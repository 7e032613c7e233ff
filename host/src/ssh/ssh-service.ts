import type { Duplex } from "node:stream";
import { isCodedError } from "@archnest/sdk";
import type {
  Disposable,
  PluginSsh,
  SshAuthenticator,
  SshExecOptions,
  SshExecResult,
  SshExecStream,
  SshExecStreamOptions,
  SshHostSummary,
  SshLocalForwardOptions,
  SshPublicKey,
  SshRemoteForwardOptions,
  SshRouter,
  SshShell,
  SshShellOptions,
  SshTcpOptions,
  SshTunnel,
  SshUnixOptions,
} from "@archnest/sdk/plugin";
import type { Client, ClientChannel, SFTPWrapper } from "ssh2";
import { HostError } from "../errors/index.js";
import type { Logger } from "../log/index.js";
import { publicKeyOf } from "./certificate-key.js";
import { type SshConnectionState, SshPool, type SshPoolOptions, type SshProbeResult } from "./connection-pool.js";
import type { SshHostStore } from "./host-store.js";
import { SftpSession } from "./sftp-session.js";
import { isDisconnect } from "./ssh-errors.js";
import { LocalTunnel, RemoteTunnel } from "./tunnels.js";

const DEFAULT_EXEC_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_OUTPUT = 1024 * 1024;
/** Longest command `exec` and a command shell accept (a script pasted as one command still fits). */
const MAX_COMMAND_LENGTH = 128 * 1024;
/** How much of a streamed command's standard error is kept to say why it failed. */
const STDERR_TEXT_MAX = 8 * 1024;

export interface SshServiceOptions extends Omit<SshPoolOptions, "store" | "log" | "routers"> {
  store: SshHostStore;
  log: Logger;
}

function invalid(message: string): HostError {
  return new HostError("HOST_ERR_VALIDATION", message);
}

function checkHostId(hostId: unknown): asserts hostId is string {
  if (typeof hostId !== "string" || hostId.length === 0 || hostId.length > 128) throw invalid("hostId must be a host id string");
}

function checkPort(name: string, port: unknown, allowZero: boolean): asserts port is number {
  if (typeof port !== "number" || !Number.isInteger(port) || port < (allowZero ? 0 : 1) || port > 65535)
    throw invalid(`${name} must be an integer port (${allowZero ? 0 : 1}-65535)`);
}

function checkTarget(targetHost: unknown): asserts targetHost is string {
  if (typeof targetHost !== "string" || targetHost.length === 0 || targetHost.length > 253 || /[\s\0]/.test(targetHost))
    throw invalid("targetHost must be a host name or address");
}

function checkSize(cols: unknown, rows: unknown): void {
  const ok = (n: unknown) => typeof n === "number" && Number.isInteger(n) && n >= 1 && n <= 10_000;
  if (!ok(cols) || !ok(rows)) throw invalid("cols and rows must be integers from 1 to 10000");
}

function channelFailed(what: string, err: Error): HostError {
  if (isDisconnect(err)) return new HostError("HOST_ERR_SSH_DISCONNECTED", `${what}: the SSH connection closed`, { cause: err });
  return new HostError("HOST_ERR_SSH_CHANNEL_FAILED", `${what}: ${err.message}`, { cause: err });
}

/** Calls listeners without letting one listener's exception reach ssh2's event loop. */
function callAll<A extends unknown[]>(listeners: Set<(...args: A) => void>, log: Logger, ...args: A): void {
  for (const l of [...listeners]) {
    try {
      l(...args);
    } catch (err) {
      log.warn("ssh listener threw", { error: (err as Error).message });
    }
  }
}

/** A shell channel behind the SDK's {@link SshShell}. */
class ShellSession implements SshShell {
  private readonly dataListeners = new Set<(chunk: Uint8Array) => void>();
  private readonly closeListeners = new Set<(info: { code: number | null; signal: string | null; reason: "exit" | "closed" | "disconnected" }) => void>();
  private exit: { code: number | null; signal: string | null } | undefined;
  private closing = false;
  private ended = false;
  private unsubscribe: () => void = () => undefined;

  constructor(
    private readonly channel: ClientChannel,
    private readonly log: Logger,
  ) {
    const onData = (chunk: Buffer) => callAll(this.dataListeners, log, chunk);
    channel.on("data", onData);
    channel.stderr.on("data", onData);
    channel.on("exit", (code: number | null, signal?: string) => {
      this.exit = { code: typeof code === "number" ? code : null, signal: signal ?? null };
    });
    channel.on("close", () => this.finish(this.exit ? "exit" : this.closing ? "closed" : "disconnected"));
    channel.on("error", () => this.finish("disconnected"));
  }

  watch(unsubscribe: () => void): void {
    this.unsubscribe = unsubscribe;
  }

  finish(reason: "exit" | "closed" | "disconnected"): void {
    if (this.ended) return;
    this.ended = true;
    this.unsubscribe();
    callAll(this.closeListeners, this.log, { code: this.exit?.code ?? null, signal: this.exit?.signal ?? null, reason: this.closing ? "closed" : reason });
    this.closeListeners.clear();
    this.dataListeners.clear();
    this.channel.destroy();
  }

  get closed(): boolean {
    return this.ended;
  }

  write(data: string | Uint8Array): boolean {
    if (this.ended) return false;
    return this.channel.write(data);
  }

  onData(listener: (chunk: Uint8Array) => void): Disposable {
    this.dataListeners.add(listener);
    return { dispose: () => void this.dataListeners.delete(listener) };
  }

  onClose(listener: (info: { code: number | null; signal: string | null; reason: "exit" | "closed" | "disconnected" }) => void): Disposable {
    if (this.ended) queueMicrotask(() => listener({ code: this.exit?.code ?? null, signal: this.exit?.signal ?? null, reason: "closed" }));
    else this.closeListeners.add(listener);
    return { dispose: () => void this.closeListeners.delete(listener) };
  }

  resize(cols: number, rows: number): void {
    checkSize(cols, rows);
    if (!this.ended) this.channel.setWindow(rows, cols, 0, 0);
  }

  pause(): void {
    // A paused stream stops consuming, so ssh2 stops granting window and the server stops sending.
    this.channel.pause();
    this.channel.stderr.pause();
  }

  resume(): void {
    this.channel.resume();
    this.channel.stderr.resume();
  }

  close(): void {
    if (this.ended || this.closing) return;
    this.closing = true;
    try {
      this.channel.close();
    } catch {
      this.finish("closed");
      return;
    }
    // A server that never answers the close must not keep the session alive.
    setTimeout(() => this.finish("closed"), 2000).unref();
  }
}

/**
 * The SSH service: hosts, pooled connections and everything opened on them (commands, shells, SFTP,
 * forwards). It implements the SDK's {@link PluginSsh} for the whole host; `createPluginSsh` scopes it to
 * one plugin's permissions and lifetime.
 */
export class SshService implements PluginSsh {
  readonly pool: SshPool;
  private readonly routers: SshRouter[] = [];
  private readonly authenticators: SshAuthenticator[] = [];
  /** Everything open, closed when the host stops. */
  private readonly open = new Set<{ close(): unknown }>();
  private readonly hostListeners = new Set<(hosts: SshHostSummary[]) => void>();
  private offHostChanges: (() => void) | undefined;

  constructor(private readonly opts: SshServiceOptions) {
    this.pool = new SshPool({ ...opts, routers: () => this.routers, authenticators: () => this.authenticators });
  }

  private get store(): SshHostStore {
    return this.opts.store;
  }

  private keep<T extends { close(): unknown }>(resource: T, onClose: (cb: () => void) => unknown): T {
    this.open.add(resource);
    onClose(() => this.open.delete(resource));
    return resource;
  }

  /**
   * Opens a session channel (shell, command, SFTP) on the host's pooled connection. A connection that
   * turns out dead before the pool heard of it (the server vanished without a FIN) is replaced once, so the
   * call reconnects; a server that refuses another session on a connection (OpenSSH's MaxSessions, 10 by
   * default) gets the session on a spare connection instead.
   */
  private async channel<T extends { once(event: "close", listener: () => void): unknown }>(
    hostId: string,
    what: string,
    open: (client: Client, cb: (err: Error | undefined, ch: T) => void) => void,
  ): Promise<{ client: Client; channel: T }> {
    for (let attempt = 0; ; attempt++) {
      // The client and the error of the last refused open: a failure to connect is not a refused channel.
      let used: Client | undefined;
      let refused: unknown;
      try {
        return await this.pool.withLiveClient(
          hostId,
          async (client) => {
            used = client;
            const channel = await new Promise<T>((resolve, reject) => {
              try {
                open(client, (err, ch) => (err ? reject(err) : resolve(ch)));
              } catch (err) {
                reject(err);
              }
            }).catch((err: unknown) => {
              refused = err;
              throw err;
            });
            this.pool.holdSession(client, channel);
            return { client, channel };
          },
          { withRoom: true },
        );
      } catch (err) {
        if (err !== refused) throw err;
        // Past MaxSessions OpenSSH refuses the session with SSH_OPEN_CONNECT_FAILED (2) "open failed"; other
        // servers use ADMINISTRATIVELY_PROHIBITED (1) or RESOURCE_SHORTAGE (4) (RFC 4254 section 5.1).
        if (used && attempt < 3 && [1, 2, 4].includes((err as { reason?: unknown }).reason as number)) {
          this.pool.markFull(used);
          continue;
        }
        throw channelFailed(what, err as Error);
      }
    }
  }

  async hosts(): Promise<SshHostSummary[]> {
    return this.store.summaries();
  }

  /** Every listener hears each change from one listing: the store is watched while anyone listens. */
  onHostsChanged(listener: (hosts: SshHostSummary[]) => void): Disposable {
    this.hostListeners.add(listener);
    this.offHostChanges ??= this.store.onChange(() => this.announceHosts());
    return {
      dispose: () => {
        this.hostListeners.delete(listener);
        if (this.hostListeners.size > 0) return;
        this.offHostChanges?.();
        this.offHostChanges = undefined;
      },
    };
  }

  private announceHosts(): void {
    this.store.summaries().then(
      (hosts) => {
        // Each listener gets its own copy: one plugin changing the list must not change another's.
        for (const l of [...this.hostListeners]) {
          try {
            l(structuredClone(hosts));
          } catch (err) {
            this.opts.log.warn("ssh listener threw", { error: (err as Error).message });
          }
        }
      },
      (err: unknown) => this.opts.log.warn("listing hosts for a change listener failed", { error: (err as Error).message }),
    );
  }

  async exec(hostId: string, command: string, opts: SshExecOptions = {}): Promise<SshExecResult> {
    checkHostId(hostId);
    if (typeof command !== "string" || command.length === 0 || command.length > MAX_COMMAND_LENGTH)
      throw invalid("command must be a non-empty string of at most 128 KiB");
    const timeoutMs = opts.timeoutMs ?? DEFAULT_EXEC_TIMEOUT_MS;
    const max = opts.maxOutputBytes ?? DEFAULT_MAX_OUTPUT;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw invalid("timeoutMs must be a positive number");
    if (!Number.isInteger(max) || max < 0) throw invalid("maxOutputBytes must be a non-negative integer");
    const out = { stdout: [] as Buffer[], stderr: [] as Buffer[], sizes: { stdout: 0, stderr: 0 }, truncated: false };
    const take = (which: "stdout" | "stderr") => (d: Buffer) => {
      const room = max - out.sizes[which];
      if (room <= 0) {
        out.truncated = true;
        return;
      }
      const part = d.length > room ? d.subarray(0, room) : d;
      if (part.length < d.length) out.truncated = true;
      out[which].push(part);
      out.sizes[which] += part.length;
    };
    let code: number | null = null;
    let signal: string | null = null;
    let exited = false;
    let closed = false;
    let onClosed: (() => void) | undefined;
    // Listened to from the moment the channel opens: a quick command's output, exit status and close can
    // all arrive in the same read as the open confirmation, before an awaiting caller would run.
    const watch = (ch: ClientChannel) => {
      ch.on("data", take("stdout"));
      ch.stderr.on("data", take("stderr"));
      ch.on("exit", (c: number | null, s?: string) => {
        exited = true;
        code = typeof c === "number" ? c : null;
        signal = s ?? null;
      });
      ch.on("close", () => {
        closed = true;
        onClosed?.();
      });
      ch.on("error", () => ch.destroy());
    };
    const { client, channel: ch } = await this.channel<ClientChannel>(hostId, "exec", (c, cb) =>
      c.exec(command, (err, stream) => {
        if (!err && stream) watch(stream);
        cb(err, stream);
      }),
    );
    return new Promise<SshExecResult>((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        unsubscribe();
        // The caller hears at once; the server ends the command when it honours the signal or the close.
        reject(new HostError("HOST_ERR_SSH_EXEC_TIMEOUT", `the command ran longer than ${timeoutMs} ms and was stopped`));
        try {
          ch.signal("KILL");
          ch.close();
        } catch {
          // The channel is gone already.
        }
      }, timeoutMs);
      const unsubscribe = this.pool.onClientClose(client, () => ch.destroy());
      const finish = () => {
        clearTimeout(timer);
        unsubscribe();
        if (timedOut) return;
        if (!exited) return reject(new HostError("HOST_ERR_SSH_DISCONNECTED", "the SSH connection closed before the command finished"));
        resolve({
          code,
          signal,
          stdout: Buffer.concat(out.stdout).toString("utf8"),
          stderr: Buffer.concat(out.stderr).toString("utf8"),
          truncated: out.truncated,
        });
      };
      if (closed) return finish();
      onClosed = finish;
      if (opts.stdin !== undefined) ch.end(typeof opts.stdin === "string" ? opts.stdin : Buffer.from(opts.stdin));
      else ch.end();
    });
  }

  async shell(hostId: string, opts: SshShellOptions): Promise<SshShell> {
    checkHostId(hostId);
    checkSize(opts?.cols, opts?.rows);
    const term = opts.term ?? "xterm-256color";
    if (typeof term !== "string" || !/^[A-Za-z0-9._+-]{1,64}$/.test(term)) throw invalid("term must be a terminal name such as xterm-256color");
    if (opts.env !== undefined) {
      const entries = Object.entries(opts.env as Record<string, unknown>);
      if (entries.length > 64 || entries.some(([k, v]) => !/^[A-Za-z_][A-Za-z0-9_]{0,127}$/.test(k) || typeof v !== "string" || v.length > 4096))
        throw invalid("env must map at most 64 variable names to strings");
    }
    const { command } = opts;
    if (command !== undefined && (typeof command !== "string" || command.length === 0 || command.length > MAX_COMMAND_LENGTH))
      throw invalid("command must be a non-empty string of at most 128 KiB");
    const pty = { cols: opts.cols, rows: opts.rows, term };
    // A command gets the same pty a login shell would (an `exec` request after `pty-req`, RFC 4254 section 6.5).
    const { client, channel } = await this.channel<ClientChannel>(hostId, "shell", (c, cb) =>
      command === undefined ? c.shell(pty, opts.env ? { env: opts.env } : {}, cb) : c.exec(command, { pty, ...(opts.env && { env: opts.env }) }, cb),
    );
    const shell = new ShellSession(channel, this.opts.log);
    shell.watch(this.pool.onClientClose(client, () => shell.finish("disconnected")));
    return this.keep(shell, (cb) => shell.onClose(cb));
  }

  async sftp(hostId: string): Promise<SftpSession> {
    checkHostId(hostId);
    const { client, channel: wrapper } = await this.channel<SFTPWrapper>(hostId, "sftp", (c, cb) => c.sftp(cb));
    const session = new SftpSession(wrapper);
    const unsubscribe = this.pool.onClientClose(client, () => void session.close());
    session.onClose(unsubscribe);
    return this.keep(session, (cb) => session.onClose(cb));
  }

  async forwardLocal(hostId: string, opts: SshLocalForwardOptions): Promise<SshTunnel> {
    checkHostId(hostId);
    checkPort("bindPort", opts?.bindPort, true);
    checkPort("targetPort", opts.targetPort, false);
    checkTarget(opts.targetHost);
    if (opts.bindHost !== undefined) checkTarget(opts.bindHost);
    const t = await LocalTunnel.start(this.pool, hostId, opts);
    return this.keep(t, (cb) => t.onClose(cb));
  }

  async forwardRemote(hostId: string, opts: SshRemoteForwardOptions): Promise<SshTunnel> {
    checkHostId(hostId);
    checkPort("remoteBindPort", opts?.remoteBindPort, true);
    checkPort("targetPort", opts.targetPort, false);
    checkTarget(opts.targetHost);
    if (opts.remoteBindHost !== undefined) checkTarget(opts.remoteBindHost);
    const t = await RemoteTunnel.start(this.pool, hostId, opts);
    return this.keep(t, (cb) => t.onClose(cb));
  }

  async publicKeyOf(privateKey: string, passphrase?: string): Promise<SshPublicKey> {
    return publicKeyOf(privateKey, passphrase);
  }

  registerAuthenticator(authenticator: SshAuthenticator): Disposable {
    if (typeof authenticator?.signIn !== "function") throw invalid("an authenticator needs a signIn(host, signal) function");
    this.authenticators.push(authenticator);
    return {
      dispose: () => {
        const i = this.authenticators.indexOf(authenticator);
        if (i >= 0) this.authenticators.splice(i, 1);
      },
    };
  }

  registerRouter(router: SshRouter): Disposable {
    if (typeof router?.route !== "function") throw invalid("a router needs a route(host, signal) function");
    this.routers.push(router);
    return {
      dispose: () => {
        const i = this.routers.indexOf(router);
        if (i >= 0) this.routers.splice(i, 1);
      },
    };
  }

  /**
   * A TCP connection from the SSH host to `host:port`: a direct-tcpip channel on the host's pooled
   * connection (RFC 4254 section 7.2), which is what a jump host's router hands the pool for the next hop.
   */
  async openTcp(hostId: string, opts: SshTcpOptions): Promise<Duplex> {
    checkHostId(hostId);
    checkTarget(opts?.host);
    checkPort("port", opts.port, false);
    // The originator address is informative only (RFC 4254 section 7.2); OpenSSH logs it.
    return this.openChannel(hostId, `${opts.host}:${opts.port}`, opts.signal, false, (client, cb) =>
      client.forwardOut("127.0.0.1", 0, opts.host, opts.port, cb),
    );
  }

  async openUnix(hostId: string, opts: SshUnixOptions): Promise<Duplex> {
    checkHostId(hostId);
    const path = opts?.socketPath;
    if (typeof path !== "string" || !path.startsWith("/") || path.length > 4096 || path.includes("\0")) throw invalid("socketPath must be an absolute path");
    return this.openChannel(hostId, `unix:${path}`, opts.signal, false, (client, cb) => client.openssh_forwardOutStreamLocal(path, cb));
  }

  async openExec(hostId: string, command: string, opts: SshExecStreamOptions = {}): Promise<SshExecStream> {
    checkHostId(hostId);
    if (typeof command !== "string" || command.length === 0 || command.length > MAX_COMMAND_LENGTH)
      throw invalid("command must be a non-empty string of at most 128 KiB");
    const state = { stderr: "", code: null as number | null };
    const channel = await this.openChannel(hostId, "the command", opts.signal, true, (client, cb) =>
      client.exec(command, (err, ch) => {
        // Listened to from the moment it opens, as exec does: a quick command's end may come at once.
        if (!err && ch) {
          ch.stderr.on("data", (d: Buffer) => {
            if (state.stderr.length < STDERR_TEXT_MAX) state.stderr = (state.stderr + d.toString("utf8")).slice(0, STDERR_TEXT_MAX);
          });
          ch.on("exit", (c: number | null) => {
            state.code = typeof c === "number" ? c : null;
          });
        }
        cb(err, ch);
      }),
    );
    return Object.defineProperties(channel, {
      stderrText: { get: () => state.stderr },
      exitCode: { get: () => state.code },
    }) as unknown as SshExecStream;
  }

  /**
   * A channel on the host's pooled connection as a stream, ended by `signal`; `what` names it in errors. A
   * `session` channel (a command) goes where the server has room for another session, as shells do.
   */
  private async openChannel(
    hostId: string,
    what: string,
    signal: AbortSignal | undefined,
    session: boolean,
    open: (client: Client, cb: (err: Error | undefined, ch: ClientChannel) => void) => void,
  ): Promise<ClientChannel> {
    const aborted = () => new HostError("HOST_ERR_SSH_TIMEOUT", `opening ${what} through the SSH host was cancelled`);
    if (signal?.aborted) throw aborted();
    const channel = session
      ? (await this.channel<ClientChannel>(hostId, what, open)).channel
      : await this.pool
          .withLiveClient(
            hostId,
            (client) =>
              new Promise<ClientChannel>((resolve, reject) => {
                open(client, (err, ch) => (err ? reject(err) : resolve(ch)));
              }),
          )
          .catch((err: unknown) => {
            if (isCodedError(err)) throw err;
            if (isDisconnect(err)) throw new HostError("HOST_ERR_SSH_DISCONNECTED", `opening ${what}: the SSH connection closed`, { cause: err });
            throw new HostError("HOST_ERR_SSH_CHANNEL_FAILED", `the SSH host could not open ${what} (${(err as Error).message})`, { cause: err });
          });
    if (signal?.aborted) {
      channel.destroy();
      throw aborted();
    }
    const onAbort = () => channel.destroy();
    signal?.addEventListener("abort", onAbort, { once: true });
    channel.once("close", () => signal?.removeEventListener("abort", onAbort));
    // A stream error (the connection reset) closes the channel rather than crashing the host.
    channel.on("error", () => channel.destroy());
    return this.keep(channel, (cb) => channel.once("close", cb));
  }

  /** A fresh connection test for the admin: fingerprint and latency, or a coded error. */
  probe(hostId: string): Promise<SshProbeResult> {
    return this.pool.probe(hostId);
  }

  /** Live pooled connections and their traffic. */
  connections(): SshConnectionState[] {
    return this.pool.states();
  }

  /** Closes the host's pooled connection so the next use connects with its new settings. */
  drop(hostId: string): void {
    this.pool.drop(hostId);
  }

  /** Closes every shell, SFTP session, tunnel and connection (host shutdown). */
  async close(): Promise<void> {
    await Promise.allSettled([...this.open].map(async (r) => r.close()));
    this.open.clear();
    await this.pool.close();
  }
}
