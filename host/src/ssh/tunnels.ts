import { createServer, connect as netConnect, type Server, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { Disposable, SshLocalForwardOptions, SshRemoteForwardOptions, SshTunnel, SshTunnelStats } from "@archnest/sdk/plugin";
import type { Client, ClientChannel } from "ssh2";
import { HostError } from "../errors/index.js";
import type { SshPool } from "./connection-pool.js";

type CodedError = Error & { code: string };

function coded(err: unknown, fallback: string): CodedError {
  if (err instanceof Error && typeof (err as { code?: unknown }).code === "string" && /^HOST_ERR_/.test((err as CodedError).code)) return err as CodedError;
  return new HostError("HOST_ERR_SSH_CHANNEL_FAILED", `${fallback}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

/** Bookkeeping both tunnel kinds share: counters, listeners, open pipes. */
abstract class TunnelBase implements SshTunnel {
  abstract readonly kind: "local" | "remote";
  abstract readonly port: number;
  protected readonly counters: SshTunnelStats = { bytesIn: 0, bytesOut: 0, connections: 0, totalConnections: 0, lastError: null, lastErrorCode: null };
  private readonly errorListeners = new Set<(error: CodedError) => void>();
  private readonly closeListeners = new Set<(error?: CodedError) => void>();
  protected readonly pipes = new Set<Duplex>();
  private ended = false;

  get closed(): boolean {
    return this.ended;
  }

  stats(): SshTunnelStats {
    return { ...this.counters };
  }

  onError(listener: (error: CodedError) => void): Disposable {
    this.errorListeners.add(listener);
    return { dispose: () => void this.errorListeners.delete(listener) };
  }

  onClose(listener: (error?: CodedError) => void): Disposable {
    if (this.ended) queueMicrotask(() => listener());
    else this.closeListeners.add(listener);
    return { dispose: () => void this.closeListeners.delete(listener) };
  }

  protected report(err: CodedError): void {
    this.counters.lastError = err.message;
    this.counters.lastErrorCode = err.code;
    for (const l of [...this.errorListeners]) l(err);
  }

  /** Joins a client connection and its SSH channel, counting bytes each way. */
  protected join(client: Duplex, channel: Duplex): void {
    this.pipes.add(client);
    this.pipes.add(channel);
    client.on("data", (d: Buffer) => {
      this.counters.bytesOut += d.length;
    });
    channel.on("data", (d: Buffer) => {
      this.counters.bytesIn += d.length;
    });
    client.pipe(channel);
    channel.pipe(client);
    const done = () => {
      if (!this.pipes.delete(client)) return;
      this.pipes.delete(channel);
      this.counters.connections -= 1;
      client.destroy();
      channel.destroy();
    };
    client.on("close", done);
    channel.on("close", done);
    client.on("error", () => done());
    channel.on("error", () => done());
  }

  /** Ends every pipe and tells the listeners, once. */
  protected finish(error?: CodedError): void {
    if (this.ended) return;
    this.ended = true;
    if (error) this.report(error);
    for (const p of [...this.pipes]) p.destroy();
    this.pipes.clear();
    this.counters.connections = 0;
    for (const l of [...this.closeListeners]) l(error);
    this.closeListeners.clear();
    this.errorListeners.clear();
  }

  abstract close(): Promise<void>;
}

/** A port on the ArchNest machine whose connections go through the host's pooled SSH connection (ssh -L). */
export class LocalTunnel extends TunnelBase {
  readonly kind = "local";
  port = 0;
  private readonly server: Server;

  private constructor(
    private readonly pool: SshPool,
    private readonly hostId: string,
    private readonly opts: SshLocalForwardOptions,
  ) {
    super();
    this.server = createServer({ noDelay: true, pauseOnConnect: true }, (sock) => this.accept(sock));
  }

  /** Connects to the host first (so a bad host fails the start, not the first client), then listens. */
  static async start(pool: SshPool, hostId: string, opts: SshLocalForwardOptions): Promise<LocalTunnel> {
    await pool.client(hostId);
    const t = new LocalTunnel(pool, hostId, opts);
    const bindHost = opts.bindHost ?? "127.0.0.1";
    await new Promise<void>((resolve, reject) => {
      t.server.once("error", (err: NodeJS.ErrnoException) =>
        reject(new HostError("HOST_ERR_SSH_FORWARD_FAILED", `cannot listen on ${bindHost}:${opts.bindPort} (${err.code ?? err.message})`, { cause: err })),
      );
      t.server.listen({ host: bindHost, port: opts.bindPort }, () => resolve());
    });
    t.server.on("error", (err) => t.report(coded(err, "the local listener failed")));
    const addr = t.server.address();
    t.port = typeof addr === "object" && addr ? addr.port : opts.bindPort;
    return t;
  }

  private accept(sock: Socket): void {
    this.counters.totalConnections += 1;
    this.counters.connections += 1;
    this.pipes.add(sock);
    const fail = (err: unknown) => {
      if (!this.pipes.delete(sock)) return;
      this.counters.connections -= 1;
      sock.destroy();
      if (!this.closed) this.report(coded(err, `cannot reach ${this.opts.targetHost}:${this.opts.targetPort} through the SSH host`));
    };
    sock.once("error", fail);
    const open = (client: Client) =>
      client.forwardOut(sock.remoteAddress ?? "127.0.0.1", sock.remotePort ?? 0, this.opts.targetHost, this.opts.targetPort, (err, channel) => {
        if (err)
          return fail(
            new HostError("HOST_ERR_SSH_CHANNEL_FAILED", `the SSH host could not open ${this.opts.targetHost}:${this.opts.targetPort} (${err.message})`),
          );
        if (this.closed || sock.destroyed) {
          channel.destroy();
          return fail(new HostError("HOST_ERR_SSH_DISCONNECTED", "the client left before the channel opened"));
        }
        sock.removeListener("error", fail);
        this.pipes.delete(sock);
        this.join(sock, channel);
        sock.resume();
      });
    // ssh2 throws "Not connected" when the connection died before the pool heard: the pool reconnects once.
    this.pool.withLiveClient(this.hostId, open).catch(fail);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.finish();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** Which remote tunnel a forwarded connection belongs to, per client (ssh2 emits them on the client). */
const remoteRoutes = new WeakMap<Client, Map<number, RemoteTunnel>>();

function routesOf(client: Client): Map<number, RemoteTunnel> {
  let routes = remoteRoutes.get(client);
  if (!routes) {
    const r = new Map<number, RemoteTunnel>();
    routes = r;
    remoteRoutes.set(client, r);
    client.on("tcp connection", (info, accept, reject) => {
      const t = r.get(info.destPort);
      if (!t) return reject();
      t.incoming(accept, reject);
    });
  }
  return routes;
}

/** A port on the SSH host whose connections come back to a target reachable from the ArchNest machine (ssh -R). */
export class RemoteTunnel extends TunnelBase {
  readonly kind = "remote";
  private unsubscribe: () => void = () => undefined;

  private constructor(
    private readonly client: Client,
    private readonly bindHost: string,
    readonly port: number,
    private readonly opts: SshRemoteForwardOptions,
  ) {
    super();
  }

  static async start(pool: SshPool, hostId: string, opts: SshRemoteForwardOptions): Promise<RemoteTunnel> {
    const client = await pool.client(hostId);
    const bindHost = opts.remoteBindHost ?? "127.0.0.1";
    const port = await new Promise<number>((resolve, reject) =>
      client.forwardIn(bindHost, opts.remoteBindPort, (err, bound) =>
        err
          ? reject(
              new HostError("HOST_ERR_SSH_FORWARD_FAILED", `the SSH server refused to listen on ${bindHost}:${opts.remoteBindPort} (${err.message})`, {
                cause: err,
              }),
            )
          : resolve(bound || opts.remoteBindPort),
      ),
    );
    const t = new RemoteTunnel(client, bindHost, port, opts);
    routesOf(client).set(port, t);
    t.unsubscribe = pool.onClientClose(client, (err) => t.stop(err ?? new HostError("HOST_ERR_SSH_DISCONNECTED", "the SSH connection closed")));
    return t;
  }

  /** A connection the server forwarded: connect to the target, then accept the channel. */
  incoming(accept: () => ClientChannel, reject: () => void): void {
    if (this.closed) {
      reject();
      return;
    }
    this.counters.totalConnections += 1;
    this.counters.connections += 1;
    const target = netConnect({ host: this.opts.targetHost, port: this.opts.targetPort });
    target.setNoDelay(true);
    target.once("connect", () => {
      target.removeAllListeners("error");
      this.join(target, accept());
    });
    target.once("error", (err: NodeJS.ErrnoException) => {
      this.counters.connections -= 1;
      reject();
      this.report(
        new HostError(
          "HOST_ERR_SSH_FORWARD_FAILED",
          `cannot reach ${this.opts.targetHost}:${this.opts.targetPort} from the ArchNest machine (${err.code ?? err.message})`,
        ),
      );
    });
  }

  private stop(error?: CodedError): void {
    this.unsubscribe();
    const routes = remoteRoutes.get(this.client);
    if (routes?.get(this.port) === this) routes.delete(this.port);
    this.finish(error);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.stop();
    await new Promise<void>((resolve) => {
      // A server that never answers must not hold up a plugin's unload.
      setTimeout(resolve, 2000).unref();
      try {
        this.client.unforwardIn(this.bindHost, this.port, () => resolve());
      } catch {
        // The connection is already gone, and the server's listener with it.
        resolve();
      }
    });
  }
}
