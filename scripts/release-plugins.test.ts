import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { verifyPluginTarball } from "@archnest/sdk/node";
import { createKeyring, generateKeyPair, type KeyPair, privateKeyToPem, publicKeyToPem } from "@archnest/sdk/trust";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Runs the real script as CI does, in a child process reading the SDK from its built dist.
const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "release-plugins.mjs");

let dir: string;
let root: KeyPair;
let release: KeyPair;
let pluginsDir: string;

function writePlugin(folder: string, name: string, version: string, withBuild: boolean): void {
  const at = join(pluginsDir, folder);
  mkdirSync(at, { recursive: true });
  const pkg = {
    name,
    version,
    type: "module",
    ...(withBuild && { scripts: { build: "node build.mjs" } }),
    files: ["dist"],
    archnest: { id: folder, displayName: folder, module: "free", sdk: "^1.0.0", server: "dist/server.js", permissions: ["storage"] },
  };
  writeFileSync(join(at, "package.json"), JSON.stringify(pkg, null, 2));
  if (withBuild) {
    // The entry file exists only once the plugin's build script has run, so packing proves the build ran.
    writeFileSync(
      join(at, "build.mjs"),
      'import { mkdirSync, writeFileSync } from "node:fs";\nmkdirSync("dist", { recursive: true });\nwriteFileSync("dist/server.js", "export default {};\\n");\n',
    );
  } else {
    mkdirSync(join(at, "dist"), { recursive: true });
    writeFileSync(join(at, "dist/server.js"), "export default {};\n");
  }
}

function run(args: string[], signingKey: string | undefined) {
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  if (signingKey !== undefined) env.ARCHNEST_SIGNING_KEY = signingKey;
  const result = spawnSync(process.execPath, [SCRIPT, ...args], { cwd: dir, env, encoding: "utf8", timeout: 120_000 });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function trustArgs(out: string): string[] {
  return ["--out", out, "--root", join(dir, "root.pub"), "--keyring", join(dir, "keyring.json"), "--plugins-dir", pluginsDir];
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "archnest-release-test-"));
  root = generateKeyPair();
  release = generateKeyPair();
  writeFileSync(join(dir, "root.pub"), publicKeyToPem(root));
  const keyring = createKeyring([root], { keys: [{ key: release, name: "acme-ci", roles: ["release"], scopes: ["@acme/*"] }] });
  writeFileSync(join(dir, "keyring.json"), JSON.stringify(keyring));
  pluginsDir = join(dir, "plugins");
  writePlugin("hello", "@acme/hello", "1.2.3", true);
  writePlugin("world", "@acme/world", "0.1.0", false);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe("scripts/release-plugins.mjs", () => {
  it("builds, packs, signs and verifies every plugin and lists them in manifest.json", async () => {
    const out = join(dir, "release-ok");
    const pem = privateKeyToPem(release);
    const r = run(trustArgs(out), pem);
    expect(r.stderr).not.toContain(pem.split("\n")[1]);
    expect(r.stdout).not.toContain(pem.split("\n")[1]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/✓ @acme\/hello@1\.2\.3 {2}acme-hello-1\.2\.3\.tgz .*verified/);
    expect(r.stdout).toMatch(/✓ @acme\/world@0\.1\.0 {2}acme-world-0\.1\.0\.tgz .*verified/);

    const manifest = JSON.parse(readFileSync(join(out, "manifest.json"), "utf8"));
    expect(manifest.plugins.map((p: { name: string }) => p.name)).toEqual(["@acme/hello", "@acme/world"]);
    expect(readdirSync(out).sort()).toEqual(["acme-hello-1.2.3.tgz", "acme-world-0.1.0.tgz", "manifest.json"]);

    for (const entry of manifest.plugins as { name: string; version: string; file: string; sha256: string }[]) {
      const file = join(out, entry.file);
      expect(createHash("sha256").update(readFileSync(file)).digest("hex")).toBe(entry.sha256);
      const outcome = await verifyPluginTarball(file, { trust: { rootKeys: [root], keyring: JSON.parse(readFileSync(join(dir, "keyring.json"), "utf8")) } });
      expect(outcome.ok && outcome.release.statement.name).toBe(entry.name);
      expect(outcome.ok && outcome.release.signer.keyid).toBe(release.keyid);
    }
    const hello = await verifyPluginTarball(join(out, "acme-hello-1.2.3.tgz"), {
      trust: { rootKeys: [root], keyring: JSON.parse(readFileSync(join(dir, "keyring.json"), "utf8")) },
    });
    expect(hello.ok && Object.keys(hello.release.statement.files)).toContain("dist/server.js");
  });

  it("reads the key from --key FILE, and from a base64-encoded ARCHNEST_SIGNING_KEY", () => {
    writeFileSync(join(dir, "release.key"), privateKeyToPem(release), { mode: 0o600 });
    const fromFile = run([...trustArgs(join(dir, "release-file")), "--key", join(dir, "release.key")], undefined);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const fromBase64 = run(trustArgs(join(dir, "release-b64")), Buffer.from(privateKeyToPem(release)).toString("base64"));
    expect(fromBase64.code, fromBase64.stderr).toBe(0);
    expect(existsSync(join(dir, "release-b64", "acme-world-0.1.0.tgz"))).toBe(true);
  });

  it("fails with exit 1 and leaves no tarball when the key is not in the keyring", () => {
    const out = join(dir, "release-wrong");
    const r = run(trustArgs(out), privateKeyToPem(generateKeyPair()));
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/✗ @acme\/hello@1\.2\.3 {2}verification failed: SDK_ERR_KEY_UNKNOWN/);
    expect(r.stdout).toMatch(/0 released, 2 failed/);
    expect(readdirSync(out)).toEqual(["manifest.json"]);
    expect(JSON.parse(readFileSync(join(out, "manifest.json"), "utf8")).plugins).toEqual([]);
  });

  it("fails when a release key signs outside its scope", () => {
    const other = generateKeyPair();
    const scoped = createKeyring([root], { keys: [{ key: other, name: "other", roles: ["release"], scopes: ["@other/*"] }] });
    writeFileSync(join(dir, "keyring-other.json"), JSON.stringify(scoped));
    const args = [
      "--out",
      join(dir, "release-scope"),
      "--root",
      join(dir, "root.pub"),
      "--keyring",
      join(dir, "keyring-other.json"),
      "--plugins-dir",
      pluginsDir,
    ];
    const r = run(args, privateKeyToPem(other));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("SDK_ERR_KEY_SCOPE");
  });

  it("refuses to run without a key (exit 2), naming what is missing", () => {
    const r = run(trustArgs(join(dir, "release-nokey")), undefined);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("ARCHNEST_SIGNING_KEY");
  });

  it("releases nothing, successfully, when there are no plugins", () => {
    const empty = join(dir, "no-plugins");
    mkdirSync(empty);
    const r = run(
      ["--out", join(dir, "release-empty"), "--root", join(dir, "root.pub"), "--keyring", join(dir, "keyring.json"), "--plugins-dir", empty],
      privateKeyToPem(release),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, "release-empty", "manifest.json"), "utf8")).plugins).toEqual([]);
  });
});

describe(".github/workflows/release.yml", () => {
  const workflow = readFileSync(join(dirname(SCRIPT), "..", ".github/workflows/release.yml"), "utf8");

  it("runs this script with the committed trust material and the key from the secret", () => {
    expect(workflow).toContain("node scripts/release-plugins.mjs");
    expect(workflow).toMatch(/--root signing-keys\/root\.pub\s+--keyring signing-keys\/keyring\.json/);
    // GitHub Actions expression syntax, not a template literal.
    expect(workflow).toContain(["ARCHNEST_SIGNING_KEY: $", "{{ secrets.ARCHNEST_SIGNING_KEY }}"].join(""));
    expect(workflow).toMatch(/tags: \["v\*"\]/);
    expect(workflow).toContain("release/*.tgz");
  });
});
