import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPair } from "../crypto/keys.js";
import { SdkError, SdkErrors } from "../errors/index.js";
import { pluginPackageJson, rawTar, rawTarball, signedPluginEntries } from "../test-support/test-tarballs.js";
import { checkEntryPath, readPluginTarball } from "./read-tarball.js";

const key = generateKeyPair();
const entries = signedPluginEntries({ "package.json": pluginPackageJson("@acme/fuzz"), "server.js": "export default 1;\n" }, key);
const tar = rawTar(entries);

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "archnest-read-test-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof SdkError ? err.code : `not coded: ${String(err)}`;
  }
  return undefined;
};

describe("checkEntryPath", () => {
  it.each([
    ["package/a.js", "a.js"],
    ["package/dir/", "dir"],
    ["package/", ""],
    ["package/a/b/c.js", "a/b/c.js"],
  ])("keeps %s as %s", (raw, rel) => {
    expect(checkEntryPath(raw)).toBe(rel);
  });

  it.each([
    ["/etc/passwd", "SDK_ERR_ENTRY_PATH_ABSOLUTE"],
    ["C:/x", "SDK_ERR_ENTRY_PATH_ABSOLUTE"],
    ["\\\\server\\share", "SDK_ERR_ENTRY_PATH_ABSOLUTE"],
    ["package/../x", "SDK_ERR_ENTRY_PATH_TRAVERSAL"],
    ["package/a/../../x", "SDK_ERR_ENTRY_PATH_TRAVERSAL"],
    ["package/./x", "SDK_ERR_ENTRY_PATH_TRAVERSAL"],
    ["package//x", "SDK_ERR_ENTRY_PATH_TRAVERSAL"],
    ["package/a\\..\\x", "SDK_ERR_ENTRY_PATH_TRAVERSAL"],
    ["package/a\0b", "SDK_ERR_ENTRY_PATH_TRAVERSAL"],
    ["pkg/x", "SDK_ERR_ENTRY_OUTSIDE_PACKAGE"],
    ["x", "SDK_ERR_ENTRY_OUTSIDE_PACKAGE"],
  ])("refuses %s with %s", (raw, code) => {
    expect(codeOf(() => checkEntryPath(raw))).toBe(code);
  });

  it("answers any string with a path under package/ or a coded refusal", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string().map((s) => `package/${s}`),
        ),
        (raw) => {
          const code = codeOf(() => checkEntryPath(raw));
          if (code === undefined) {
            const rel = checkEntryPath(raw);
            expect(rel.split("/").every((s) => s !== ".." && s !== ".")).toBe(true);
            expect(rel.startsWith("/")).toBe(false);
          } else expect(Object.hasOwn(SdkErrors.table, code)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe("readPluginTarball on damaged input", () => {
  /** Reads from a stream, so no file IO beyond the stage; the stage must be gone or hold only package files. */
  async function read(bytes: Buffer) {
    const stage = mkdtempSync(join(work, "stage-"));
    try {
      const result = await readPluginTarball(Readable.from([bytes]), { stageDir: stage });
      return { ok: true as const, result };
    } catch (err) {
      if (!(err instanceof SdkError)) throw err;
      if (!Object.hasOwn(SdkErrors.table, err.code)) throw new Error(`uncatalogued code ${err.code}`);
      return { ok: false as const, code: err.code };
    } finally {
      rmSync(stage, { recursive: true, force: true });
    }
  }

  it("reads the untouched archive", async () => {
    const r = await read(gzipSync(tar));
    expect(r.ok && [...r.result.files.keys()].sort()).toEqual(["package.json", "server.js"]);
  });

  it("answers arbitrary bytes with a coded error", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), async (bytes) => {
        const r = await read(Buffer.from(bytes));
        expect(r.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("answers gzip of arbitrary bytes with a coded error", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4096 }), async (bytes) => {
        const r = await read(gzipSync(bytes));
        expect(r.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("answers a valid archive with bytes changed anywhere (headers, bodies, padding) with a result or a coded error", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.nat(tar.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }), async (changes) => {
        const copy = Buffer.from(tar);
        for (const [at, byte] of changes) copy[at] = byte;
        await read(gzipSync(copy));
      }),
      { numRuns: 300 },
    );
  });

  it("answers a valid tarball cut at any length with a coded error", async () => {
    const gz = rawTarball(entries);
    await fc.assert(
      fc.asyncProperty(fc.nat(gz.length - 1), async (cut) => {
        const r = await read(gz.subarray(0, cut));
        expect(r.ok).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it("leaves no file behind in a stage it refused", async () => {
    const stage = mkdtempSync(join(work, "kept-"));
    const bad = rawTarball([...entries.slice(0, -1), { path: "package/../x", body: "x" }]);
    await expect(readPluginTarball(Readable.from([bad]), { stageDir: stage })).rejects.toMatchObject({ code: "SDK_ERR_ENTRY_PATH_TRAVERSAL" });
    // The reader leaves removal to its caller (verifyPluginTarball removes the stage), but nothing escapes it.
    expect(readdirSync(work).filter((n) => !n.startsWith("stage-") && !n.startsWith("kept-"))).toEqual([]);
  });
});
