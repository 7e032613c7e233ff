import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parsePublicKeyPem, verifyKeyring } from "@archnest/sdk/trust";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const cliDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const repoRoot = resolve(cliDir, "../..");
const bin = join(cliDir, "bin/archnest-plugin.js");

let work: string;

interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built bin as a user would, without a terminal (so no progress bars). */
function cli(args: string[], env: Record<string, string> = {}): Result {
  const { ARCHNEST_SIGNING_KEY: _drop, ...inherited } = process.env;
  const r = spawnSync(process.execPath, [bin, ...args], { cwd: work, env: { ...inherited, ...env }, encoding: "utf8" });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function ok(args: string[], env: Record<string, string> = {}): Result {
  const r = cli(args, env);
  expect(r, `${args.join(" ")}\n${r.stderr}`).toMatchObject({ status: 0 });
  return r;
}

function writePlugin(dir: string, name: string, version = "1.0.0"): string {
  const path = join(work, dir);
  mkdirSync(join(path, "dist"), { recursive: true });
  const id = name.split("/").pop() ?? "plugin";
  writeFileSync(
    join(path, "package.json"),
    `${JSON.stringify(
      { name, version, archnest: { id, displayName: id, module: "free", sdk: "^1.0.0", server: "dist/server.js", permissions: ["storage", "ssh:exec"] } },
      null,
      2,
    )}\n`,
  );
  writeFileSync(join(path, "dist/server.js"), "export default { setup() {} };\n");
  writeFileSync(join(path, "README.md"), `# ${name}\n`);
  return path;
}

beforeAll(() => {
  // `npm test` builds first; a lone run of this file builds the bin's code when it is missing.
  if (!existsSync(join(cliDir, "dist/index.js")) || !existsSync(join(repoRoot, "sdk/core/dist/node/index.js"))) {
    execFileSync("npx", ["turbo", "run", "build", "--filter=@archnest/plugin-cli"], { cwd: repoRoot, stdio: "ignore" });
  }
  work = mkdtempSync(join(tmpdir(), "archnest-cli-test-"));
  ok(["keys", "generate", "--out", "keys", "--name", "root"]);
  ok(["keys", "generate", "--out", "keys", "--name", "acme"]);
  ok(["keys", "generate", "--out", "keys", "--name", "official"]);
  ok([
    "keyring",
    "create",
    "--root",
    "keys/root.key",
    "--release",
    "keys/acme.pub",
    "--scope",
    "@acme/*",
    "--release",
    "keys/official.pub",
    "--scope",
    "@archnest/*",
    "--out",
    "keyring.json",
  ]);
  writePlugin("hello", "@acme/hello");
});

afterAll(() => rmSync(work, { recursive: true, force: true }));

const keyid = (name: string) => parsePublicKeyPem(readFileSync(join(work, `keys/${name}.pub`), "utf8")).keyid;
const readKeyring = (file: string) =>
  verifyKeyring(JSON.parse(readFileSync(join(work, file), "utf8")), {
    rootKeys: [parsePublicKeyPem(readFileSync(join(work, "keys/root.pub"), "utf8"))],
    now: new Date(),
  });

describe("archnest-plugin keys and keyring", () => {
  it("keys generate writes a private key readable only by its owner and a public key", () => {
    const r = ok(["keys", "generate", "--out", "more", "--name", "ci"]);
    expect(statSync(join(work, "more/ci.key")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(work, "more/ci.key"), "utf8")).toContain("BEGIN PRIVATE KEY");
    expect(readFileSync(join(work, "more/ci.pub"), "utf8")).toContain("BEGIN PUBLIC KEY");
    expect(r.stdout).toContain(parsePublicKeyPem(readFileSync(join(work, "more/ci.pub"), "utf8")).keyid);
  });

  it("keys generate refuses to overwrite a key", () => {
    const r = cli(["keys", "generate", "--out", "keys", "--name", "root", "--json"]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: "SDK_ERR_IO" });
  });

  it("keyring create signs a keyring holding each --release key with its --scope", () => {
    const ring = readKeyring("keyring.json");
    expect(ring.document.version).toBe(1);
    expect(ring.document.keys.map((k) => [k.name, k.keyid, k.roles, k.scopes])).toEqual([
      ["acme", keyid("acme"), ["release"], ["@acme/*"]],
      ["official", keyid("official"), ["release"], ["@archnest/*"]],
    ]);
    expect(ring.signedBy).toBe(keyid("root"));
  });

  it("keyring create refuses a --release without its --scope, as a usage error", () => {
    const r = cli(["keyring", "create", "--root", "keys/root.key", "--release", "keys/acme.pub", "--out", "bad.json", "--json"]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: "SDK_ERR_USAGE" });
    expect(existsSync(join(work, "bad.json"))).toBe(false);
  });
});

describe("archnest-plugin pack, sign and verify", () => {
  it("pack gives the same bytes for the same input", () => {
    ok(["pack", "hello", "--out", "hello-a.tgz"]);
    ok(["pack", "hello", "--out", "hello-b.tgz"]);
    const a = readFileSync(join(work, "hello-a.tgz"));
    expect(a.length).toBeGreaterThan(0);
    expect(a.equals(readFileSync(join(work, "hello-b.tgz")))).toBe(true);
  });

  it("sign then verify exits 0 and names the package, version, signer key id and permissions", () => {
    ok(["pack", "hello", "--out", "hello.tgz"]);
    ok(["sign", "hello.tgz", "--key", "keys/acme.key"]);
    const r = ok(["verify", "hello.tgz", "--root", "keys/root.pub", "--keyring", "keyring.json"]);
    expect(r.stdout).toContain("@acme/hello@1.0.0");
    expect(r.stdout).toContain(keyid("acme"));
    expect(r.stdout).toContain("storage, ssh:exec");
  });

  it("verify --json prints the verified facts as one JSON line and nothing on stderr", () => {
    ok(["pack", "hello", "--out", "hello-json.tgz"]);
    ok(["sign", "hello-json.tgz", "--key", "keys/acme.key"]);
    const r = ok(["verify", "hello-json.tgz", "--root", "keys/root.pub", "--keyring", "keyring.json", "--json"]);
    expect(JSON.parse(r.stdout)).toMatchObject({
      ok: true,
      name: "@acme/hello",
      version: "1.0.0",
      signer: keyid("acme"),
      permissions: ["storage", "ssh:exec"],
    });
    expect(r.stderr).toBe("");
  });

  it("sign reads the key from ARCHNEST_SIGNING_KEY, as PEM or as base64 of the PEM", () => {
    const pem = readFileSync(join(work, "keys/acme.key"), "utf8");
    for (const [file, value] of [
      ["env-pem.tgz", pem],
      ["env-b64.tgz", Buffer.from(pem).toString("base64")],
    ] as const) {
      ok(["pack", "hello", "--out", file]);
      ok(["sign", file], { ARCHNEST_SIGNING_KEY: value });
      const r = ok(["verify", file, "--root", "keys/root.pub", "--keyring", "keyring.json", "--json"]);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, signer: keyid("acme") });
    }
  });

  it("sign without a key is a usage error", () => {
    const r = cli(["sign", "hello-a.tgz", "--json"]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: "SDK_ERR_USAGE" });
  });

  it("verify --json prints exactly ok, code and message and exits non-zero on a package signed outside the key's scope", () => {
    writePlugin("stolen", "@archnest/stolen");
    ok(["pack", "stolen", "--out", "stolen.tgz"]);
    ok(["sign", "stolen.tgz", "--key", "keys/acme.key"]);
    const r = cli(["verify", "stolen.tgz", "--root", "keys/root.pub", "--keyring", "keyring.json", "--json"]);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out)).toEqual(["ok", "code", "message"]);
    expect(out).toMatchObject({ ok: false, code: "SDK_ERR_KEY_SCOPE" });
    expect(out.message).toContain("@archnest/stolen");
  });

  it("verify refuses an unsigned package with its code, on stderr without --json", () => {
    const r = cli(["verify", "hello-a.tgz", "--root", "keys/root.pub", "--keyring", "keyring.json"]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("SDK_ERR_SIGNATURE_MISSING");
    expect(r.stdout).toBe("");
  });

  it("verify --json refuses a file that is not a tarball", () => {
    writeFileSync(join(work, "junk.tgz"), "this is not gzip");
    const r = cli(["verify", "junk.tgz", "--root", "keys/root.pub", "--keyring", "keyring.json", "--json"]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ ok: false, code: "SDK_ERR_TARBALL_NOT_GZIP", message: expect.any(String) });
  });

  it("verify refuses a keyring when the root given is another key", () => {
    ok(["pack", "hello", "--out", "hello-root.tgz"]);
    ok(["sign", "hello-root.tgz", "--key", "keys/acme.key"]);
    const r = cli(["verify", "hello-root.tgz", "--root", "keys/acme.pub", "--keyring", "keyring.json", "--json"]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: "SDK_ERR_KEYRING_UNTRUSTED" });
  });
});

describe("archnest-plugin keyring revoke and rotate", () => {
  it("after keyring revoke, a package signed by the revoked key fails with SDK_ERR_KEY_REVOKED", () => {
    ok(["pack", "hello", "--out", "revoked.tgz"]);
    ok(["sign", "revoked.tgz", "--key", "keys/acme.key"]);
    ok(["verify", "revoked.tgz", "--root", "keys/root.pub", "--keyring", "keyring.json"]);
    ok([
      "keyring",
      "revoke",
      "--root",
      "keys/root.key",
      "--keyring",
      "keyring.json",
      "--key",
      "keys/acme.pub",
      "--reason",
      "laptop stolen",
      "--out",
      "revoked.json",
    ]);
    expect(readKeyring("revoked.json").document).toMatchObject({ version: 2, revoked: [{ keyid: keyid("acme"), reason: "laptop stolen" }] });
    const r = cli(["verify", "revoked.tgz", "--root", "keys/root.pub", "--keyring", "revoked.json", "--json"]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: "SDK_ERR_KEY_REVOKED" });
  });

  it("keyring rotate raises the version, a package signed by the new key verifies, and the old keyring is then a rollback", () => {
    ok(["keys", "generate", "--out", "keys", "--name", "acme-2026"]);
    ok([
      "keyring",
      "rotate",
      "--root",
      "keys/root.key",
      "--keyring",
      "keyring.json",
      "--release",
      "keys/acme-2026.pub",
      "--scope",
      "@acme/*",
      "--key",
      "keys/acme.pub",
      "--out",
      "rotated.json",
    ]);
    const rotated = readKeyring("rotated.json").document;
    expect(rotated.version).toBe(2);
    expect(rotated.keys.map((k) => k.name)).toContain("acme-2026");
    expect(rotated.revoked.map((r) => r.keyid)).toEqual([keyid("acme")]);

    ok(["pack", "hello", "--out", "rotated.tgz"]);
    ok(["sign", "rotated.tgz", "--key", "keys/acme-2026.key"]);
    const r = ok(["verify", "rotated.tgz", "--root", "keys/root.pub", "--keyring", "rotated.json", "--min-keyring-version", "2", "--json"]);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, signer: keyid("acme-2026") });

    const old = cli(["verify", "rotated.tgz", "--root", "keys/root.pub", "--keyring", "keyring.json", "--min-keyring-version", "2", "--json"]);
    expect(old.status).toBe(1);
    expect(JSON.parse(old.stdout)).toMatchObject({ ok: false, code: "SDK_ERR_KEYRING_ROLLBACK" });
  });
});

describe("archnest-plugin pack: what goes in", () => {
  /** The paths a tarball holds under package/, sorted. */
  function tarballPaths(file: string): string[] {
    return execFileSync("tar", ["-tzf", join(work, file)], { encoding: "utf8" })
      .split("\n")
      .filter((l) => l.startsWith("package/") && !l.endsWith("/"))
      .map((l) => l.slice("package/".length))
      .sort();
  }

  /** What `npm pack` itself would put in the package, from its dry run. */
  function npmPackPaths(dir: string): string[] {
    const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: join(work, dir), encoding: "utf8" });
    return (JSON.parse(out) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path).sort() ?? [];
  }

  function write(dir: string, files: Record<string, string>): void {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(dirname(join(work, dir, rel)), { recursive: true });
      writeFileSync(join(work, dir, rel), text);
    }
  }

  it('takes the same files as npm pack, honouring "files" with its negations and .npmignore', () => {
    writePlugin("listed", "@acme/listed");
    const pkg = JSON.parse(readFileSync(join(work, "listed/package.json"), "utf8")) as Record<string, unknown>;
    writeFileSync(join(work, "listed/package.json"), JSON.stringify({ ...pkg, files: ["dist", "!dist/**/*.map", "docs/guide.md"] }, null, 2));
    write("listed", {
      "dist/server.js.map": "{}",
      "dist/web/index.js": "export {};",
      "dist/web/notes.txt": "internal",
      "dist/web/.npmignore": "notes.txt\n",
      "docs/guide.md": "# Guide",
      "docs/internal.md": "# Internal",
      "src/server.ts": "export {};",
      LICENSE: "Apache-2.0",
      "CHANGELOG.md": "# Changes",
      ".gitignore": "dist\n",
      ".npmrc": "//registry.example/:_authToken=x\n",
    });
    ok(["pack", "listed", "--out", "listed.tgz"]);
    const packed = tarballPaths("listed.tgz");
    expect(packed).toEqual(npmPackPaths("listed"));
    expect(packed).toContain("dist/web/index.js");
    expect(packed).not.toContain("dist/server.js.map");
    expect(packed).not.toContain("dist/web/notes.txt");
    expect(packed).not.toContain("src/server.ts");
    expect(packed).not.toContain(".npmrc");

    // Without "files", the folder's .npmignore decides (and .gitignore is not read beside it).
    writePlugin("ignored", "@acme/ignored");
    write("ignored", { ".npmignore": "src/\n*.log\n", ".gitignore": "dist\n", "src/server.ts": "export {};", "debug.log": "x", "assets/logo.svg": "<svg/>" });
    ok(["pack", "ignored", "--out", "ignored.tgz"]);
    const fromIgnore = tarballPaths("ignored.tgz");
    expect(fromIgnore).toEqual(npmPackPaths("ignored"));
    expect(fromIgnore).toEqual(expect.arrayContaining(["assets/logo.svg", "dist/server.js"]));
    expect(fromIgnore).not.toContain("debug.log");
  });

  it("refuses to pack a private key, naming the file, and writes no tarball; left out with .npmignore it packs", () => {
    writePlugin("leaky", "@acme/leaky");
    write("leaky", { "dist/release.key": readFileSync(join(work, "keys/acme.key"), "utf8") });
    const r = cli(["pack", "leaky", "--out", "leaky.tgz", "--json"]);
    expect(r.status).toBe(1);
    const body = JSON.parse(r.stdout) as { ok: boolean; code: string; message: string };
    expect(body).toMatchObject({ ok: false, code: "SDK_ERR_PACKAGE_PRIVATE_KEY" });
    expect(body.message).toContain("dist/release.key");
    expect(existsSync(join(work, "leaky.tgz"))).toBe(false);

    // The same key as base64 inside a JSON file is found too.
    rmSync(join(work, "leaky/dist/release.key"));
    const der = execFileSync(
      process.execPath,
      [
        "-e",
        `process.stdout.write(require("node:crypto").createPrivateKey(require("node:fs").readFileSync(${JSON.stringify(join(work, "keys/acme.key"))})).export({ format: "der", type: "pkcs8" }).toString("base64"))`,
      ],
      { encoding: "utf8" },
    );
    write("leaky", { "dist/config.json": JSON.stringify({ signing: der }) });
    const encoded = cli(["pack", "leaky", "--out", "leaky.tgz", "--json"]);
    expect(JSON.parse(encoded.stdout)).toMatchObject({ ok: false, code: "SDK_ERR_PACKAGE_PRIVATE_KEY" });
    expect(encoded.stdout).toContain("dist/config.json");

    write("leaky", { ".npmignore": "dist/config.json\n" });
    // A key every copy of a library carries (ssh2's EdDSA probe, bundled by plugins that use SSH) is no secret.
    write("leaky", {
      "dist/vendor.js": `const key = "-----BEGIN PRIVATE KEY-----\\r\\nMC4CAQAwBQYDK2VwBCIEIHKj+sVa9WcD/q2DJUJaf43Kptc8xYuUQA4bOFj9vC8T\\r\\n-----END PRIVATE KEY-----";`,
    });
    ok(["pack", "leaky", "--out", "leaky.tgz"]);
    expect(tarballPaths("leaky.tgz")).not.toContain("dist/config.json");
    expect(tarballPaths("leaky.tgz")).toContain("dist/vendor.js");
  });
});

describe("archnest-plugin keyring rotate --valid-from", () => {
  it("writes the date as the start of the new key's validity window; a package signed before it is refused", () => {
    ok(["keys", "generate", "--out", "keys", "--name", "acme-2031"]);
    ok([
      "keyring",
      "rotate",
      "--root",
      "keys/root.key",
      "--keyring",
      "keyring.json",
      "--release",
      "keys/acme-2031.pub",
      "--scope",
      "@acme/*",
      "--valid-from",
      "2031-01-01",
      "--key-valid-days",
      "365",
      "--out",
      "future.json",
    ]);
    const entry = readKeyring("future.json").document.keys.find((k) => k.name === "acme-2031");
    expect(entry).toMatchObject({ validFrom: "2031-01-01T00:00:00.000Z", validUntil: "2032-01-01T00:00:00.000Z" });

    ok(["pack", "hello", "--out", "early.tgz"]);
    ok(["sign", "early.tgz", "--key", "keys/acme-2031.key"]);
    const r = cli(["verify", "early.tgz", "--root", "keys/root.pub", "--keyring", "future.json", "--json"]);
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: "SDK_ERR_KEY_NOT_VALID" });
  });

  it("refuses a date that is not ISO 8601 as a usage error", () => {
    for (const bad of ["next tuesday", "2031-13-01", "01/02/2031"]) {
      const r = cli(["keyring", "rotate", "--root", "keys/root.key", "--keyring", "keyring.json", "--valid-from", bad, "--out", "bad.json", "--json"]);
      expect(r.status, bad).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: "SDK_ERR_USAGE" });
      expect(existsSync(join(work, "bad.json"))).toBe(false);
    }
  });
});

describe("archnest-plugin usage", () => {
  it("an unknown option is a usage error with exit code 2", () => {
    const r = cli(["verify", "x.tgz", "--no-such-option", "--json"]);
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: "SDK_ERR_USAGE" });
  });

  it("errors lists every code of the catalogue", async () => {
    const { SDK_ERRORS } = await import("@archnest/sdk");
    const r = ok(["errors"]);
    for (const code of Object.keys(SDK_ERRORS)) expect(r.stdout).toContain(code);
  });
});

describe("archnest-plugin create", () => {
  it("refuses a name npm or the manifest would refuse, and a scope that is not one, writing nothing", () => {
    for (const target of ["My Plugin", "-dash", "@me/UPPER", "a".repeat(40)]) {
      const r = cli(["create", target, "--json"]);
      expect(r.status, target).toBe(2);
      expect(JSON.parse(r.stdout)).toMatchObject({ ok: false, code: "SDK_ERR_USAGE" });
    }
    const badScope = cli(["create", "fine-name", "--scope", "me", "--json"]);
    expect(badScope.status).toBe(2);
    expect(existsSync(join(work, "fine-name"))).toBe(false);
  });

  it("makes the plugin with its keys in keys/ (private ones 0600, ignored by git) and a keyring for the scope", () => {
    const r = ok(["create", "tiny", "--scope", "@tinyco", "--json"]);
    const out = JSON.parse(r.stdout) as { name: string; fingerprint: string; files: string[] };
    expect(out.name).toBe("@tinyco/tiny");
    expect(out.files).toEqual(expect.arrayContaining([".gitignore", ".github/workflows/release.yml", "src/server.ts", "src/web.tsx", "src/server.test.ts"]));
    expect(statSync(join(work, "tiny/keys/release.key")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(work, "tiny/.gitignore"), "utf8")).toMatch(/^keys\/\*\.key$/m);
    const root = parsePublicKeyPem(readFileSync(join(work, "tiny/keys/root.pub"), "utf8"));
    expect(root.keyid).toBe(out.fingerprint);
    const keyring = verifyKeyring(JSON.parse(readFileSync(join(work, "tiny/keyring.json"), "utf8")), { rootKeys: [root], now: new Date() });
    expect(keyring.document.keys.map((k) => k.scopes)).toEqual([["@tinyco/*"]]);
    expect(JSON.parse(readFileSync(join(work, "tiny/package.json"), "utf8"))).toMatchObject({
      name: "@tinyco/tiny",
      files: ["dist"],
      archnest: { id: "tiny" },
    });
  });
});
