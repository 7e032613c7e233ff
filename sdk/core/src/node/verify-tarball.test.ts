import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PayloadTypes, signEnvelope } from "../crypto/dsse.js";
import { generateKeyPair } from "../crypto/keys.js";
import type { SdkErrorCode } from "../errors/index.js";
import { createKeyring, type KeyringKeyInput, rotateKeyring, verifyKeyring } from "../keyring/index.js";
import { parsePluginPackage } from "../manifest/index.js";
import { createReleaseStatement, RELEASE_ENVELOPE_PATH, signRelease } from "../release/index.js";
import { paxRecords, pluginPackageJson, type RawTarEntry, rawTar, rawTarball, signedPluginEntries } from "../test-support/test-tarballs.js";
import type { TarballLimits } from "./read-tarball.js";
import { type TrustInput, type VerifyOutcome, verifyPluginTarball } from "./verify-tarball.js";

const root = generateKeyPair();
const acme = generateKeyPair();
const official = generateKeyPair();
const stranger = generateKeyPair();
const NOW = new Date();

const keyInputs: KeyringKeyInput[] = [
  { key: acme, name: "acme", roles: ["release"], scopes: ["@acme/*"] },
  { key: official, name: "archnest-ci", roles: ["release"], scopes: ["@archnest/*"] },
];
const keyring = createKeyring([root], { keys: keyInputs, now: NOW });
const trust: TrustInput = { rootKeys: [root], keyring };

const helloFiles = {
  "package.json": pluginPackageJson("@acme/hello"),
  "server.js": "export default { setup() {} };\n",
  "lib/util.js": "export const x = 1;\n",
};
const signedHello = (): RawTarEntry[] => signedPluginEntries(helloFiles, acme, NOW);

let work: string;

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "archnest-verify-test-"));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  outcome: VerifyOutcome;
  parent: string;
  stage: string;
  compressedRead: number;
  size: number;
}

/**
 * Verifies `tarball` into a fresh stage inside a fresh parent folder. The parent holds nothing else, so
 * any byte an entry managed to write beside the stage (through `..`, an absolute path or a link) shows.
 */
async function verifyInStage(tarball: Buffer, opts: { trust?: TrustInput; now?: Date; limits?: Partial<TarballLimits> } = {}): Promise<Run> {
  const dir = mkdtempSync(join(work, "case-"));
  const file = join(dir, "plugin.tgz");
  writeFileSync(file, tarball);
  const parent = mkdtempSync(join(dir, "parent-"));
  const stage = mkdtempSync(join(parent, "stage-"));
  let compressedRead = 0;
  const outcome = await verifyPluginTarball(file, {
    trust: opts.trust ?? trust,
    stageDir: stage,
    now: opts.now ?? NOW,
    onProgress: (read) => {
      compressedRead = read;
    },
    ...(opts.limits && { limits: opts.limits }),
  });
  return { outcome, parent, stage, compressedRead, size: tarball.length };
}

/** Asserts the refusal's code and that nothing is left: not the stage, not a byte beside it. */
async function expectRefused(tarball: Buffer, code: SdkErrorCode, opts: Parameters<typeof verifyInStage>[1] = {}): Promise<Run> {
  const run = await verifyInStage(tarball, opts);
  expect(run.outcome).toMatchObject({ ok: false, code });
  if (!run.outcome.ok) expect(run.outcome.message.length).toBeGreaterThan(10);
  expect(existsSync(run.stage)).toBe(false);
  expect(readdirSync(run.parent)).toEqual([]);
  return run;
}

const withEntries = (change: (entries: RawTarEntry[]) => RawTarEntry[]) => rawTarball(change(signedHello()));
const envelopeEntry = (entries: RawTarEntry[]) => entries.findIndex((e) => e.path === `package/${RELEASE_ENVELOPE_PATH}`);

describe("verifyPluginTarball: an untouched package", () => {
  it("verifies and leaves exactly the package's files in the stage", async () => {
    const run = await verifyInStage(rawTarball(signedHello()));
    expect(run.outcome).toMatchObject({ ok: true, release: { pkg: { name: "@acme/hello", version: "1.0.0" }, signer: { keyid: acme.keyid, name: "acme" } } });
    expect(readdirSync(run.parent)).toEqual([run.stage.split("/").pop()]);
    expect(readdirSync(run.stage).sort()).toEqual([RELEASE_ENVELOPE_PATH, "lib", "package.json", "server.js"]);
    expect(readFileSync(join(run.stage, "lib/util.js"), "utf8")).toBe(helloFiles["lib/util.js"]);
  });

  it("verifies a package without writing anything when no stage is given", async () => {
    const file = join(work, "plain.tgz");
    writeFileSync(file, rawTarball(signedHello()));
    const outcome = await verifyPluginTarball(file, { trust, now: NOW });
    expect(outcome.ok).toBe(true);
    expect(outcome.ok && outcome.packageJson).toEqual(JSON.parse(helloFiles["package.json"]));
  });
});

describe("verifyPluginTarball: content changed after signing", () => {
  it("refuses a byte changed in a file", async () => {
    const tarball = withEntries((es) =>
      es.map((e) => (e.path === "package/server.js" ? { ...e, body: "export default { setup() {} };\n".replace("{}", "[]") } : e)),
    );
    const run = await expectRefused(tarball, "SDK_ERR_FILE_HASH_MISMATCH");
    expect(run.outcome).toMatchObject({ details: ["server.js"] });
  });

  it("refuses a file added", async () => {
    const run = await expectRefused(
      withEntries((es) => [...es, { path: "package/evil.js", body: "process.exit(1)" }]),
      "SDK_ERR_FILE_UNLISTED",
    );
    expect(run.outcome).toMatchObject({ details: ["evil.js"] });
  });

  it("refuses a file removed", async () => {
    const run = await expectRefused(
      withEntries((es) => es.filter((e) => e.path !== "package/lib/util.js")),
      "SDK_ERR_FILE_MISSING",
    );
    expect(run.outcome).toMatchObject({ details: ["lib/util.js"] });
  });

  it("refuses a package whose statement lists a file that was never packed", async () => {
    const pkg = parsePluginPackage(JSON.parse(helloFiles["package.json"]));
    const hashes = new Map([
      ["package.json", sha256(helloFiles["package.json"])],
      ["server.js", sha256(helloFiles["server.js"])],
      ["lib/util.js", sha256(helloFiles["lib/util.js"])],
      ["web/index.js", sha256("export {}")],
    ]);
    const envelope = signRelease(createReleaseStatement(pkg, hashes, NOW), acme);
    const tarball = withEntries((es) => replaceEnvelope(es, envelope));
    const run = await expectRefused(tarball, "SDK_ERR_FILE_MISSING");
    expect(run.outcome).toMatchObject({ details: ["web/index.js"] });
  });

  it("refuses an unsigned package", async () => {
    await expectRefused(
      withEntries((es) => es.filter((e) => !e.path.endsWith(RELEASE_ENVELOPE_PATH))),
      "SDK_ERR_SIGNATURE_MISSING",
    );
  });

  it("refuses a statement edited after signing", async () => {
    const tarball = withEntries((es) => {
      const i = envelopeEntry(es);
      const env = JSON.parse(String(es[i]?.body));
      const statement = JSON.parse(Buffer.from(env.payload, "base64").toString());
      statement.permissions = ["storage", "ssh:exec"];
      env.payload = Buffer.from(JSON.stringify(statement)).toString("base64");
      return replaceEnvelope(es, env);
    });
    await expectRefused(tarball, "SDK_ERR_SIGNATURE_INVALID");
  });

  it("refuses a package.json whose name differs from the signed statement", async () => {
    const tarball = withEntries((es) =>
      es.map((e) => (e.path === "package/package.json" ? { ...e, body: pluginPackageJson("@acme/hellp", "1.0.0", { id: "hello" }) } : e)),
    );
    const run = await expectRefused(tarball, "SDK_ERR_PACKAGE_MISMATCH");
    expect(run.outcome.ok === false && run.outcome.message).toContain("@acme/hellp@1.0.0");
  });

  it("refuses a package.json whose version differs from the signed statement", async () => {
    const tarball = withEntries((es) => es.map((e) => (e.path === "package/package.json" ? { ...e, body: pluginPackageJson("@acme/hello", "1.0.1") } : e)));
    const run = await expectRefused(tarball, "SDK_ERR_PACKAGE_MISMATCH");
    expect(run.outcome.ok === false && run.outcome.message).toContain("@acme/hello@1.0.1");
  });

  it("refuses the signature file of one package placed in another", async () => {
    const other = signedPluginEntries({ "package.json": pluginPackageJson("@acme/other"), "server.js": "export default 2;\n" }, acme, NOW);
    const otherEnvelope = other[envelopeEntry(other)];
    const tarball = withEntries((es) => es.map((e, i) => (i === envelopeEntry(es) && otherEnvelope ? otherEnvelope : e)));
    await expectRefused(tarball, "SDK_ERR_PACKAGE_MISMATCH");
  });

  it("refuses the signature of another version of the same package", async () => {
    const v2 = signedPluginEntries({ ...helloFiles, "package.json": pluginPackageJson("@acme/hello", "2.0.0") }, acme, NOW);
    const v2Envelope = v2[envelopeEntry(v2)];
    const tarball = withEntries((es) => es.map((e, i) => (i === envelopeEntry(es) && v2Envelope ? v2Envelope : e)));
    await expectRefused(tarball, "SDK_ERR_PACKAGE_MISMATCH");
  });

  it("refuses a license envelope presented as the release statement", async () => {
    const license = signEnvelope(PayloadTypes.license, { install: "abc", modules: ["tmux"] }, [acme]);
    await expectRefused(
      withEntries((es) => replaceEnvelope(es, license)),
      "SDK_ERR_PAYLOAD_TYPE",
    );
  });

  it("refuses a release envelope that is not JSON", async () => {
    await expectRefused(
      withEntries((es) => es.map((e, i) => (i === envelopeEntry(es) ? { ...e, body: "{not json" } : e))),
      "SDK_ERR_ENVELOPE_INVALID",
    );
  });
});

describe("verifyPluginTarball: entries the hardened extractor refuses", () => {
  it("refuses a symbolic link, even one pointing back inside the package", async () => {
    await expectRefused(
      withEntries((es) => [...es, { path: "package/link", type: "symlink", linkpath: "server.js" }]),
      "SDK_ERR_ENTRY_LINK",
    );
  });

  it("refuses a symbolic link followed by a file written through it", async () => {
    // package/out -> .. is the stage's parent: a file written through it would sit beside the stage.
    const tarball = withEntries((es) => [
      es[0] as RawTarEntry,
      { path: "package/out", type: "symlink", linkpath: ".." },
      { path: "package/out/escaped.txt", body: "escaped" },
      ...es.slice(1),
    ]);
    await expectRefused(tarball, "SDK_ERR_ENTRY_LINK");
  });

  it("refuses a hard link", async () => {
    await expectRefused(
      withEntries((es) => [...es, { path: "package/hard", type: "link", linkpath: "package/server.js" }]),
      "SDK_ERR_ENTRY_LINK",
    );
  });

  it.each([
    ["character device", "char"],
    ["block device", "block"],
    ["FIFO", "fifo"],
  ] as const)("refuses a %s entry", async (_name, type) => {
    await expectRefused(
      withEntries((es) => [...es, { path: "package/dev", type }]),
      "SDK_ERR_ENTRY_TYPE",
    );
  });

  it("refuses an absolute path, and writes nothing where it points", async () => {
    const dir = mkdtempSync(join(work, "abs-target-"));
    const target = join(dir, "escaped.txt");
    await expectRefused(
      withEntries((es) => [{ path: target, body: "escaped" }, ...es]),
      "SDK_ERR_ENTRY_PATH_ABSOLUTE",
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses a `..` path that would land beside the stage", async () => {
    await expectRefused(
      withEntries((es) => [es[0] as RawTarEntry, { path: "package/../escaped.txt", body: "escaped" }, ...es.slice(1)]),
      "SDK_ERR_ENTRY_PATH_TRAVERSAL",
    );
  });

  it("refuses a `..` path smuggled in through a POSIX extended header", async () => {
    await expectRefused(
      withEntries((es) => [
        es[0] as RawTarEntry,
        { path: "PaxHeader/x", type: "pax", body: paxRecords({ path: "package/../../escaped.txt" }) },
        { path: "package/harmless.txt", body: "escaped" },
        ...es.slice(1),
      ]),
      "SDK_ERR_ENTRY_PATH_TRAVERSAL",
    );
  });

  it("refuses an entry outside package/", async () => {
    await expectRefused(
      withEntries((es) => [...es, { path: "other/x.js", body: "1" }]),
      "SDK_ERR_ENTRY_OUTSIDE_PACKAGE",
    );
  });

  it("refuses the same path twice (a later entry must not replace a checked one)", async () => {
    await expectRefused(
      withEntries((es) => [...es, { path: "package/server.js", body: "evil" }]),
      "SDK_ERR_ENTRY_DUPLICATE",
    );
  });

  it("refuses a file placed under a path that is already a file", async () => {
    await expectRefused(
      withEntries((es) => [...es, { path: "package/server.js/inner.js", body: "1" }]),
      "SDK_ERR_ENTRY_DUPLICATE",
    );
  });

  it("refuses a package.json larger than the metadata limit before holding it in memory", async () => {
    await expectRefused(
      withEntries((es) => es.map((e) => (e.path === "package/package.json" ? { ...e, body: " ".repeat(1024 * 1024 + 1) } : e))),
      "SDK_ERR_LIMIT_FILE_SIZE",
    );
  });

  it("refuses more entries than the default limit of 10,000", async () => {
    const many: RawTarEntry[] = Array.from({ length: 10_001 }, (_, i) => ({ path: `package/d${i}/`, type: "dir" }));
    await expectRefused(
      withEntries((es) => [es[0] as RawTarEntry, ...many, ...es.slice(1)]),
      "SDK_ERR_LIMIT_ENTRIES",
    );
  });

  it("refuses more entries than a configured limit", async () => {
    await expectRefused(rawTarball(signedHello()), "SDK_ERR_LIMIT_ENTRIES", { limits: { maxEntries: 3 } });
  });
});

describe("verifyPluginTarball: decompression bombs", () => {
  it("refuses an entry whose header declares a huge size before reading its body", async () => {
    // 100 GiB declared, nothing behind it: refused from the header alone.
    const tarball = rawTarball(
      [
        { path: "package/", type: "dir" },
        { path: "package/big.bin", declaredSize: 100 * 2 ** 30 },
      ],
      { endBlocks: false },
    );
    const run = await expectRefused(tarball, "SDK_ERR_LIMIT_FILE_SIZE");
    expect(run.outcome.ok === false && run.outcome.message).toContain("107374182400");
  });

  it("refuses gigabytes of zeros compressed into a few megabytes after reading only a small part", async () => {
    // 64 gzip members of 64 MiB of zeros each: 4 GiB once inflated, about 4 MB on disk.
    const member = gzipSync(Buffer.alloc(64 * 2 ** 20), { level: 9 });
    const bomb = Buffer.concat(Array.from({ length: 64 }, () => member));
    expect(bomb.length).toBeLessThan(8 * 2 ** 20);
    const run = await expectRefused(bomb, "SDK_ERR_LIMIT_TOTAL_SIZE");
    // Early: most of the compressed file was never read, so most of the 4 GiB was never inflated.
    expect(run.compressedRead).toBeLessThan(run.size / 10);
  });

  it("refuses a package whose files together pass the total size limit, before writing the last one", async () => {
    const body = Buffer.alloc(600 * 1024, 7);
    const tarball = withEntries((es) => [...es, { path: "package/a.bin", body }, { path: "package/b.bin", body }, { path: "package/c.bin", body }]);
    const run = await expectRefused(tarball, "SDK_ERR_LIMIT_TOTAL_SIZE", { limits: { maxFileBytes: 1024 * 1024, maxTotalBytes: 1536 * 1024 } });
    expect(run.compressedRead).toBeLessThanOrEqual(run.size);
  });

  it("refuses a file over the per-file limit", async () => {
    const tarball = withEntries((es) => [...es, { path: "package/a.bin", body: Buffer.alloc(2048, 1) }]);
    await expectRefused(tarball, "SDK_ERR_LIMIT_FILE_SIZE", { limits: { maxFileBytes: 1024 } });
  });

  it("refuses a tarball compressed twice", async () => {
    await expectRefused(gzipSync(rawTarball(signedHello())), "SDK_ERR_TARBALL_CORRUPT");
  });
});

describe("verifyPluginTarball: damaged files", () => {
  it("refuses a truncated gzip stream", async () => {
    const good = rawTarball(signedHello());
    await expectRefused(good.subarray(0, good.length - 8), "SDK_ERR_TARBALL_TRUNCATED");
    await expectRefused(good.subarray(0, Math.floor(good.length / 2)), "SDK_ERR_TARBALL_TRUNCATED");
  });

  it("refuses a file that is not gzip (a plain tar)", async () => {
    await expectRefused(rawTar(signedHello()), "SDK_ERR_TARBALL_NOT_GZIP");
  });

  it("refuses an empty file", async () => {
    await expectRefused(Buffer.alloc(0), "SDK_ERR_TARBALL_EMPTY");
  });

  it("refuses gzip data that is not a tar archive", async () => {
    await expectRefused(gzipSync(Buffer.from("not a tar archive at all. ".repeat(100))), "SDK_ERR_TARBALL_CORRUPT");
  });
});

describe("verifyPluginTarball: keys", () => {
  it("refuses a signature by a key the keyring does not list", async () => {
    await expectRefused(rawTarball(signedPluginEntries(helloFiles, stranger, NOW)), "SDK_ERR_KEY_UNKNOWN");
  });

  it("refuses a signature by a revoked key", async () => {
    const current = verifyKeyring(keyring, { rootKeys: [root], now: NOW });
    const revoked = rotateKeyring([root], current, { revoke: [{ keyid: acme.keyid, reason: "key leaked" }], now: NOW });
    const run = await expectRefused(rawTarball(signedHello()), "SDK_ERR_KEY_REVOKED", { trust: { rootKeys: [root], keyring: revoked } });
    expect(run.outcome.ok === false && run.outcome.message).toContain("key leaked");
  });

  it("refuses an author key for @acme/* signing @archnest/x", async () => {
    const files = { "package.json": pluginPackageJson("@archnest/x"), "server.js": "export default 1;\n" };
    const run = await expectRefused(rawTarball(signedPluginEntries(files, acme, NOW)), "SDK_ERR_KEY_SCOPE");
    expect(run.outcome.ok === false && run.outcome.message).toContain("@archnest/x");
  });

  it("refuses a look-alike scope: an @acme/* key signing @acme-evil/x", async () => {
    const files = { "package.json": pluginPackageJson("@acme-evil/x"), "server.js": "export default 1;\n" };
    await expectRefused(rawTarball(signedPluginEntries(files, acme, NOW)), "SDK_ERR_KEY_SCOPE");
  });

  it("refuses a signature made after the key's validity window", async () => {
    const day = 86_400_000;
    const windowed = createKeyring([root], {
      now: NOW,
      keys: [{ ...keyInputs[0], validFrom: new Date(NOW.getTime() - 30 * day), validUntil: new Date(NOW.getTime() - day) } as KeyringKeyInput],
    });
    await expectRefused(rawTarball(signedHello()), "SDK_ERR_KEY_NOT_VALID", { trust: { rootKeys: [root], keyring: windowed } });
  });

  it("refuses a signature made before the key's validity window", async () => {
    const day = 86_400_000;
    const windowed = createKeyring([root], { now: NOW, keys: [{ ...keyInputs[0], validFrom: new Date(NOW.getTime() + day) } as KeyringKeyInput] });
    await expectRefused(rawTarball(signedHello()), "SDK_ERR_KEY_NOT_VALID", { trust: { rootKeys: [root], keyring: windowed } });
  });

  it("accepts a package signed inside the window even after the window closed", async () => {
    const day = 86_400_000;
    const signedAt = new Date(NOW.getTime() - 10 * day);
    const windowed = createKeyring([root], {
      now: NOW,
      keys: [{ ...keyInputs[0], validFrom: new Date(NOW.getTime() - 30 * day), validUntil: new Date(NOW.getTime() - day) } as KeyringKeyInput],
    });
    const run = await verifyInStage(rawTarball(signedPluginEntries(helloFiles, acme, signedAt)), { trust: { rootKeys: [root], keyring: windowed } });
    expect(run.outcome.ok).toBe(true);
  });
});

describe("verifyPluginTarball: keyrings", () => {
  it("refuses a keyring not signed by the trusted root", async () => {
    const forged = createKeyring([stranger], { keys: [{ key: stranger, name: "evil", roles: ["release"], scopes: ["*"] }], now: NOW });
    await expectRefused(rawTarball(signedPluginEntries(helloFiles, stranger, NOW)), "SDK_ERR_KEYRING_UNTRUSTED", {
      trust: { rootKeys: [root], keyring: forged },
    });
  });

  it("refuses a keyring older than one already seen", async () => {
    await expectRefused(rawTarball(signedHello()), "SDK_ERR_KEYRING_ROLLBACK", { trust: { ...trust, minKeyringVersion: 2 } });
  });

  it("refuses an expired keyring", async () => {
    await expectRefused(rawTarball(signedHello()), "SDK_ERR_KEYRING_EXPIRED", { now: new Date(NOW.getTime() + 400 * 86_400_000) });
  });

  it("refuses a keyring whose content was edited after the root signed it", async () => {
    const doc = JSON.parse(Buffer.from(keyring.payload, "base64").toString());
    doc.keys[0].scopes = ["*"];
    const edited = { ...keyring, payload: Buffer.from(JSON.stringify(doc)).toString("base64") };
    await expectRefused(rawTarball(signedHello()), "SDK_ERR_SIGNATURE_INVALID", { trust: { rootKeys: [root], keyring: edited } });
  });

  it("accepts a package signed by a key added in a rotated keyring, and the rotation raises the version", async () => {
    const next = generateKeyPair();
    const current = verifyKeyring(keyring, { rootKeys: [root], now: NOW });
    const rotated = rotateKeyring([root], current, {
      add: [{ key: next, name: "acme-2", roles: ["release"], scopes: ["@acme/*"] }],
      revoke: [{ keyid: acme.keyid, reason: "rotated" }],
      now: NOW,
    });
    const rotatedTrust = { rootKeys: [root], keyring: rotated, minKeyringVersion: 1 };
    const run = await verifyInStage(rawTarball(signedPluginEntries(helloFiles, next, NOW)), { trust: rotatedTrust });
    expect(run.outcome).toMatchObject({ ok: true, keyring: { document: { version: 2 } }, release: { signer: { name: "acme-2" } } });
    await expectRefused(rawTarball(signedHello()), "SDK_ERR_KEY_REVOKED", { trust: rotatedTrust });
  });
});

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

function replaceEnvelope(entries: RawTarEntry[], envelope: unknown): RawTarEntry[] {
  return entries.map((e) => (e.path === `package/${RELEASE_ENVELOPE_PATH}` ? { ...e, body: JSON.stringify(envelope) } : e));
}
