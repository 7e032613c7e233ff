/**
 * The files API under /api/plugins/files. Every route takes the SSH host as `host` (query or JSON) and
 * answers coded JSON errors (see ../errors). Transfers stream in both directions; no route holds a whole
 * file in memory except the text editor's, which is capped at {@link TEXT_MAX_BYTES}.
 */
import { posix } from "node:path";
import type { PluginSsh, SshFileEntry, SshFileStat, SshSftp } from "@archnest/sdk/plugin";
import { isSshError } from "@archnest/sdk/plugin";
import { Hono, type HonoRequest } from "hono";
import { FilesError, fromSsh, type Operation } from "../errors/index.js";
import { contentDisposition, etagOf, ifRangeMatches, parseRange } from "../http-range/index.js";
import { fileName, parseOctalMode, partPath, permissionString, remotePath } from "../remote-path/index.js";
import type { SftpPool } from "../sftp-pool/index.js";
import { isText, TEXT_MAX_BYTES } from "../text/index.js";
import { readRange, WRITE_BLOCK, WRITE_PARALLEL, writeFrom } from "../transfer/index.js";

/** One row of a listing. */
export interface FileRow {
  name: string;
  path: string;
  type: "file" | "directory" | "symlink" | "other";
  /** For symlinks: what the link points at, when it could be followed. */
  linkType?: "file" | "directory" | "other";
  size: number;
  mtime: number;
  mode: number;
  permissions: string;
}

export interface Listing {
  path: string;
  entries: FileRow[];
}

const MAX_DELETE_ENTRIES = 20_000;

function required(value: string | undefined, field: string): string {
  if (!value) throw new FilesError("FILES_ERR_BAD_REQUEST", `${field} is required.`);
  return value;
}

async function jsonBody(req: Request): Promise<Record<string, unknown>> {
  const b = (await req.json().catch(() => undefined)) as unknown;
  if (typeof b !== "object" || b === null || Array.isArray(b)) throw new FilesError("FILES_ERR_BAD_REQUEST", "Send a JSON object.");
  return b as Record<string, unknown>;
}

/** The host and path of a query-string route; `raw` is the path as the request spelled it. */
function queryTarget(req: HonoRequest, fallback = ""): { host: string; raw: string; path: string } {
  const raw = req.query("path") || fallback;
  const host = required(req.query("host"), "host");
  return { host, raw, path: remotePath(raw) };
}

/** The body, host and path (from `field`) of a JSON route. */
async function jsonTarget(req: Request, field = "path"): Promise<{ body: Record<string, unknown>; host: string; path: string }> {
  const body = await jsonBody(req);
  const host = required(body.host as string | undefined, "host");
  return { body, host, path: remotePath(body[field], field) };
}

const answer = (err: unknown, op: Operation, path: string): Response => fromSsh(err, op, path).toResponse();

/** What a route does on one host: which host, the path its failures name, and the work on an SFTP session. */
interface HostWork {
  host: string;
  shown: string;
  work: (sftp: SshSftp) => Promise<Response>;
}

/**
 * `stat` (or `lstat` when `follow` is false, so a final symlink is not followed), undefined when nothing
 * is at `path`; any other failure still throws.
 */
async function statOrUndefined(sftp: SshSftp, path: string, follow = true): Promise<SshFileStat | undefined> {
  try {
    return await (follow ? sftp.stat(path) : sftp.lstat(path));
  } catch (err) {
    if (isSshError(err) && err.code === "HOST_ERR_SFTP_NO_SUCH_FILE") return undefined;
    throw err;
  }
}

const exists = async (sftp: SshSftp, path: string): Promise<boolean> => (await statOrUndefined(sftp, path, false)) !== undefined;

/** The size of a partial upload, 0 when there is none. */
const partSize = async (sftp: SshSftp, path: string): Promise<number> => (await statOrUndefined(sftp, partPath(path)))?.size ?? 0;

/** Deletes a folder and what it holds, depth first, bounded so a mistaken `/` cannot run for hours. */
async function removeTree(sftp: SshSftp, path: string, budget: { left: number }): Promise<void> {
  for (const e of await sftp.readdir(path)) {
    if (--budget.left < 0) throw new FilesError("FILES_ERR_FAILED", `More than ${MAX_DELETE_ENTRIES} entries: delete this folder from a terminal.`);
    const child = posix.join(path, e.name);
    if (e.type === "directory") await removeTree(sftp, child, budget);
    else await sftp.unlink(child);
  }
  await sftp.rmdir(path);
}

export function filesApp(deps: { ssh: Pick<PluginSsh, "hosts">; pool: SftpPool }) {
  const { pool } = deps;
  /** Where each partial upload's unbroken run of bytes ends, as last seen by this process. */
  const committed = new Map<string, number>();
  const uploadKey = (host: string, path: string) => `${host}\0${path}`;

  /**
   * The frame of a route that works on one host: `prepare` reads and checks the request before any SSH
   * session is taken, then its work runs on a pooled session. Every failure becomes a coded answer; SSH
   * failures name the path `prepare` chose to show.
   */
  const withHost = async (op: Operation, prepare: () => HostWork | Promise<HostWork>): Promise<Response> => {
    let shown = "";
    try {
      const target = await prepare();
      shown = target.shown;
      return await pool.use(target.host, target.work);
    } catch (err) {
      return answer(err, op, shown);
    }
  };

  /** {@link withHost} for a route whose host and path come from the query string. */
  const withQuery = (
    op: Operation,
    req: HonoRequest,
    fallback: string,
    work: (sftp: SshSftp, target: { host: string; path: string }) => Promise<Response>,
  ): Promise<Response> =>
    withHost(op, () => {
      const { host, raw, path } = queryTarget(req, fallback);
      return { host, shown: raw, work: (sftp) => work(sftp, { host, path }) };
    });

  /**
   * The offset an upload resumes from. Blocks land out of order, so the partial file's size can run
   * ahead of its unbroken prefix by at most WRITE_PARALLEL blocks: without a record from this process (after a
   * restart) the answer steps back that far, and the bytes written again are the same bytes.
   */
  const resumeOffset = async (sftp: SshSftp, host: string, path: string): Promise<number> => {
    const size = await partSize(sftp, path);
    const known = committed.get(uploadKey(host, path));
    return known !== undefined && known <= size ? known : Math.max(0, size - WRITE_PARALLEL * WRITE_BLOCK);
  };

  return (
    new Hono()
      .get("/hosts", async (c) => {
        try {
          const hosts = await deps.ssh.hosts();
          return c.json({ hosts: hosts.map((h) => ({ id: h.id, name: h.name, address: h.address, user: h.user })) });
        } catch (err) {
          return answer(err, "list", "");
        }
      })

      .get("/list", (c) =>
        withQuery("list", c.req, ".", async (sftp, { path }) => {
          const abs = await sftp.realpath(path);
          const entries = await sftp.readdir(abs);
          const rows: FileRow[] = await Promise.all(
            entries.map(async (e: SshFileEntry) => {
              const row: FileRow = {
                name: e.name,
                path: posix.join(abs, e.name),
                type: e.type,
                size: e.size,
                mtime: e.mtime,
                mode: e.mode & 0o7777,
                permissions: permissionString(e.mode, e.type),
              };
              if (e.type === "symlink") {
                // Follow links so a linked folder opens like a folder; a dangling link stays a link.
                const target = await sftp.stat(row.path).catch(() => undefined);
                if (target) {
                  row.linkType = target.type === "symlink" ? "other" : target.type;
                  row.size = target.size;
                }
              }
              return row;
            }),
          );
          const isDir = (r: FileRow) => r.type === "directory" || r.linkType === "directory";
          rows.sort((a, b) => Number(isDir(b)) - Number(isDir(a)) || a.name.localeCompare(b.name));
          return c.json({ path: abs, entries: rows } satisfies Listing);
        }),
      )

      // Downloads: GET and HEAD, one byte range per request (206 + Content-Range), If-Range honoured.
      .on(["GET", "HEAD"], "/download", async (c) => {
        const raw = c.req.query("path") ?? "";
        let held: Awaited<ReturnType<SftpPool["hold"]>> | undefined;
        try {
          const host = required(c.req.query("host"), "host");
          const path = remotePath(raw);
          held = await pool.hold(host);
          const st = await held.sftp.stat(path);
          if (st.type !== "file") throw new FilesError("FILES_ERR_NOT_A_FILE", `Not a file: ${path}`);
          const etag = etagOf(st.size, st.mtime);
          const headers = new Headers({
            "accept-ranges": "bytes",
            etag,
            "last-modified": new Date(st.mtime).toUTCString(),
            "content-type": "application/octet-stream",
            "content-disposition": contentDisposition(posix.basename(path), c.req.query("inline") ? "inline" : "attachment"),
            "cache-control": "private, no-store",
            "x-content-type-options": "nosniff",
          });
          let range = parseRange(c.req.header("range"), st.size);
          if (range.kind !== "full" && !ifRangeMatches(c.req.header("if-range"), etag, st.mtime)) range = { kind: "full" };
          if (range.kind === "unsatisfiable") {
            held.release();
            headers.set("content-range", `bytes */${st.size}`);
            headers.set("content-type", "application/json");
            return new Response(JSON.stringify({ error: "FILES_ERR_RANGE", message: `The file has ${st.size} bytes.` }), { status: 416, headers });
          }
          const start = range.kind === "partial" ? range.start : 0;
          const end = range.kind === "partial" ? range.end : st.size - 1;
          headers.set("content-length", String(Math.max(0, end - start + 1)));
          if (range.kind === "partial") headers.set("content-range", `bytes ${start}-${end}/${st.size}`);
          const status = range.kind === "partial" ? 206 : 200;
          if (c.req.method === "HEAD" || st.size === 0) {
            held.release();
            return new Response(null, { status, headers });
          }
          // Opened before answering, so a file that cannot be read gets an error status, not a broken 200.
          const handle = await held.sftp.open(path, "r");
          return new Response(readRange(handle, start, end, held.release), { status, headers });
        } catch (err) {
          held?.release(err);
          return answer(err, "read", raw);
        }
      })

      // Upload status: how many bytes of a partial upload are already on the host, and whether the
      // target exists (the page asks before overwriting).
      .get("/upload", (c) =>
        withQuery("upload", c.req, "", async (sftp, { host, path }) =>
          c.json({ path, offset: await resumeOffset(sftp, host, path), exists: await exists(sftp, path) }),
        ),
      )

      // Upload: the request body is the file from `offset` on, streamed into the partial file; when the
      // partial reaches `size` it takes the real name. An interrupted upload resumes from GET /upload's offset.
      .put("/upload", async (c) => {
        const raw = c.req.query("path") ?? "";
        let held: Awaited<ReturnType<SftpPool["hold"]>> | undefined;
        try {
          const host = required(c.req.query("host"), "host");
          const path = remotePath(raw);
          const offset = Number(c.req.query("offset") ?? "0");
          const size = Number(required(c.req.query("size"), "size"));
          const overwrite = c.req.query("overwrite") === "1";
          if (!Number.isSafeInteger(offset) || offset < 0 || !Number.isSafeInteger(size) || size < 0 || offset > size) {
            throw new FilesError("FILES_ERR_BAD_REQUEST", "offset and size: whole numbers with offset ≤ size.");
          }
          if (!c.req.raw.body && size > offset) throw new FilesError("FILES_ERR_BAD_REQUEST", "The request has no body.");
          held = await pool.hold(host);
          const sftp = held.sftp;
          const part = partPath(path);
          if (!overwrite && (await exists(sftp, path))) throw new FilesError("FILES_ERR_EXISTS", `${path} exists.`);
          const have = await resumeOffset(sftp, host, path);
          if (have !== offset)
            throw new FilesError("FILES_ERR_OFFSET_MISMATCH", `The host has ${have} bytes of this upload; resume from there.`, { offset: have });
          const key = uploadKey(host, path);
          if (offset === 0) {
            // Create (or truncate) the partial file; the blocks then write into it at their offsets.
            await (await sftp.open(part, "w")).close();
            committed.set(key, 0);
          }
          if (c.req.raw.body) {
            try {
              const done = await writeFrom(sftp, part, c.req.raw.body as unknown as AsyncIterable<Uint8Array>, offset);
              committed.set(key, done.committed);
            } catch (err) {
              const at = (err as { committed?: unknown }).committed;
              if (typeof at === "number") committed.set(key, at);
              throw err;
            }
          }
          const now = committed.get(key) ?? (await partSize(sftp, path));
          if (now < size) {
            // The body ended early (the client stopped): keep the partial for a resume.
            held.release();
            return c.json({ path, offset: now, size, done: false }, 202);
          }
          if (now > size)
            throw new FilesError("FILES_ERR_OFFSET_MISMATCH", `The host has ${now} bytes, more than the ${size} announced; start again.`, { offset: now });
          if (overwrite && (await exists(sftp, path))) await sftp.unlink(path);
          await sftp.rename(part, path);
          committed.delete(key);
          held.release();
          return c.json({ path, offset: size, size, done: true }, 201);
        } catch (err) {
          held?.release(err);
          return answer(err, "upload", raw);
        }
      })

      // Discards a partial upload.
      .delete("/upload", (c) =>
        withQuery("delete", c.req, "", async (sftp, { host, path }) => {
          if (await exists(sftp, partPath(path))) await sftp.unlink(partPath(path));
          committed.delete(uploadKey(host, path));
          return c.json({ ok: true });
        }),
      )

      .post("/mkdir", (c) =>
        withHost("mkdir", async () => {
          const { host, path } = await jsonTarget(c.req.raw);
          return {
            host,
            shown: path,
            work: async (sftp) => {
              if (await exists(sftp, path)) throw new FilesError("FILES_ERR_EXISTS", `${path} exists.`);
              await sftp.mkdir(path);
              return c.json({ path }, 201);
            },
          };
        }),
      )

      .post("/rename", (c) =>
        withHost("rename", async () => {
          const { body: b, host, path: from } = await jsonTarget(c.req.raw, "from");
          const to = typeof b.name === "string" ? posix.join(posix.dirname(from), fileName(b.name)) : remotePath(b.to, "to");
          return {
            host,
            shown: from,
            work: async (sftp) => {
              if (await exists(sftp, to)) throw new FilesError("FILES_ERR_EXISTS", `${to} exists.`);
              await sftp.rename(from, to);
              return c.json({ from, to });
            },
          };
        }),
      )

      .post("/delete", (c) =>
        withHost("delete", async () => {
          const { body: b, host, path } = await jsonTarget(c.req.raw);
          if (path === "/" || path === "." || path === "./")
            throw new FilesError("FILES_ERR_BAD_REQUEST", "The root and home folders are not deleted from here.");
          return {
            host,
            shown: path,
            work: async (sftp) => {
              const st = await sftp.lstat(path);
              if (st.type === "directory") {
                if (b.recursive === true) await removeTree(sftp, path, { left: MAX_DELETE_ENTRIES });
                else await sftp.rmdir(path);
              } else await sftp.unlink(path);
              return c.json({ ok: true });
            },
          };
        }),
      )

      .post("/chmod", (c) =>
        withHost("chmod", async () => {
          const { body: b, host, path } = await jsonTarget(c.req.raw);
          const mode = parseOctalMode(b.mode);
          return {
            host,
            shown: path,
            work: async (sftp) => {
              await sftp.chmod(path, mode);
              const st = await sftp.lstat(path);
              return c.json({ path, mode: st.mode & 0o7777, permissions: permissionString(st.mode, st.type) });
            },
          };
        }),
      )

      .get("/text", (c) =>
        withQuery("read", c.req, "", async (sftp, { path }) => {
          const st = await sftp.stat(path);
          if (st.type !== "file") throw new FilesError("FILES_ERR_NOT_A_FILE", `Not a file: ${path}`);
          if (st.size > TEXT_MAX_BYTES) throw new FilesError("FILES_ERR_TOO_LARGE", `${path} has ${st.size} bytes; the editor opens files up to 1 MiB.`);
          const bytes = await sftp.readFile(path, { maxBytes: TEXT_MAX_BYTES });
          if (!isText(bytes)) throw new FilesError("FILES_ERR_BINARY", `${path} is not a UTF-8 text file.`);
          return c.json({ path, content: new TextDecoder().decode(bytes), size: st.size, mtime: st.mtime, mode: st.mode & 0o7777 });
        }),
      )

      .put("/text", (c) =>
        withHost("write", async () => {
          const { body: b, host, path } = await jsonTarget(c.req.raw);
          if (typeof b.content !== "string") throw new FilesError("FILES_ERR_BAD_REQUEST", "content: the new text.");
          const bytes = new TextEncoder().encode(b.content);
          if (bytes.length > TEXT_MAX_BYTES) throw new FilesError("FILES_ERR_TOO_LARGE", "The editor saves files up to 1 MiB.");
          const opened = b.mtime;
          return {
            host,
            shown: path,
            work: async (sftp) => {
              // Optimistic concurrency: refuse to overwrite a file someone changed since it was opened.
              if (typeof opened === "number") {
                const st = await sftp.stat(path).catch(() => undefined);
                if (st && Math.floor(st.mtime / 1000) !== Math.floor(opened / 1000)) {
                  throw new FilesError("FILES_ERR_CHANGED", `${path} changed on the host since it was opened.`);
                }
              }
              await sftp.writeFile(path, bytes);
              const st = await sftp.stat(path);
              return c.json({ path, size: st.size, mtime: st.mtime });
            },
          };
        }),
      )
  );
}
