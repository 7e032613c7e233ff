/**
 * Files against a real OpenSSH sshd on loopback, through the real host over HTTP. The sshd shares this
 * machine's file system, so the test checks what landed on "the remote side" by reading it directly.
 */
import { createHash, randomBytes } from "node:crypto";
import { chmodSync, createReadStream, createWriteStream, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { open } from "node:fs/promises";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginHost, startPluginHost } from "./harness.js";

const MiB = 1024 * 1024;
let h: PluginHost;
let dir: string;

beforeAll(async () => {
  h = await startPluginHost({ passwordUser: true });
  dir = mkdtempSync(join(tmpdir(), "archnest-files-e2e-"));
});
afterAll(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const q = (params: Record<string, string | number>) =>
  new URLSearchParams({ host: h.hostId, ...Object.fromEntries(Object.entries(params).map(([k, v]) => [k, String(v)])) }).toString();
const post = (path: string, json: object) =>
  h.api(path, { method: "POST", body: JSON.stringify({ host: h.hostId, ...json }), headers: { "content-type": "application/json" } });

/** Writes `size` random bytes to a file in 1 MiB pieces and returns its SHA-256. */
async function randomFile(path: string, size: number): Promise<string> {
  const hash = createHash("sha256");
  const out = createWriteStream(path);
  for (let left = size; left > 0; left -= MiB) {
    const chunk = randomBytes(Math.min(MiB, left));
    hash.update(chunk);
    if (!out.write(chunk)) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return hash.digest("hex");
}

/**
 * A request body that reads the file only as fast as fetch sends it. (Node 20's Readable.toWeb queues
 * up to highWaterMark *chunks*, so a fast file read behind a slower socket would sit in memory.)
 */
function fileBody(path: string, start = 0): ReadableStream<Uint8Array> {
  let fh: import("node:fs/promises").FileHandle | undefined;
  let pos = start;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        fh ??= await open(path, "r");
        const buf = Buffer.allocUnsafe(MiB);
        const { bytesRead } = await fh.read(buf, 0, MiB, pos);
        if (bytesRead === 0) {
          await fh.close();
          controller.close();
          return;
        }
        pos += bytesRead;
        controller.enqueue(buf.subarray(0, bytesRead));
      },
      async cancel() {
        await fh?.close();
      },
    },
    { highWaterMark: 1 },
  );
}

const sha256File = async (path: string) => {
  const hash = createHash("sha256");
  await pipeline(createReadStream(path), hash);
  return hash.digest("hex");
};

/**
 * Samples this process's live memory (the host runs in it) while `work` runs and returns the peak growth.
 * A collection runs before each sample: buffers already passed along are garbage V8 frees lazily, and
 * what must stay flat is what the transfer holds on to.
 */
async function peakLiveGrowth(work: () => Promise<void>): Promise<number> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const live = () => {
    gc();
    const m = process.memoryUsage();
    return m.heapUsed + m.arrayBuffers;
  };
  const base = live();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, live());
  }, 250);
  try {
    await work();
  } finally {
    clearInterval(timer);
  }
  return peak - base;
}

/** PUTs `bytes` of a file from `offset` over raw HTTP and cuts the connection after `cutAfter` bytes. */
function interruptedPut(url: string, headers: Record<string, string>, file: string, offset: number, cutAfter: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(url, { method: "PUT", headers: { ...headers, "content-type": "application/octet-stream" } });
    req.on("error", () => resolve());
    req.on("close", () => resolve());
    let sent = 0;
    const src = createReadStream(file, { start: offset, highWaterMark: MiB });
    src.on("data", (chunk) => {
      sent += chunk.length;
      if (!req.write(chunk)) {
        src.pause();
        req.once("drain", () => src.resume());
      }
      if (sent >= cutAfter) {
        src.destroy();
        req.destroy();
      }
    });
  });
}

/**
 * A streamed PUT of a file (from `start`) over node:http, whose pipes respect backpressure end to end,
 * so this process's live memory measures the host, not the test's client.
 */
function httpPut(url: string, headers: Record<string, string>, file: string, start = 0): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: "PUT", headers: { ...headers, "content-type": "application/octet-stream" } }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on("error", reject);
    pipeline(createReadStream(file, { start, highWaterMark: MiB }), req).catch(reject);
  });
}

/** A streamed GET over node:http, hashed as it arrives. */
function httpGetHash(url: string, headers: Record<string, string>): Promise<{ status: number; length: string | undefined; sha256: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      const hash = createHash("sha256");
      pipeline(res, hash)
        .then(() => resolve({ status: res.statusCode ?? 0, length: res.headers["content-length"], sha256: hash.digest("hex") }))
        .catch(reject);
    });
    req.on("error", reject);
    req.end();
  });
}

describe("files over SFTP against a real sshd", () => {
  it("uploads and downloads 200 MB with equal SHA-256 while the host's live memory stays flat", async () => {
    const size = 200 * MiB;
    const local = join(dir, "source.bin");
    const want = await randomFile(local, size);
    const remote = join(dir, "uploaded.bin");

    const upGrowth = await peakLiveGrowth(async () => {
      const res = await httpPut(`${h.url}/api/plugins/files/upload?${q({ path: remote, offset: 0, size })}`, h.admin.headers, local);
      expect(res.status).toBe(201);
      expect(JSON.parse(res.body)).toMatchObject({ done: true, offset: size });
    });
    expect(statSync(remote).size).toBe(size);
    expect(await sha256File(remote)).toBe(want);
    // A buffered transfer would hold the file's 200 MB; streaming holds the blocks in flight (64 x 256 KiB
    // up, 32 x 1 MiB read ahead down) plus ssh2's and the HTTP stream's buffers, which the collector may
    // not have reclaimed yet when the peak is sampled: under half the file.
    expect(upGrowth).toBeLessThan(96 * MiB);

    let got = "";
    const downGrowth = await peakLiveGrowth(async () => {
      const res = await httpGetHash(`${h.url}/api/plugins/files/download?${q({ path: remote })}`, h.admin.headers);
      expect(res.status).toBe(200);
      expect(res.length).toBe(String(size));
      got = res.sha256;
    });
    expect(got).toBe(want);
    expect(downGrowth).toBeLessThan(96 * MiB);
  }, 300_000);

  it("resumes an upload cut off mid-way from the offset the host reports, and the hash matches", async () => {
    const size = 64 * MiB;
    const local = join(dir, "resume.bin");
    const want = await randomFile(local, size);
    const remote = join(dir, "resumed.bin");
    const url = `${h.url}/api/plugins/files/upload?${q({ path: remote, offset: 0, size })}`;
    await interruptedPut(url, h.admin.headers, local, 0, 24 * MiB);

    // The host finishes writing what arrived; ask until the partial stops growing.
    let offset = -1;
    for (let i = 0; i < 100; i += 1) {
      const status = (await (await h.api(`/upload?${q({ path: remote })}`)).json()) as { offset: number; exists: boolean };
      expect(status.exists).toBe(false);
      if (status.offset === offset && offset > 0) break;
      offset = status.offset;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(offset).toBeGreaterThan(0);
    expect(offset).toBeLessThan(size);

    const res = await h.api(`/upload?${q({ path: remote, offset, size })}`, {
      method: "PUT",
      body: fileBody(local, offset),
      duplex: "half",
    } as RequestInit);
    expect(res.status).toBe(201);
    expect(await sha256File(remote)).toBe(want);
    expect(() => statSync(join(dir, ".resumed.bin.archnest-part"))).toThrow();
  }, 180_000);

  it("serves exact bytes for a Range request, the tail for a suffix range, and 416 past the end", async () => {
    const remote = join(dir, "ranged.bin");
    const data = randomBytes(3 * MiB + 123);
    writeFileSync(remote, data);
    const mid = await h.api(`/download?${q({ path: remote })}`, { headers: { range: "bytes=1048570-2097160" } });
    expect(mid.status).toBe(206);
    expect(mid.headers.get("content-range")).toBe(`bytes 1048570-2097160/${data.length}`);
    expect(Buffer.from(await mid.arrayBuffer()).equals(data.subarray(1048570, 2097161))).toBe(true);
    const tail = await h.api(`/download?${q({ path: remote })}`, { headers: { range: "bytes=-100" } });
    expect(Buffer.from(await tail.arrayBuffer()).equals(data.subarray(data.length - 100))).toBe(true);
    const stale = await h.api(`/download?${q({ path: remote })}`, { headers: { range: "bytes=0-9", "if-range": '"stale"' } });
    expect(stale.status).toBe(200);
    expect((await stale.arrayBuffer()).byteLength).toBe(data.length);
    const past = await h.api(`/download?${q({ path: remote })}`, { headers: { range: `bytes=${data.length}-` } });
    expect(past.status).toBe(416);
  });

  it("shows permission denied plainly when a non-root user may not write or list a folder", async () => {
    // A root-owned 0700 folder: the password user (uid 65534) may neither list it nor create a file in it.
    const locked = join(h.sshd.dir, "locked");
    mkdirSync(locked, { mode: 0o700 });
    chmodSync(locked, 0o700);
    writeFileSync(join(locked, "secret.txt"), "root only");
    const asUser = (params: Record<string, string | number>) => q({ host: h.userHostId as string, ...params });

    const upload = await h.api(`/upload?${asUser({ path: join(locked, "upload.txt"), offset: 0, size: 4 })}`, { method: "PUT", body: "data" });
    expect(upload.status).toBe(403);
    const body = (await upload.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ error: "FILES_ERR_PERMISSION_DENIED", reason: "HOST_ERR_SFTP_PERMISSION_DENIED", sftpStatus: 3 });
    expect(body.message).toContain("Permission denied");
    expect(readdirSync(locked)).toEqual(["secret.txt"]);

    const list = await h.api(`/list?${asUser({ path: locked })}`);
    expect(list.status).toBe(403);
    expect(await list.json()).toMatchObject({ error: "FILES_ERR_PERMISSION_DENIED", reason: "HOST_ERR_SFTP_PERMISSION_DENIED" });

    // The refusal is the user's, not the path's: the same user writes its own home, and root writes the folder.
    const home = join(h.sshd.dir, "home");
    expect((await h.api(`/upload?${asUser({ path: join(home, "mine.txt"), offset: 0, size: 4 })}`, { method: "PUT", body: "mine" })).status).toBe(201);
    expect(readFileSync(join(home, "mine.txt"), "utf8")).toBe("mine");
    expect(statSync(join(home, "mine.txt")).uid).toBe(65534);
    const asRoot = await h.api(`/upload?${q({ path: join(locked, "upload.txt"), offset: 0, size: 4 })}`, { method: "PUT", body: "data" });
    expect(asRoot.status).toBe(201);
    expect(readFileSync(join(locked, "upload.txt"), "utf8")).toBe("data");
  });

  it("renames, deletes, makes folders and changes permissions, each visible on the host", async () => {
    const base = join(dir, "ops");
    mkdirSync(base);
    writeFileSync(join(base, "a.txt"), "alpha");
    expect((await post("/mkdir", { path: join(base, "sub") })).status).toBe(201);
    expect(statSync(join(base, "sub")).isDirectory()).toBe(true);
    expect((await post("/mkdir", { path: join(base, "sub") })).status).toBe(409);
    expect((await post("/rename", { from: join(base, "a.txt"), name: "b.txt" })).status).toBe(200);
    expect(readFileSync(join(base, "b.txt"), "utf8")).toBe("alpha");
    const chmod = await post("/chmod", { path: join(base, "b.txt"), mode: "0640" });
    expect(await chmod.json()).toMatchObject({ permissions: "-rw-r-----" });
    expect(statSync(join(base, "b.txt")).mode & 0o7777).toBe(0o640);

    const listing = (await (await h.api(`/list?${q({ path: base })}`)).json()) as { path: string; entries: { name: string; type: string }[] };
    expect(listing.entries.map((e) => [e.name, e.type])).toEqual([
      ["sub", "directory"],
      ["b.txt", "file"],
    ]);

    writeFileSync(join(base, "sub", "inner.txt"), "x");
    const notEmpty = await post("/delete", { path: join(base, "sub") });
    expect(notEmpty.status).toBe(409);
    expect(await notEmpty.json()).toMatchObject({ error: "FILES_ERR_FAILED", reason: "HOST_ERR_SFTP_FAILURE" });
    expect((await post("/delete", { path: join(base, "sub"), recursive: true })).status).toBe(200);
    expect((await post("/delete", { path: join(base, "b.txt") })).status).toBe(200);
    expect((await (await h.api(`/list?${q({ path: base })}`)).json()) as object).toMatchObject({ entries: [] });
  });

  it("opens and saves a small text file, and refuses binary or oversized ones", async () => {
    const conf = join(dir, "app.conf");
    writeFileSync(conf, "port=80\n");
    const text = (await (await h.api(`/text?${q({ path: conf })}`)).json()) as { content: string; mtime: number };
    expect(text.content).toBe("port=80\n");
    const saved = await h.api("/text", { method: "PUT", body: JSON.stringify({ host: h.hostId, path: conf, content: "port=8080\n", mtime: text.mtime }) });
    expect(saved.status).toBe(200);
    expect(readFileSync(conf, "utf8")).toBe("port=8080\n");
    writeFileSync(join(dir, "img.bin"), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0]));
    expect((await h.api(`/text?${q({ path: join(dir, "img.bin") })}`)).status).toBe(415);
    writeFileSync(join(dir, "big.log"), Buffer.alloc(MiB + 1, 0x61));
    expect(await (await h.api(`/text?${q({ path: join(dir, "big.log") })}`)).json()).toMatchObject({ error: "FILES_ERR_TOO_LARGE" });
  });
});
