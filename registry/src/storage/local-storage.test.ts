import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterAll, describe, expect, it } from "vitest";
import { LocalTarballStorage } from "./index.js";

const root = mkdtempSync(join(tmpdir(), "archnest-storage-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("local tarball storage", () => {
  const storage = new LocalTarballStorage(root);

  it("puts, stats, streams and deletes a tarball", async () => {
    await storage.put("@acme/hello/hello-1.0.0.tgz", Readable.from([Buffer.from("abc"), Buffer.from("def")]));
    expect(await storage.stat("@acme/hello/hello-1.0.0.tgz")).toEqual({ size: 6 });
    const stream = await storage.get("@acme/hello/hello-1.0.0.tgz");
    expect(stream && (await text(stream))).toBe("abcdef");
    await storage.delete("@acme/hello/hello-1.0.0.tgz");
    expect(await storage.stat("@acme/hello/hello-1.0.0.tgz")).toBeUndefined();
    expect(await storage.get("@acme/hello/hello-1.0.0.tgz")).toBeUndefined();
  });

  it("leaves nothing behind when the source stream fails", async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error("connection reset"));
      },
    });
    await expect(storage.put("x/broken.tgz", failing)).rejects.toThrow("connection reset");
    expect(readdirSync(join(root, "x"))).toEqual([]);
  });

  it("refuses keys that climb out of its folder", async () => {
    await expect(storage.put("../escape.tgz", Readable.from(["x"]))).rejects.toThrow(/Unsafe storage key/);
    await expect(storage.stat("/etc/passwd")).resolves.toBeUndefined();
  });
});
