/**
 * One SFTP session per host, reused across requests (SFTP multiplexes requests on one channel) and closed
 * after a minute unused. A session whose connection dropped is replaced on the next request.
 */
import type { PluginSsh, SshSftp } from "@archnest/sdk/plugin";
import { isSshError } from "@archnest/sdk/plugin";

const IDLE_MS = 60_000;
const BROKEN = new Set(["HOST_ERR_SSH_DISCONNECTED", "HOST_ERR_SSH_CHANNEL_FAILED", "HOST_ERR_SSH_UNREACHABLE", "HOST_ERR_SSH_TIMEOUT"]);

interface Entry {
  session: Promise<SshSftp>;
  users: number;
  idle?: ReturnType<typeof setTimeout> | undefined;
}

export class SftpPool {
  private readonly sessions = new Map<string, Entry>();

  constructor(private readonly ssh: Pick<PluginSsh, "sftp">) {}

  /**
   * Runs `fn` with the host's session; a broken session is dropped so the next call opens a new one. A
   * kept session whose connection dropped since its last use (the server restarted, the network blinked)
   * fails at once with HOST_ERR_SSH_DISCONNECTED: that call runs once more on a new session, so the person
   * never sees the error of a connection that was already gone before they asked.
   */
  async use<T>(hostId: string, fn: (sftp: SshSftp) => Promise<T>): Promise<T> {
    const kept = this.sessions.has(hostId);
    const entry = this.acquire(hostId);
    try {
      return await fn(await entry.session);
    } catch (err) {
      if (!isSshError(err) || !BROKEN.has(err.code)) throw err;
      this.drop(hostId, entry);
      if (!kept || err.code !== "HOST_ERR_SSH_DISCONNECTED") throw err;
    } finally {
      this.release(hostId, entry);
    }
    return this.use(hostId, fn);
  }

  /**
   * Holds the host's session for a long transfer (a stream outlives one call): call the returned
   * `release` when the transfer ends.
   */
  async hold(hostId: string): Promise<{ sftp: SshSftp; release: (failed?: unknown) => void }> {
    const entry = this.acquire(hostId);
    let sftp: SshSftp;
    try {
      sftp = await entry.session;
    } catch (err) {
      this.drop(hostId, entry);
      this.release(hostId, entry);
      throw err;
    }
    let done = false;
    return {
      sftp,
      release: (failed) => {
        if (done) return;
        done = true;
        if (isSshError(failed) && BROKEN.has(failed.code)) this.drop(hostId, entry);
        this.release(hostId, entry);
      },
    };
  }

  private acquire(hostId: string): Entry {
    let entry = this.sessions.get(hostId);
    if (!entry) {
      const session = this.ssh.sftp(hostId);
      entry = { session, users: 0 };
      const e = entry;
      // A failed open is not cached.
      session.catch(() => this.drop(hostId, e));
      this.sessions.set(hostId, entry);
    }
    if (entry.idle) clearTimeout(entry.idle);
    entry.idle = undefined;
    entry.users += 1;
    return entry;
  }

  private release(hostId: string, entry: Entry): void {
    entry.users -= 1;
    if (entry.users > 0 || this.sessions.get(hostId) !== entry) {
      if (entry.users <= 0 && this.sessions.get(hostId) !== entry) void entry.session.then((s) => s.close()).catch(() => undefined);
      return;
    }
    entry.idle = setTimeout(() => this.drop(hostId, entry), IDLE_MS);
    entry.idle.unref?.();
  }

  private drop(hostId: string, entry: Entry): void {
    if (this.sessions.get(hostId) === entry) this.sessions.delete(hostId);
    if (entry.idle) clearTimeout(entry.idle);
    if (entry.users <= 0) void entry.session.then((s) => s.close()).catch(() => undefined);
  }

  /** Closes every session (the plugin is unloading). */
  async close(): Promise<void> {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.allSettled(all.map(async (e) => (await e.session).close()));
  }
}
