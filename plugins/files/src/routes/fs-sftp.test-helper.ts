/**
 * An SshSftp over the local file system, for route tests that need no sshd: errors carry the same codes
 * and SFTP statuses the host's service throws (2 no such file, 3 permission denied, 4 failure).
 */
import { createReadStream, createWriteStream, promises as fs, type Stats } from "node:fs";
import type { SshFileStat, SshSftp } from "@archnest/sdk/plugin";

function coded(err: unknown): Error {
  const e = err as NodeJS.ErrnoException;
  const map: Record<string, [string, number]> = {
    ENOENT: ["HOST_ERR_SFTP_NO_SUCH_FILE", 2],
    EACCES: ["HOST_ERR_SFTP_PERMISSION_DENIED", 3],
    EPERM: ["HOST_ERR_SFTP_PERMISSION_DENIED", 3],
  };
  const [code, status] = map[e.code ?? ""] ?? ["HOST_ERR_SFTP_FAILURE", 4];
  return Object.assign(new Error(e.message), { code, sftpStatus: status });
}

const stat = (s: Stats): SshFileStat => ({
  size: s.size,
  mtime: s.mtimeMs,
  atime: s.atimeMs,
  mode: s.mode,
  type: s.isDirectory() ? "directory" : s.isSymbolicLink() ? "symlink" : s.isFile() ? "file" : "other",
  uid: s.uid,
  gid: s.gid,
});

const wrap =
  <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
  async (...a: A): Promise<R> => {
    try {
      return await fn(...a);
    } catch (err) {
      throw coded(err);
    }
  };

export function fsSftp(): SshSftp {
  return {
    readdir: wrap(async (p) => Promise.all((await fs.readdir(p)).map(async (name) => ({ name, ...stat(await fs.lstat(`${p}/${name}`)) })))),
    stat: wrap(async (p) => stat(await fs.stat(p))),
    lstat: wrap(async (p) => stat(await fs.lstat(p))),
    mkdir: wrap(async (p, mode) => void (await fs.mkdir(p, mode === undefined ? {} : { mode }))),
    rmdir: wrap(async (p) => fs.rmdir(p)),
    unlink: wrap(async (p) => fs.unlink(p)),
    rename: wrap(async (a, b) => fs.rename(a, b)),
    chmod: wrap(async (p, m) => fs.chmod(p, m)),
    utimes: wrap(async (p, a, m) => fs.utimes(p, a / 1000, m / 1000)),
    realpath: wrap(async (p) => fs.realpath(p)),
    readFile: wrap(async (p) => new Uint8Array(await fs.readFile(p))),
    writeFile: wrap(async (p, d) => fs.writeFile(p, d)),
    createReadStream: (p, o) => createReadStream(p, o ?? {}).on("error", () => undefined),
    createWriteStream: (p, o) => createWriteStream(p, { flags: o?.flags ?? "w", ...(o?.start !== undefined && { start: o.start }) }),
    open: wrap(async (p, flags, o) => {
      const f = await fs.open(p, flags, o?.mode);
      return {
        read: wrap(async (position: number, length: number) => {
          const buf = Buffer.alloc(length);
          let got = 0;
          while (got < length) {
            const { bytesRead } = await f.read(buf, got, length - got, position + got);
            if (bytesRead === 0) break;
            got += bytesRead;
          }
          return buf.subarray(0, got);
        }),
        write: wrap(async (position: number, data: Uint8Array) => void (await f.write(data, 0, data.byteLength, position))),
        close: () => f.close(),
      };
    }),
    close: async () => undefined,
  };
}
