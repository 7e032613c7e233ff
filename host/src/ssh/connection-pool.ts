import { connect as netConnect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import type { CodedError } from "@archnest/sdk";
import type { SshAuthenticator, SshCertificateSignIn, SshHostSummary, SshRouter } from "@archnest/sdk/plugin";
import ssh2, { type Client, type ConnectConfig } from "ssh2";
import { HostError } from "../errors/index.js";
import type { Logger } from "../log/index.js";
import { certificateKey } from "./certificate-key.js";
import { hostKeyFingerprint } from "./fingerprint.js";
import type { SshCredentials, SshHostStore } from "./host-store.js";
import { connectError, isDisconnect } from "./ssh-errors.js";

export interface SshPoolOptions {
  store: SshHostStore;
  log: Logger;
  /** The routers plugins registered, asked in order before each new connection. */
  routers: () => readonly SshRouter[];
  /** The authenticators plugins registered, asked in order how to sign in before each new connection. */
  authenticators?: () => readonly SshAuthenticator[];
  /** Time for the TCP connection plus the SSH handshake and sign-in (default 20 s). */
  readyTimeoutMs?: number;
  /** Keepalive probe interval (default 15 s); after `keepaliveCountMax` (3) unanswered the connection is dropped. */
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
}

/** What a live pooled connection reports. */
export interface SshConnectionState {
  hostId: string;
  connectedAt: number;
  /** Bytes read from and written to the TCP socket (encrypted SSH traffic). */
  bytesIn: number;
  bytesOut: number;
}

interface Live {
  client: Client;
  sock: Duplex;
  connectedAt: number;
  closeListeners: Set<(err?: CodedError) => void>;
  /** Session channels (shells, commands, SFTP) open on it: the server's MaxSessions counts these. */
  sessions: number;
  /** The server refused a session on it; cleared when one of its sessions closes. */
  full: boolean;
  /** A spare opened because the main connection was full; ended when its last session closes. */
  spare: boolean;
}

/** The result of a one-off connection test. */
export interface SshProbeResult {
  ok: true;
  fingerprint: string;
  /** Milliseconds from starting the TCP connection to being signed in. */
  latencyMs: number;
}

function authConfig(host: SshHostSummary, c: SshCredentials): Partial<ConnectConfig> {
  if (host.authMethod === "password") {
    if (!c.password) throw new HostError("HOST_ERR_SSH_CREDENTIALS_MISSING", `the SSH host ${host.name} has no password stored`);
    // Servers that take passwords through PAM ask with keyboard-interactive; answer with the same password.
    return { password: c.password, tryKeyboard: true };
  }
  if (!c.privateKey) throw new HostError("HOST_ERR_SSH_CREDENTIALS_MISSING", `the SSH host ${host.name} has no private key stored`);
  const parsed = ssh2.utils.parseKey(c.privateKey, c.passphrase);
  if (parsed instanceof Error)
    throw new HostError(
      "HOST_ERR_SSH_KEY_INVALID",
      `the private key of ${host.name} cannot be read (${c.passphrase ? "wrong passphrase or not a key" : "encrypted, or not a key"})`,
    );
  return c.passphrase ? { privateKey: c.privateKey, passphrase: c.passphrase } : { privateKey: c.privateKey };
}

/** Signs in with a certificate an authenticator handed over, once: a refusal ends the sign-in. */
function certificateAuth(host: SshHostSummary, c: SshCertificateSignIn): Partial<ConnectConfig> {
  const key = certificateKey(c.privateKey, c.passphrase, c.certificate);
  let tried = false;
  return {
    authHandler: (_methods: unknown, _partial: unknown, next: (auth: unknown) => void) => {
      if (tried) return next(false);
      tried = true;
      next({ type: "publickey", username: host.user, key });
    },
  } as unknown as Partial<ConnectConfig>;
}

/** A sign-in refused while a certificate was offered says so, naming it, and where to look. */
function certificateRefused(err: unknown, where: string, c: SshCertificateSignIn): CodedError {
  const coded = connectError(err, where);
  if (coded.code !== "HOST_ERR_SSH_AUTH_FAILED") return coded;
  return new HostError(
    "HOST_ERR_SSH_AUTH_FAILED",
    `${where}: the server refused the certificate${c.label ? ` (${c.label})` : ""}; check that it trusts the certificate's CA (TrustedUserCAKeys) and accepts the user as a principal`,
    { cause: err },
  );
}

/**
 * One ssh2 Client per host, shared by every caller: created on first use, kept alive with SSH keepalives,
 * forgotten when it drops so the next use reconnects. Host keys are checked on every connection, before
 * any credential is sent: a host with no trusted key is refused with HOST_ERR_HOST_KEY_UNTRUSTED (the
 * presented key waits as pending until an admin trusts it, as OpenSSH's first-connect prompt), and a key
 * other than the trusted one with HOST_ERR_HOST_KEY_CHANGED until an admin accepts it.
 */
export class SshPool {
  private readonly live = new Map<string, Live>();
  private readonly connecting = new Map<string, Promise<Live>>();
  /** Every open connection (main and spares) by its client. */
  private readonly byClient = new Map<Client, { hostId: string; live: Live }>();
  private readonly spares = new Map<string, Set<Live>>();
  private closed = false;

  constructor(private readonly opts: SshPoolOptions) {}

  /** The host's pooled client, connecting (or reconnecting after a drop) when there is none. */
  async client(hostId: string): Promise<Client> {
    return (await this.liveFor(hostId)).client;
  }

  /** Watches an opened connection: forgets it and tells its listeners when it closes. */
  private register(hostId: string, opened: Live): void {
    this.byClient.set(opened.client, { hostId, live: opened });
    let done = false;
    const forget = (err?: CodedError) => {
      if (done) return;
      done = true;
      this.byClient.delete(opened.client);
      if (this.live.get(hostId) === opened) this.live.delete(hostId);
      this.spares.get(hostId)?.delete(opened);
      for (const cb of [...opened.closeListeners]) cb(err);
      opened.closeListeners.clear();
    };
    opened.client.on("close", () => forget(new HostError("HOST_ERR_SSH_DISCONNECTED", "the SSH connection closed")));
    opened.client.on("error", (err) => {
      this.opts.log.warn("ssh connection error", { hostId, error: (err as Error).message });
      forget(connectError(err, "the SSH connection"));
    });
  }

  private liveFor(hostId: string): Promise<Live> {
    if (this.closed) return Promise.reject(new HostError("HOST_ERR_SSH_DISCONNECTED", "the host is shutting down"));
    const l = this.live.get(hostId);
    if (l) return Promise.resolve(l);
    let p = this.connecting.get(hostId);
    if (!p) {
      p = this.open(hostId).then(
        (opened) => {
          this.connecting.delete(hostId);
          if (this.closed) {
            opened.client.end();
            throw new HostError("HOST_ERR_SSH_DISCONNECTED", "the host is shutting down");
          }
          this.live.set(hostId, opened);
          this.register(hostId, opened);
          return opened;
        },
        (err: unknown) => {
          this.connecting.delete(hostId);
          throw err;
        },
      );
      this.connecting.set(hostId, p);
    }
    return p;
  }

  /**
   * A connection with room for another session: the main one unless the server refused it a session,
   * then a spare that is not full, or a new spare (servers cap sessions per connection with MaxSessions).
   */
  async clientWithRoom(hostId: string): Promise<Client> {
    const main = await this.liveFor(hostId);
    if (!main.full) return main.client;
    for (const spare of this.spares.get(hostId) ?? []) if (!spare.full) return spare.client;
    if (this.closed) throw new HostError("HOST_ERR_SSH_DISCONNECTED", "the host is shutting down");
    const opened = await this.open(hostId);
    opened.spare = true;
    let set = this.spares.get(hostId);
    if (!set) {
      set = new Set();
      this.spares.set(hostId, set);
    }
    set.add(opened);
    this.register(hostId, opened);
    return opened.client;
  }

  /** Notes that the server refused a session on this connection. */
  markFull(client: Client): void {
    const entry = this.byClient.get(client);
    if (entry) entry.live.full = true;
  }

  /** Counts a session channel on its connection until it closes; an idle spare is then ended. */
  holdSession(client: Client, channel: { once(event: "close", listener: () => void): unknown }): void {
    const entry = this.byClient.get(client);
    if (!entry) return;
    const l = entry.live;
    l.sessions += 1;
    channel.once("close", () => {
      l.sessions -= 1;
      l.full = false;
      if (l.spare && l.sessions === 0) l.client.end();
    });
  }

  /**
   * Calls `listener` once when this pooled connection closes (with the reason), or at once
   * when the pool no longer holds it. Returns an unsubscribe function.
   */
  onClientClose(client: Client, listener: (err?: CodedError) => void): () => void {
    const l = this.byClient.get(client)?.live;
    if (!l) {
      queueMicrotask(() => listener(new HostError("HOST_ERR_SSH_DISCONNECTED", "the SSH connection closed")));
      return () => undefined;
    }
    l.closeListeners.add(listener);
    return () => void l.closeListeners.delete(listener);
  }

  /** Live connections and their traffic (a host may have spares besides its main connection). */
  states(): SshConnectionState[] {
    return [...this.byClient.values()].map(({ hostId, live: l }) => ({
      hostId,
      connectedAt: l.connectedAt,
      bytesIn: (l.sock as Partial<Socket>).bytesRead ?? 0,
      bytesOut: (l.sock as Partial<Socket>).bytesWritten ?? 0,
    }));
  }

  /**
   * Runs `use` on a connection of the host (the main one, or with `withRoom` one with room for another
   * session). A connection found dead before its close event (ssh2 says "Not connected") is forgotten and
   * `use` runs once more on a fresh connection.
   */
  async withLiveClient<T>(hostId: string, use: (client: Client) => T | Promise<T>, opts: { withRoom?: boolean } = {}): Promise<T> {
    const pick = () => (opts.withRoom ? this.clientWithRoom(hostId) : this.client(hostId));
    const client = await pick();
    try {
      return await use(client);
    } catch (err) {
      if (!isDisconnect(err)) throw err;
      this.forget(client);
    }
    return use(await pick());
  }

  /** Forgets a connection found dead before its close event (ssh2 said "Not connected"), so the next use reconnects. */
  forget(client: Client): void {
    const l = this.byClient.get(client)?.live;
    if (!l) return;
    // Destroying the socket makes ssh2 emit close, and the pool's close handler tells the listeners.
    l.sock.destroy();
    client.emit("close");
  }

  /** Closes the host's pooled connection (after its address, credentials or key changed). */
  drop(hostId: string): void {
    for (const { hostId: h, live: l } of [...this.byClient.values()]) {
      if (h !== hostId) continue;
      // Not handed out again while it ends: a use in the meantime (a jump host's next hop among them)
      // would ride a connection about to close. Its close handler still tells its listeners.
      if (this.live.get(hostId) === l) this.live.delete(hostId);
      this.spares.get(hostId)?.delete(l);
      l.client.end();
      // end() waits for the server; destroying too makes the drop immediate for everything on it.
      setTimeout(() => l.sock.destroy(), 1000).unref();
    }
  }

  /** A fresh connection outside the pool, closed again: checks address, credentials and host key. */
  async probe(hostId: string): Promise<SshProbeResult> {
    const started = performance.now();
    const opened = await this.open(hostId);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    opened.client.end();
    return { ok: true, fingerprint: opened.fingerprint, latencyMs };
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.byClient.values()].map((e) => e.live);
    this.live.clear();
    await Promise.all(
      all.map(
        (l) =>
          new Promise<void>((resolve) => {
            const t = setTimeout(() => {
              l.sock.destroy();
              resolve();
            }, 1000);
            l.client.once("close", () => {
              clearTimeout(t);
              resolve();
            });
            l.client.end();
          }),
      ),
    );
  }

  /** The first authenticator's answer for the host, if any answers. */
  private async certificateFor(host: SshHostSummary, signal: AbortSignal): Promise<SshCertificateSignIn | undefined> {
    for (const a of this.opts.authenticators?.() ?? []) {
      const answer = await a.signIn(host, signal);
      if (answer) return answer;
    }
    return undefined;
  }

  /** The TCP (or routed) stream to a host: the first router that answers, else a direct connection. */
  private async socketFor(host: SshHostSummary, signal: AbortSignal): Promise<Duplex> {
    for (const router of this.opts.routers()) {
      const routed = await router.route(host, signal);
      if (routed) {
        (routed as Partial<Socket>).setNoDelay?.(true);
        return routed;
      }
    }
    return new Promise<Socket>((resolve, reject) => {
      const sock = netConnect({ host: host.address, port: host.port });
      // Interactive shells send single keystrokes: Nagle's algorithm would hold each one for an ACK.
      sock.setNoDelay(true);
      const onAbort = () => {
        sock.destroy();
        reject(Object.assign(new Error("connect timed out"), { code: "ETIMEDOUT" }));
      };
      signal.addEventListener("abort", onAbort, { once: true });
      sock.once("connect", () => {
        signal.removeEventListener("abort", onAbort);
        sock.removeAllListeners("error");
        resolve(sock);
      });
      sock.once("error", (err) => {
        signal.removeEventListener("abort", onAbort);
        reject(err);
      });
    });
  }

  private async open(hostId: string): Promise<Live & { fingerprint: string }> {
    const { store } = this.opts;
    const { host, credentials } = await store.connectInfo(hostId);
    const where = `${host.name} (${host.address}:${host.port})`;
    const readyTimeout = this.opts.readyTimeoutMs ?? 20_000;
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), readyTimeout);
    let sock: Duplex;
    let certificate: SshCertificateSignIn | undefined;
    let auth: Partial<ConnectConfig>;
    try {
      certificate = await this.certificateFor(host, abort.signal);
      auth = certificate ? certificateAuth(host, certificate) : authConfig(host, credentials);
    } catch (err) {
      clearTimeout(timer);
      throw connectError(err, where);
    }
    try {
      sock = await this.socketFor(host, abort.signal);
    } catch (err) {
      throw connectError(err, where);
    } finally {
      clearTimeout(timer);
    }
    const client = new ssh2.Client();
    let fingerprint = "";
    let keyRefused: HostError | undefined;
    let keyCheckFailed: unknown;
    return new Promise((resolve, reject) => {
      const fail = (err: unknown) => {
        client.removeAllListeners();
        client.on("error", () => undefined);
        sock.destroy();
        reject(
          keyRefused ??
            (keyCheckFailed ? connectError(keyCheckFailed, where) : certificate ? certificateRefused(err, where, certificate) : connectError(err, where)),
        );
      };
      const closedEarly = () => fail(Object.assign(new Error("connection closed during the handshake"), { code: "ECONNRESET" }));
      client.once("ready", () => {
        client.removeListener("error", fail);
        client.removeListener("close", closedEarly);
        // Errors after sign-in are handled by the pool; this keeps an early one from being unhandled.
        client.on("error", () => undefined);
        resolve({ client, sock, connectedAt: Date.now(), closeListeners: new Set(), sessions: 0, full: false, spare: false, fingerprint });
      });
      client.once("error", fail);
      client.once("close", closedEarly);
      client.on("keyboard-interactive", (_name, _instructions, _lang, prompts, finish) => finish(prompts.map(() => credentials.password ?? "")));
      client.connect({
        sock: sock as Socket,
        username: host.user,
        ...auth,
        readyTimeout,
        keepaliveInterval: this.opts.keepaliveIntervalMs ?? 15_000,
        keepaliveCountMax: this.opts.keepaliveCountMax ?? 3,
        hostVerifier: (key: Buffer, verify: (ok: boolean) => void) => {
          fingerprint = hostKeyFingerprint(key);
          void (async () => {
            // Read the trusted key now, not before connecting: an admin may have accepted a new one meanwhile.
            const trusted = (await store.summaryOf(hostId)).fingerprint;
            if (trusted === fingerprint) return true;
            await store.setPending(hostId, fingerprint);
            if (trusted === null) {
              // First contact: the person compares the fingerprint with the server's before anything is trusted
              // (a key learnt silently would trust whoever answered first, someone in the middle included).
              keyRefused = new HostError(
                "HOST_ERR_HOST_KEY_UNTRUSTED",
                `the host key of ${host.name} is not trusted yet: the server presented ${fingerprint}; an admin compares it with the server's key and trusts it in Settings → Integrations → SSH hosts`,
                { details: [`presented: ${fingerprint}`] },
              );
              return false;
            }
            keyRefused = new HostError(
              "HOST_ERR_HOST_KEY_CHANGED",
              `the host key of ${host.name} changed: trusted ${trusted}, presented ${fingerprint}; refused until an admin accepts the new key`,
              { details: [`trusted: ${trusted}`, `presented: ${fingerprint}`] },
            );
            return false;
          })().then(verify, (err: unknown) => {
            keyCheckFailed = err;
            verify(false);
          });
        },
      } as ConnectConfig);
    });
  }
}
