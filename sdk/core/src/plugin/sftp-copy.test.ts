import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { copyFileRange } from "./sftp-copy.js";
import type { SshFileHandle } from "./ssh.js";

/** An in-memory file whose requests answer after a random delay, so they settle out of order as SFTP's may. */
function memoryFile(data: Buffer, opts: { failWriteAt?: number } = {}) {
  let bytes = Buffer.from(data);
  let inflight = 0;
  const stats = { maxInflight: 0, reads: 0, writes: 0 };
  const later = () => new Promise((r) => setTimeout(r, Math.random() * 3));
  const handle: SshFileHandle = {
    async read(position, length) {
      stats.reads++;
      inflight++;
      stats.maxInflight = Math.max(stats.maxInflight, inflight);
      await later();
      inflight--;
      return Uint8Array.from(bytes.subarray(position, position + length));
    },
    async write(position, chunk) {
      stats.writes++;
      inflight++;
      stats.maxInflight = Math.max(stats.maxInflight, inflight);
      await later();
      inflight--;
      if (opts.failWriteAt !== undefined && position + chunk.byteLength > opts.failWriteAt)
        throw Object.assign(new Error("disk full"), { code: "HOST_ERR_SFTP_FAILURE" });
      if (bytes.length < position + chunk.byteLength) bytes = Buffer.concat([bytes, Buffer.alloc(position + chunk.byteLength - bytes.length)]);
      bytes.set(chunk, position);
    },
    async close() {},
  };
  return { handle, stats, bytes: () => bytes };
}

describe("copyFileRange", () => {
  it("copies every byte at its offset with several requests in flight on each side, and reports progress up to the size", async () => {
    const data = randomBytes(3 * 1024 * 1024 + 123);
    const src = memoryFile(data);
    const dst = memoryFile(Buffer.alloc(0));
    let last = 0;
    const { committed } = await copyFileRange(src.handle, dst.handle, { end: data.length, onProgress: (n) => (last = n) });
    expect(committed).toBe(data.length);
    expect(last).toBe(data.length);
    expect(dst.bytes().equals(data)).toBe(true);
    expect(src.stats.maxInflight).toBeGreaterThan(1);
    expect(src.stats.maxInflight).toBeLessThanOrEqual(16);
    expect(dst.stats.maxInflight).toBeGreaterThan(1);
    expect(dst.stats.maxInflight).toBeLessThanOrEqual(64);
  });

  it("resumes from `start`, copying only the bytes after it, and reports the landed run as `committed`", async () => {
    const data = randomBytes(1024 * 1024);
    const src = memoryFile(data);
    const dst = memoryFile(data.subarray(0, 300_000));
    let written = 0;
    let sure = 0;
    await copyFileRange(src.handle, dst.handle, {
      start: 300_000,
      end: data.length,
      onProgress: (n, committed) => {
        written = n;
        // Every byte before `committed` is in place, whatever order the writes landed in.
        expect(dst.bytes().subarray(0, committed).equals(data.subarray(0, committed))).toBe(true);
        expect(committed).toBeLessThanOrEqual(300_000 + n);
        sure = committed;
      },
    });
    expect(written).toBe(data.length - 300_000);
    expect(sure).toBe(data.length);
    expect(dst.bytes().equals(data)).toBe(true);
  });

  it("rejects a source that shrank with SDK_ERR_SOURCE_CHANGED", async () => {
    const data = randomBytes(600_000);
    await expect(copyFileRange(memoryFile(data).handle, memoryFile(Buffer.alloc(0)).handle, { end: 1_000_000 })).rejects.toMatchObject({
      code: "SDK_ERR_SOURCE_CHANGED",
    });
  });

  it("rejects a failed write with its code and the unbroken run of landed bytes as `committed`", async () => {
    const data = randomBytes(2 * 1024 * 1024);
    const dst = memoryFile(Buffer.alloc(0), { failWriteAt: 1024 * 1024 });
    const err = (await copyFileRange(memoryFile(data).handle, dst.handle, { end: data.length }).catch((e: unknown) => e)) as {
      code: string;
      committed: number;
    };
    expect(err.code).toBe("HOST_ERR_SFTP_FAILURE");
    // The block holding byte 1 MiB failed, so the landed run ends at its start.
    expect(err.committed).toBeLessThanOrEqual(1024 * 1024);
    expect(err.committed).toBeGreaterThan(1024 * 1024 - 64 * 1024);
    expect(dst.bytes().subarray(0, err.committed).equals(data.subarray(0, err.committed))).toBe(true);
  });

  it("stops on abort with the signal's reason, every landed byte before `committed`", async () => {
    const data = randomBytes(4 * 1024 * 1024);
    const dst = memoryFile(Buffer.alloc(0));
    const ac = new AbortController();
    const err = (await copyFileRange(memoryFile(data).handle, dst.handle, {
      end: data.length,
      signal: ac.signal,
      writeParallel: 4,
      onProgress: (n) => n > 1024 * 1024 && ac.abort(new Error("cancelled")),
    }).catch((e: unknown) => e)) as Error & { committed: number };
    expect(err.message).toBe("cancelled");
    expect(err.committed).toBeGreaterThan(1024 * 1024);
    expect(err.committed).toBeLessThan(data.length);
    expect(dst.bytes().subarray(0, err.committed).equals(data.subarray(0, err.committed))).toBe(true);
  });

  it("refuses a range that ends before it starts", async () => {
    const f = memoryFile(Buffer.alloc(10));
    await expect(copyFileRange(f.handle, f.handle, { start: 5, end: 2 })).rejects.toThrow(/end must be/);
  });
});
