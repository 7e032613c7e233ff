import type { Readable, Writable } from "node:stream";
import type { SshFileEntry, SshFileHandle, SshFileStat, SshFileType, SshOpenFlags, SshSftp } from "@archnest/sdk/plugin";
import type { Attributes, SFTPWrapper } from "ssh2";
import { HostError } from "../errors/index.js";
import { SftpError, sftpError } from "./ssh-errors.js";

const S_IFMT = 0o170000;
const S_IFDIR = 0o040000;
const S_IFREG = 0o100000;
const S_IFLNK = 0o120000;

function typeOf(mode: number): SshFileType {
  const t = mode & S_IFMT;
  return t === S_IFREG ? "file" : t === S_IFDIR ? "directory" : t === S_IFLNK ? "symlink" : "other";
}

function statOf(a: Attributes): SshFileStat {
  return {
    size: a.size,
    mtime: a.mtime * 1000,
    atime: a.atime * 1000,
    mode: a.mode,
    type: typeOf(a.mode),
    uid: a.uid,
    gid: a.gid,
  };
}

/** Replaces an ssh2 stream's raw SFTP errors with coded ones, without putting another stream in the data path. */
function codedErrors<S extends Readable | Writable>(stream: S, op: string, path: string): S {
  const emit = stream.emit.bind(stream) as (event: string | symbol, ...args: unknown[]) => boolean;
  (stream as { emit: (event: string | symbol, ...args: unknown[]) => boolean }).emit = (event, ...args) =>
    event === "error" ? emit(event, sftpError(args[0], op, path)) : emit(event, ...args);
  return stream;
}

const DEFAULT_MAX_READ = 1024 * 1024;
/** The largest single read or write through a handle: bounds what one call can make the host allocate. */
const MAX_HANDLE_IO = 16 * 1024 * 1024;
const OPEN_FLAGS: ReadonlySet<string> = new Set<SshOpenFlags>(["r", "r+", "w", "wx", "a"]);

function checkIo(op: string, position: unknown, length: unknown): void {
  if (typeof position !== "number" || !Number.isSafeInteger(position) || position < 0)
    throw new HostError("HOST_ERR_VALIDATION", `${op}: position must be a whole number of bytes, 0 or more`);
  if (typeof length !== "number" || !Number.isSafeInteger(length) || length < 0 || length > MAX_HANDLE_IO)
    throw new HostError("HOST_ERR_VALIDATION", `${op}: length must be a whole number of bytes up to ${MAX_HANDLE_IO}`);
}

/** One ssh2 SFTP call as a promise, its failure (thrown or called back) as a coded error. */
function sftpCall<T>(op: string, path: string, run: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    try {
      run((err, value) => (err ? reject(sftpError(err, op, path)) : resolve(value as T)));
    } catch (err) {
      reject(sftpError(err, op, path));
    }
  });
}

/**
 * An open remote file: each read or write is its own SFTP request on the shared channel, so callers keep
 * as many in flight as they like. Short reads before the end of the file are completed here, so a short
 * answer always means the end of the file.
 */
class SftpFileHandle implements SshFileHandle {
  private closing: Promise<void> | undefined;

  constructor(
    private readonly session: SftpSession,
    private readonly sftp: SFTPWrapper,
    private readonly handle: Buffer,
    private readonly path: string,
  ) {}

  private live(op: string): void {
    if (this.closing || this.session.closed) throw new HostError("HOST_ERR_SSH_DISCONNECTED", `${op} ${this.path}: the file handle is closed`);
  }

  async read(position: number, length: number): Promise<Uint8Array> {
    checkIo("read", position, length);
    this.live("read");
    const buf = Buffer.allocUnsafe(length);
    let got = 0;
    while (got < length) {
      const n = await sftpCall<number>("read", this.path, (cb) => this.sftp.read(this.handle, buf, got, length - got, position + got, cb));
      if (n === 0) break;
      got += n;
    }
    return got === length ? buf : buf.subarray(0, got);
  }

  async write(position: number, data: Uint8Array): Promise<void> {
    checkIo("write", position, data?.byteLength);
    this.live("write");
    const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
    await sftpCall("write", this.path, (cb) => this.sftp.write(this.handle, buf, 0, buf.length, position, cb));
  }

  close(): Promise<void> {
    this.closing ??= this.session.closed ? Promise.resolve() : sftpCall<void>("close", this.path, (cb) => this.sftp.close(this.handle, cb));
    return this.closing;
  }
}

/**
 * The SDK's {@link SshSftp} over one ssh2 SFTP channel: promises instead of callbacks, coded errors
 * (the SFTP codes of the host catalogue, with the SFTP status) instead of raw ones, and attributes in milliseconds.
 */
export class SftpSession implements SshSftp {
  private ended = false;
  private readonly closeListeners = new Set<() => void>();

  constructor(private readonly sftp: SFTPWrapper) {
    sftp.on("close", () => this.markClosed());
    // A dropped connection errors the channel; calls in flight fail with their own coded errors.
    sftp.on("error", () => this.markClosed());
  }

  private markClosed(): void {
    if (this.ended) return;
    this.ended = true;
    for (const l of [...this.closeListeners]) l();
    this.closeListeners.clear();
  }

  /** Called once when the session ends (closed, or its connection dropped). */
  onClose(listener: () => void): () => void {
    if (this.ended) queueMicrotask(listener);
    else this.closeListeners.add(listener);
    return () => void this.closeListeners.delete(listener);
  }

  private call<T>(op: string, path: string, run: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
    if (this.ended) return Promise.reject(new HostError("HOST_ERR_SSH_DISCONNECTED", `${op} ${path}: the SFTP session is closed`));
    return sftpCall(op, path, run);
  }

  async readdir(path: string): Promise<SshFileEntry[]> {
    const list = await this.call<{ filename: string; attrs: Attributes }[]>("readdir", path, (cb) => this.sftp.readdir(path, cb));
    return list.filter((e) => e.filename !== "." && e.filename !== "..").map((e) => ({ name: e.filename, ...statOf(e.attrs) }));
  }

  async stat(path: string): Promise<SshFileStat> {
    return statOf(await this.call<Attributes>("stat", path, (cb) => this.sftp.stat(path, cb)));
  }

  async lstat(path: string): Promise<SshFileStat> {
    return statOf(await this.call<Attributes>("lstat", path, (cb) => this.sftp.lstat(path, cb)));
  }

  async mkdir(path: string, mode?: number): Promise<void> {
    await this.call("mkdir", path, (cb) => (mode === undefined ? this.sftp.mkdir(path, cb) : this.sftp.mkdir(path, { mode }, cb)));
  }

  async rmdir(path: string): Promise<void> {
    await this.call("rmdir", path, (cb) => this.sftp.rmdir(path, cb));
  }

  async unlink(path: string): Promise<void> {
    await this.call("unlink", path, (cb) => this.sftp.unlink(path, cb));
  }

  async rename(from: string, to: string): Promise<void> {
    await this.call("rename", from, (cb) => this.sftp.rename(from, to, cb));
  }

  async chmod(path: string, mode: number): Promise<void> {
    await this.call("chmod", path, (cb) => this.sftp.chmod(path, mode, cb));
  }

  async utimes(path: string, atime: number, mtime: number): Promise<void> {
    for (const [name, v] of [
      ["atime", atime],
      ["mtime", mtime],
    ] as const)
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0)
        throw new HostError("HOST_ERR_VALIDATION", `utimes ${path}: ${name} must be ms since the epoch, 0 or more`);
    // ssh2 sends numbers as whole seconds (SFTP v3 attributes are 32-bit seconds).
    await this.call("utimes", path, (cb) => this.sftp.utimes(path, Math.floor(atime / 1000), Math.floor(mtime / 1000), cb));
  }

  async realpath(path: string): Promise<string> {
    return this.call<string>("realpath", path, (cb) => this.sftp.realpath(path, cb));
  }

  async readFile(path: string, opts: { maxBytes?: number } = {}): Promise<Uint8Array> {
    const max = opts.maxBytes ?? DEFAULT_MAX_READ;
    const st = await this.stat(path);
    if (st.size > max) throw new SftpError("HOST_ERR_SFTP_FAILURE", `readFile ${path}: the file has ${st.size} bytes, more than ${max}`, undefined);
    const chunks: Buffer[] = [];
    let total = 0;
    for await (const chunk of this.createReadStream(path)) {
      total += (chunk as Buffer).length;
      if (total > max) throw new SftpError("HOST_ERR_SFTP_FAILURE", `readFile ${path}: the file grew past ${max} bytes while reading`, undefined);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  }

  async writeFile(path: string, data: string | Uint8Array, opts: { mode?: number } = {}): Promise<void> {
    await this.call("writeFile", path, (cb) =>
      this.sftp.writeFile(path, typeof data === "string" ? data : Buffer.from(data), opts.mode === undefined ? {} : { mode: opts.mode }, cb),
    );
  }

  createReadStream(path: string, opts: { start?: number; end?: number } = {}): Readable {
    const o: { start?: number; end?: number } = {};
    if (opts.start !== undefined) o.start = opts.start;
    if (opts.end !== undefined) o.end = opts.end;
    return codedErrors(this.sftp.createReadStream(path, o), "read", path);
  }

  createWriteStream(path: string, opts: { flags?: "w" | "a" | "r+"; start?: number; mode?: number } = {}): Writable {
    const o: { flags: "w" | "a" | "r+"; start?: number; mode?: number } = { flags: opts.flags ?? "w" };
    if (opts.start !== undefined) o.start = opts.start;
    if (opts.mode !== undefined) o.mode = opts.mode;
    return codedErrors(this.sftp.createWriteStream(path, o), "write", path);
  }

  async open(path: string, flags: SshOpenFlags, opts: { mode?: number } = {}): Promise<SshFileHandle> {
    if (!OPEN_FLAGS.has(flags)) throw new HostError("HOST_ERR_VALIDATION", `open ${path}: flags must be one of r, r+, w, wx, a`);
    const attrs = opts.mode === undefined ? {} : { mode: opts.mode };
    const handle = await this.call<Buffer>("open", path, (cb) => this.sftp.open(path, flags, attrs, cb));
    return new SftpFileHandle(this, this.sftp, handle, path);
  }

  get closed(): boolean {
    return this.ended;
  }

  async close(): Promise<void> {
    if (this.ended) return;
    this.sftp.end();
    this.markClosed();
  }
}
