/**
 * The SSH service the host lends to plugins as `ctx.ssh`. The host owns the SSH hosts (address, user,
 * credentials in its vault, verified host keys) and one pooled connection per host; plugins never see a
 * credential. Each member needs its permission in `archnest.permissions` (named on the member) and throws
 * an SdkError with code `SDK_ERR_CAPABILITY_UNDECLARED` without it. Everything a plugin opens (shells,
 * SFTP sessions, tunnels, routers, listeners) is closed by the host when the plugin is disposed.
 *
 * Failures are `Error`s with a stable `code` (see {@link SshErrorCode}); SFTP failures also carry the
 * SFTP status number in `sftpStatus`. Branch on `code`, show `message`.
 */
import type { Duplex, Readable, Writable } from "node:stream";
import type { Disposable } from "./index.js";

/** How the host signs in to an SSH host. */
export type SshAuthMethod = "password" | "key";

/** An SSH host as plugins see it: everything but its credentials. */
export interface SshHostSummary {
  /** Stable id; pass it to every other `ctx.ssh` call. */
  id: string;
  /** The display name the admin chose (unique per install). */
  name: string;
  /** DNS name or IP address. */
  address: string;
  port: number;
  /** The remote user name. */
  user: string;
  tags: string[];
  authMethod: SshAuthMethod;
  /**
   * The trusted host key fingerprint as OpenSSH prints it (`SHA256:<base64>`), or null until an admin
   * trusts the key the server presented on the first connection.
   */
  fingerprint: string | null;
}

/**
 * Stable codes of the errors `ctx.ssh` throws (the host documents them in its error catalogue).
 *
 * - `HOST_ERR_SSH_HOST_NOT_FOUND`: no SSH host has this id.
 * - `HOST_ERR_SSH_UNREACHABLE`: the TCP connection was refused or the address does not resolve.
 * - `HOST_ERR_SSH_TIMEOUT`: the connection or the SSH handshake took too long.
 * - `HOST_ERR_SSH_AUTH_FAILED`: the server refused the stored credentials.
 * - `HOST_ERR_HOST_KEY_UNTRUSTED`: no host key is trusted yet (first contact); an admin must trust the presented one.
 * - `HOST_ERR_HOST_KEY_CHANGED`: the server's host key differs from the trusted one; an admin must accept it.
 * - `HOST_ERR_SSH_DISCONNECTED`: the connection dropped during the call (the next call reconnects).
 * - `HOST_ERR_SSH_CHANNEL_FAILED`: the server refused to open a channel (session, sftp, forward).
 * - `HOST_ERR_SSH_EXEC_TIMEOUT`: a command ran longer than its `timeoutMs` (it was killed).
 * - `HOST_ERR_SSH_FORWARD_FAILED`: a forward could not bind (port in use, server refused the remote forward).
 * - `HOST_ERR_SFTP_NO_SUCH_FILE`, `HOST_ERR_SFTP_PERMISSION_DENIED`, `HOST_ERR_SFTP_FAILURE` (the server's
 *   generic failure, such as a full disk or a non-empty folder), `HOST_ERR_SFTP_ERROR` (any other status).
 */
export type SshErrorCode =
  | "HOST_ERR_SSH_HOST_NOT_FOUND"
  | "HOST_ERR_SSH_UNREACHABLE"
  | "HOST_ERR_SSH_TIMEOUT"
  | "HOST_ERR_SSH_AUTH_FAILED"
  | "HOST_ERR_HOST_KEY_UNTRUSTED"
  | "HOST_ERR_HOST_KEY_CHANGED"
  | "HOST_ERR_SSH_DISCONNECTED"
  | "HOST_ERR_SSH_CHANNEL_FAILED"
  | "HOST_ERR_SSH_EXEC_TIMEOUT"
  | "HOST_ERR_SSH_FORWARD_FAILED"
  | "HOST_ERR_SSH_KEY_INVALID"
  | "HOST_ERR_SFTP_NO_SUCH_FILE"
  | "HOST_ERR_SFTP_PERMISSION_DENIED"
  | "HOST_ERR_SFTP_FAILURE"
  | "HOST_ERR_SFTP_ERROR";

/** The fields `ctx.ssh` errors carry besides `message`. */
export interface SshErrorFields {
  code: SshErrorCode;
  /** The SFTP status code (2 no such file, 3 permission denied, 4 failure, ...) for SFTP errors. */
  sftpStatus?: number;
}

/**
 * True when an error thrown by `ctx.ssh` carries one of the {@link SshErrorCode}s.
 *
 * @example
 * ```ts
 * try { await ctx.ssh.sftp(id).then((s) => s.unlink(path)) }
 * catch (e) { if (isSshError(e) && e.code === "HOST_ERR_SFTP_PERMISSION_DENIED") return c.json({ error: e.message }, 403) }
 * ```
 */
export function isSshError(error: unknown): error is Error & SshErrorFields {
  if (!(error instanceof Error)) return false;
  const code: unknown = (error as { code?: unknown }).code;
  return typeof code === "string" && /^HOST_ERR_(SSH_|SFTP_|HOST_KEY_(CHANGED|UNTRUSTED)$)/.test(code);
}

/** Options of {@link PluginSsh.exec}. */
export interface SshExecOptions {
  /** Kill the command and throw `HOST_ERR_SSH_EXEC_TIMEOUT` after this many ms (default 30000). */
  timeoutMs?: number;
  /** Written to the command's stdin, which is then closed. */
  stdin?: string | Uint8Array;
  /**
   * Caps stdout and stderr each (default 1 MiB); output beyond is dropped and `truncated` is set.
   * Use a shell or SFTP for bulk data.
   */
  maxOutputBytes?: number;
}

/** What {@link PluginSsh.exec} resolves to once the command exits. */
export interface SshExecResult {
  /** The exit status, or null when the command died from a signal. */
  code: number | null;
  /** The signal name without `SIG` (`"TERM"`), or null. */
  signal: string | null;
  /** stdout decoded as UTF-8. */
  stdout: string;
  /** stderr decoded as UTF-8. */
  stderr: string;
  /** True when stdout or stderr passed `maxOutputBytes` and was cut. */
  truncated: boolean;
}

/** Options of {@link PluginSsh.shell}: the pseudo-terminal to allocate. */
export interface SshShellOptions {
  cols: number;
  rows: number;
  /** The TERM value (default `xterm-256color`). */
  term?: string;
  /** Extra environment variables (servers usually accept only those their AcceptEnv allows). */
  env?: Record<string, string>;
  /**
   * Runs this command on the pseudo-terminal instead of the login shell (an SSH `exec` request with a
   * pty), such as `tmux new-session -A -s main`. The shell ends when the command exits, with its status
   * in `onClose`. The remote user's shell interprets it, as `ssh host 'command'` does. Non-empty, at most
   * 128 KiB.
   *
   * @example
   * ```ts
   * const sh = await ctx.ssh.shell(hostId, { cols: 120, rows: 40, command: "htop" });
   * sh.onClose(({ code }) => ctx.log.info("htop exited", { code }));
   * ```
   */
  command?: string;
}

/**
 * An interactive shell on a pseudo-terminal. Output arrives through `onData` in chunks as the server sends
 * them; `pause()` stops reading from the SSH channel so its window fills and the server stops sending
 * (flow control toward a slow browser), `resume()` reads again.
 *
 * @example
 * ```ts
 * const sh = await ctx.ssh.shell(hostId, { cols: 80, rows: 24 });
 * sh.onData((chunk) => { socket.send(chunk); if (socket.bufferedAmount > 1 << 20) sh.pause() });
 * socket.onDrain(() => sh.resume());
 * sh.write("echo hi\n");
 * ```
 */
export interface SshShell {
  /** Sends keystrokes or pasted text to the shell. Returns false when the channel buffer is full. */
  write(data: string | Uint8Array): boolean;
  /** Output (stdout and stderr merged, as a terminal shows them). */
  onData(listener: (chunk: Uint8Array) => void): Disposable;
  /** Called once when the shell ends: the remote exit, a dropped connection, or `close()`. */
  onClose(listener: (info: { code: number | null; signal: string | null; reason: "exit" | "closed" | "disconnected" }) => void): Disposable;
  /** Changes the pseudo-terminal size (the remote side gets SIGWINCH). */
  resize(cols: number, rows: number): void;
  /** Stops reading output; the SSH window fills and the server stops sending. */
  pause(): void;
  /** Reads output again after {@link SshShell.pause}. */
  resume(): void;
  /** True once the shell ended. */
  readonly closed: boolean;
  /** Ends the shell (idempotent). */
  close(): void;
}

/** The kind of a remote file system entry. */
export type SshFileType = "file" | "directory" | "symlink" | "other";

/** File attributes from SFTP `stat`. */
export interface SshFileStat {
  size: number;
  /** Modification time in ms since the epoch. */
  mtime: number;
  /** Access time in ms since the epoch. */
  atime: number;
  /** The full mode bits (type and permissions); `mode & 0o7777` are the permissions. */
  mode: number;
  type: SshFileType;
  uid: number;
  gid: number;
}

/** One entry of {@link SshSftp.readdir} (symlinks are reported as `symlink`, not followed). */
export interface SshFileEntry extends SshFileStat {
  name: string;
}

/** How {@link SshSftp.open} opens a file (as Node's `fs.open` flags). */
export type SshOpenFlags = "r" | "r+" | "w" | "wx" | "a";

/**
 * An open remote file ({@link SshSftp.open}). Calls may overlap: each is its own SFTP request, answered
 * in any order. Failures throw coded errors (`HOST_ERR_SFTP_*`).
 *
 * @example
 * ```ts
 * const f = await sftp.open("/srv/big.iso", "r");
 * try {
 *   // four reads in flight at once
 *   const parts = await Promise.all([0, 1, 2, 3].map((i) => f.read(i * 262144, 262144)));
 * } finally {
 *   await f.close();
 * }
 * ```
 */
export interface SshFileHandle {
  /**
   * Reads up to `length` bytes at `position`. The result is shorter only at the end of the file, and empty
   * at or past it. A length above the server's limit is read with several requests, one after another.
   */
  read(position: number, length: number): Promise<Uint8Array>;
  /** Writes all of `data` at `position` (data above the server's limit goes in several requests). */
  write(position: number, data: Uint8Array): Promise<void>;
  /** Closes the handle (idempotent); calls still in flight fail. */
  close(): Promise<void>;
}

/**
 * An SFTP session on a host's pooled connection. Paths are remote paths; relative ones start at the
 * remote user's home folder. Failures throw coded errors (`HOST_ERR_SFTP_*`) with `sftpStatus`.
 *
 * @example
 * ```ts
 * const sftp = await ctx.ssh.sftp(hostId);
 * const home = await sftp.realpath(".");
 * for (const e of await sftp.readdir(home)) console.log(e.name, e.type, e.size);
 * await pipeline(sftp.createReadStream(`${home}/big.iso`, { start: 1024 }), res);
 * await sftp.close();
 * ```
 */
export interface SshSftp {
  /** Lists a folder (without `.` and `..`). */
  readdir(path: string): Promise<SshFileEntry[]>;
  /** Follows symlinks. */
  stat(path: string): Promise<SshFileStat>;
  /** Does not follow symlinks. */
  lstat(path: string): Promise<SshFileStat>;
  /** Creates one folder (`mode` defaults to the server's umask). */
  mkdir(path: string, mode?: number): Promise<void>;
  /** Removes an empty folder. */
  rmdir(path: string): Promise<void>;
  /** Removes a file or symlink. */
  unlink(path: string): Promise<void>;
  /** Renames or moves; fails when `to` exists (SFTP v3 semantics). */
  rename(from: string, to: string): Promise<void>;
  /** Sets the permission bits (`0o644`). */
  chmod(path: string, mode: number): Promise<void>;
  /**
   * Sets a file's or folder's access and modification times, in ms since the epoch (SFTP keeps whole
   * seconds, so the ms are dropped). Symlinks are followed.
   *
   * @example
   * ```ts
   * const st = await source.stat("/srv/a.iso");
   * await target.utimes("/backup/a.iso", st.atime, st.mtime); // the copy keeps the original's times
   * ```
   */
  utimes(path: string, atime: number, mtime: number): Promise<void>;
  /** The canonical absolute path (`"."` gives the home folder). */
  realpath(path: string): Promise<string>;
  /** Reads a whole small file; throws `HOST_ERR_SFTP_FAILURE` when it is larger than `maxBytes` (default 1 MiB). */
  readFile(path: string, opts?: { maxBytes?: number }): Promise<Uint8Array>;
  /** Writes a whole small file, replacing it. */
  writeFile(path: string, data: string | Uint8Array, opts?: { mode?: number }): Promise<void>;
  /** Streams a file; `start` and `end` are inclusive byte offsets (as HTTP Range). */
  createReadStream(path: string, opts?: { start?: number; end?: number }): Readable;
  /**
   * Streams into a file. `flags` is `"w"` (truncate, default), `"a"` (append) or `"r+"` (write at `start`
   * without truncating: resuming an upload). The stream emits `error` with a coded error.
   */
  createWriteStream(path: string, opts?: { flags?: "w" | "a" | "r+"; start?: number; mode?: number }): Writable;
  /**
   * Opens a file for positioned reads and writes. A stream keeps one request in flight, so its speed is one
   * block per round trip; through a handle many reads or writes can be in flight at once, which is how
   * OpenSSH's own client moves large files. `flags`: `"r"` read, `"r+"` read and write an existing file,
   * `"w"` create or truncate, `"wx"` create a new file only, `"a"` append.
   */
  open(path: string, flags: SshOpenFlags, opts?: { mode?: number }): Promise<SshFileHandle>;
  /** Ends the SFTP session (idempotent); open streams fail. */
  close(): Promise<void>;
}

/** Options of {@link PluginSsh.forwardLocal}: a port on the ArchNest machine to target:port seen from the SSH host. */
export interface SshLocalForwardOptions {
  /** The local address to listen on (default `127.0.0.1`). */
  bindHost?: string;
  /** The local port; 0 picks a free one (read it from {@link SshTunnel.port}). */
  bindPort: number;
  /** The destination as the SSH host resolves it (`127.0.0.1` is the SSH host itself). */
  targetHost: string;
  targetPort: number;
}

/** Options of {@link PluginSsh.forwardRemote}: a port on the SSH host to target:port seen from the ArchNest machine. */
export interface SshRemoteForwardOptions {
  /** The address the SSH server listens on (default `127.0.0.1`; others need `GatewayPorts`). */
  remoteBindHost?: string;
  /** The remote port; 0 lets the server pick (read it from {@link SshTunnel.port}). */
  remoteBindPort: number;
  /** The destination as the ArchNest machine resolves it. */
  targetHost: string;
  targetPort: number;
}

/** Counters of a tunnel since it opened. */
export interface SshTunnelStats {
  /** Bytes from the target back to the connecting client. */
  bytesIn: number;
  /** Bytes from the connecting client to the target. */
  bytesOut: number;
  /** Connections open now. */
  connections: number;
  /** Connections accepted since the tunnel opened. */
  totalConnections: number;
  /** The last error's message (a refused target, a dropped SSH connection), or null. */
  lastError: string | null;
  /** The last error's code, or null. */
  lastErrorCode: string | null;
}

/**
 * A running port forward. A local forward keeps listening across SSH reconnects (each new connection
 * uses the current pooled connection); a remote forward lives on one SSH connection and closes, calling
 * `onClose`, when that connection drops.
 */
export interface SshTunnel {
  readonly kind: "local" | "remote";
  /** The bound port (local port for local forwards, remote port for remote forwards). */
  readonly port: number;
  /** True once closed. */
  readonly closed: boolean;
  stats(): SshTunnelStats;
  /** Errors of single connections through the tunnel (the tunnel itself stays up). */
  onError(listener: (error: Error & { code: string }) => void): Disposable;
  /** Called once when the tunnel stops, with the error that stopped it if any. */
  onClose(listener: (error?: Error & { code: string }) => void): Disposable;
  /** Stops listening and closes every connection through the tunnel. */
  close(): Promise<void>;
}

/** Options of {@link PluginSsh.openTcp}: the address the SSH host connects to. */
export interface SshTcpOptions {
  /** The destination as the SSH host resolves it (`127.0.0.1` is the SSH host itself). */
  host: string;
  port: number;
  /** Aborting it before the channel opens rejects the call; after, it ends the stream. */
  signal?: AbortSignal;
}

/** Options of {@link PluginSsh.openUnix}. */
export interface SshUnixOptions {
  /** Absolute path of the unix socket on the SSH host, such as `/var/run/docker.sock`. */
  socketPath: string;
  /** Aborting it before the channel opens rejects the call; after, it ends the stream. */
  signal?: AbortSignal;
}

/** Options of {@link PluginSsh.openExec}. */
export interface SshExecStreamOptions {
  /** Aborting it before the command starts rejects the call; after, it ends the stream. */
  signal?: AbortSignal;
}

/**
 * A command's standard input and output as one duplex stream, for commands that speak a protocol over
 * them (`docker system dial-stdio`, `nc -U`, `sftp-server`). No pseudo-terminal: bytes pass unchanged.
 */
export interface SshExecStream extends Duplex {
  /** What the command wrote to standard error so far (the first 8 KiB), to say why it failed. */
  readonly stderrText: string;
  /** The command's exit status once it exited, else null. */
  readonly exitCode: number | null;
}

/**
 * A connection router: given the host about to be connected, returns a connected duplex stream that
 * carries the SSH protocol to it (for example a `forwardOut` channel through a jump host), or undefined
 * to let the next router, and finally a direct TCP connection, handle it.
 */
export interface SshRouter {
  route(host: SshHostSummary, signal: AbortSignal): Promise<Duplex | undefined> | Duplex | undefined;
}

/** A key and its OpenSSH user certificate, handed to the host by an {@link SshAuthenticator}. */
export interface SshCertificateSignIn {
  /** The private key the certificate certifies (OpenSSH or PEM). */
  privateKey: string;
  passphrase?: string;
  /**
   * The certificate in OpenSSH's one-line form (`ssh-ed25519-cert-v01@openssh.com AAAA... comment`), as
   * `ssh-keygen -s` and OPKSSH write it. Ed25519, ECDSA and RSA certificates (RSA signs with rsa-sha2-256).
   */
  certificate: string;
  /** How messages name it when the server refuses it (`key id "alice", CA SHA256:...`). */
  label?: string;
}

/**
 * Signs in to hosts with credentials the plugin holds instead of the host's stored ones: asked before each
 * new connection, in registration order; the first answer is used. Throwing an error with a `code` fails
 * that connection with it (a certificate that expired, say), and the message reaches the admin as it is.
 */
export interface SshAuthenticator {
  signIn(host: SshHostSummary, signal: AbortSignal): Promise<SshCertificateSignIn | undefined> | SshCertificateSignIn | undefined;
}

/** A public key as `ctx.ssh.publicKeyOf` reads it from a private key. */
export interface SshPublicKey {
  /** `ssh-ed25519`, `ecdsa-sha2-nistp256`, `ssh-rsa`, ... */
  type: string;
  /** The key in SSH wire form, as certificates and `authorized_keys` carry it. */
  blob: Buffer;
  /** As `ssh-keygen -l` prints it: `SHA256:...`. */
  fingerprint: string;
}

/**
 * The SSH service lent to plugins as `ctx.ssh`. See the module comment for permissions and errors.
 *
 * @example
 * ```ts
 * // archnest.permissions: ["hosts:read", "ssh:exec"]
 * const [host] = await ctx.ssh.hosts();
 * const { stdout } = await ctx.ssh.exec(host.id, "cat /proc/loadavg", { timeoutMs: 5000 });
 * ```
 */
export interface PluginSsh {
  /** The SSH hosts of this install, sorted by name (permission `hosts:read`). */
  hosts(): Promise<SshHostSummary[]>;
  /** Called after a host is added, edited, removed or its key accepted (permission `hosts:read`). */
  onHostsChanged(listener: (hosts: SshHostSummary[]) => void): Disposable;
  /** Runs a command and collects its output (permission `ssh:exec`). */
  exec(hostId: string, command: string, opts?: SshExecOptions): Promise<SshExecResult>;
  /** Opens an interactive shell on a pseudo-terminal (permission `ssh:shell`). */
  shell(hostId: string, opts: SshShellOptions): Promise<SshShell>;
  /** Opens an SFTP session (permission `ssh:sftp`). */
  sftp(hostId: string): Promise<SshSftp>;
  /** Starts a local forward (permission `ssh:forward`). */
  forwardLocal(hostId: string, opts: SshLocalForwardOptions): Promise<SshTunnel>;
  /** Starts a remote forward (permission `ssh:forward`). */
  forwardRemote(hostId: string, opts: SshRemoteForwardOptions): Promise<SshTunnel>;
  /**
   * Registers a connection router, asked in registration order before each new connection (permission
   * `ssh:route`). Disposing it leaves existing connections alone.
   */
  registerRouter(router: SshRouter): Disposable;
  /**
   * Opens a TCP connection from the SSH host to `host:port` (a `direct-tcpip` channel on the host's pooled
   * connection, as `ssh -W host:port` does) and resolves to it as a duplex stream (permission
   * `ssh:forward`). A router returns such a stream to reach a host through a jump host; since the jump
   * host's own pooled connection is opened through the routers too, chains of any length compose. The
   * stream closes when the plugin is disposed. Fails with `HOST_ERR_SSH_CHANNEL_FAILED` when the SSH host
   * cannot reach the address (or its server refuses forwarding), or the error of connecting to the host.
   *
   * @example
   * ```ts
   * // archnest.permissions: ["ssh:forward", "ssh:route"]
   * ctx.ssh.registerRouter({
   *   route: (host, signal) =>
   *     host.tags.includes("behind-bastion") ? ctx.ssh.openTcp(bastionId, { host: host.address, port: host.port, signal }) : undefined,
   * });
   * ```
   */
  openTcp(hostId: string, opts: SshTcpOptions): Promise<Duplex>;
  /**
   * Registers an authenticator (permission `ssh:auth`): before each new connection the host asks it how
   * to sign in to the host about to be connected; an answer replaces the host's stored credentials for that
   * connection. Disposing it leaves existing connections alone.
   *
   * @example
   * ```ts
   * // archnest.permissions: ["ssh:auth", "secrets"]
   * ctx.ssh.registerAuthenticator({
   *   signIn: async (host) => {
   *     const c = await ctx.secrets.get(`cert:${host.id}`);
   *     return c ? { privateKey: c.privateKey, certificate: c.certificate } : undefined;
   *   },
   * });
   * ```
   */
  registerAuthenticator(authenticator: SshAuthenticator): Disposable;
  /**
   * Opens a connection to a unix socket on the SSH host (a `direct-streamlocal@openssh.com` channel, as
   * `ssh -L /local:/remote.sock` does) and resolves to it as a duplex stream (permission `ssh:forward`).
   * Fails with `HOST_ERR_SSH_CHANNEL_FAILED` when the server refuses (`AllowStreamLocalForwarding no`,
   * or no such socket), or the error of connecting to the host. The stream closes with the plugin.
   *
   * @example
   * ```ts
   * // archnest.permissions: ["ssh:forward"]
   * const engine = await ctx.ssh.openUnix(hostId, { socketPath: "/var/run/docker.sock" });
   * engine.write("GET /_ping HTTP/1.1\r\nHost: docker\r\n\r\n");
   * ```
   */
  openUnix(hostId: string, opts: SshUnixOptions): Promise<Duplex>;
  /**
   * Runs a command without a pseudo-terminal and resolves, once it started, to its standard input and
   * output as a duplex stream (permission `ssh:exec`); the stream ends when the command exits. Fails with
   * `HOST_ERR_SSH_CHANNEL_FAILED` when the server refuses the command, or the error of connecting to the
   * host. The stream closes with the plugin.
   *
   * @example
   * ```ts
   * // archnest.permissions: ["ssh:exec"]
   * const engine = await ctx.ssh.openExec(hostId, "docker system dial-stdio");
   * engine.once("close", () => console.log(engine.exitCode, engine.stderrText));
   * ```
   */
  openExec(hostId: string, command: string, opts?: SshExecStreamOptions): Promise<SshExecStream>;
  /**
   * Reads a private key (OpenSSH or PEM; `passphrase` decrypts an encrypted one) with the same parser the
   * host signs in with, and resolves to its public key (permission `ssh:auth`), so an authenticator can
   * check a certificate certifies the key it is given before keeping the two. Nothing is stored. Fails with
   * `HOST_ERR_SSH_KEY_INVALID` when the key cannot be read (not a key, encrypted without the passphrase,
   * or the wrong one).
   *
   * @example
   * ```ts
   * const key = await ctx.ssh.publicKeyOf(body.privateKey, body.passphrase);
   * if (!key.blob.equals(parseSshCertificate(body.certificate).publicKeyBlob)) throw mismatch();
   * ```
   */
  publicKeyOf(privateKey: string, passphrase?: string): Promise<SshPublicKey>;
}

/**
 * The manifest permission each `ctx.ssh` member needs; the host checks it on every call (and the test
 * context does the same), so a plugin must declare it in `archnest.permissions`.
 */
export const SSH_PERMISSIONS = {
  hosts: "hosts:read",
  onHostsChanged: "hosts:read",
  exec: "ssh:exec",
  shell: "ssh:shell",
  sftp: "ssh:sftp",
  forwardLocal: "ssh:forward",
  forwardRemote: "ssh:forward",
  registerRouter: "ssh:route",
  openTcp: "ssh:forward",
  registerAuthenticator: "ssh:auth",
  publicKeyOf: "ssh:auth",
  openUnix: "ssh:forward",
  openExec: "ssh:exec",
} as const satisfies Record<keyof PluginSsh, string>;
