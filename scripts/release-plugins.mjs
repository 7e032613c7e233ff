#!/usr/bin/env node
// Builds, packs, signs and verifies every first-party plugin (plugins/*) for a release, with the same SDK
// calls a third-party author's CI would make. Run by .github/workflows/release.yml after `turbo run build`.
//
//   node scripts/release-plugins.mjs --out release/ --root signing-keys/root.pub --keyring signing-keys/keyring.json
//        [--key RELEASE.key] [--plugins-dir plugins]
//
// The release key comes from --key FILE or the ARCHNEST_SIGNING_KEY environment variable (PEM text, or
// the PEM base64-encoded). Every tarball is verified against the root and keyring exactly as a host would
// verify it; a tarball that fails is deleted and the script exits 1. Exit 2 means bad usage.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { isSdkError } from "@archnest/sdk";
import { packPlugin, privateKeyFromEnv, readPrivateKeyFile, signTarball, verifyPluginTarball } from "@archnest/sdk/node";
import { parsePublicKeyPem } from "@archnest/sdk/trust";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");

class UsageError extends Error {}

function options(argv) {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        out: { type: "string" },
        root: { type: "string" },
        keyring: { type: "string" },
        key: { type: "string" },
        "plugins-dir": { type: "string" },
      },
      strict: true,
    }).values;
  } catch (err) {
    throw new UsageError(err.message);
  }
  for (const name of ["out", "root", "keyring"]) {
    if (!parsed[name]) throw new UsageError(`--${name} is required.`);
  }
  return {
    out: resolve(parsed.out),
    root: resolve(parsed.root),
    keyring: resolve(parsed.keyring),
    key: parsed.key === undefined ? undefined : resolve(parsed.key),
    pluginsDir: resolve(parsed["plugins-dir"] ?? join(REPO, "plugins")),
  };
}

function signingKey(keyFile) {
  if (keyFile) return readPrivateKeyFile(keyFile);
  // biome-ignore lint/suspicious/noUndeclaredEnvVars: CI runs this script directly, never as a cached turbo task.
  const fromEnv = process.env.ARCHNEST_SIGNING_KEY;
  if (!fromEnv) throw new UsageError("No release key: pass --key RELEASE.key or set ARCHNEST_SIGNING_KEY.");
  return privateKeyFromEnv(fromEnv);
}

function readJson(path, what) {
  try {
    return JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw new UsageError(`Cannot read ${what} ${path} as JSON.`);
  }
}

/** Plugin folders: each directory under pluginsDir that has a package.json, sorted by name. */
function pluginFolders(pluginsDir) {
  if (!existsSync(pluginsDir)) return [];
  return readdirSync(pluginsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(pluginsDir, d.name, "package.json")))
    .map((d) => join(pluginsDir, d.name))
    .sort();
}

/** npm's tarball name: `@archnest/notes` 1.2.0 becomes `archnest-notes-1.2.0.tgz`. */
function tarballName(name, version) {
  return `${name.replace(/^@/, "").replace("/", "-")}-${version}.tgz`;
}

function runBuild(dir) {
  const pkg = readJson(join(dir, "package.json"), "package.json");
  if (!pkg.scripts?.build) return;
  // The build's own output goes to stderr so that stdout keeps one line per plugin.
  const result = spawnSync("npm", ["run", "build"], { cwd: dir, stdio: ["ignore", process.stderr, process.stderr] });
  if (result.status !== 0) throw new Error(`its build script failed (exit ${result.status ?? result.signal})`);
}

async function releaseOne(dir, out, key, trust) {
  runBuild(dir);
  const probe = join(out, `.${basename(dir)}.tgz.partial`);
  const { pkg } = await packPlugin(dir, probe);
  const file = join(out, tarballName(pkg.name, pkg.version));
  rmSync(file, { force: true });
  await signTarball(probe, key);
  // Verified as a host would, from the committed trust material, before it is named as a release file.
  const outcome = await verifyPluginTarball(probe, { trust });
  if (!outcome.ok) {
    rmSync(probe, { force: true });
    return { ok: false, name: pkg.name, version: pkg.version, code: outcome.code, message: outcome.message };
  }
  writeFileSync(file, readFileSync(probe));
  rmSync(probe, { force: true });
  const sha256 = createHash("sha256").update(readFileSync(file)).digest("hex");
  return { ok: true, name: pkg.name, version: pkg.version, file: basename(file), sha256, signer: outcome.release.signer };
}

async function main() {
  const opts = options(process.argv.slice(2));
  const key = signingKey(opts.key);
  const trust = {
    rootKeys: [parsePublicKeyPem(readFileSync(opts.root, "utf8"))],
    keyring: readJson(opts.keyring, "the keyring"),
  };
  mkdirSync(opts.out, { recursive: true });
  const folders = pluginFolders(opts.pluginsDir);
  if (folders.length === 0) console.log(`No plugins under ${relative(process.cwd(), opts.pluginsDir) || "."}; nothing to release.`);

  const released = [];
  let failed = 0;
  for (const dir of folders) {
    const where = relative(process.cwd(), dir) || dir;
    try {
      const r = await releaseOne(dir, opts.out, key, trust);
      if (r.ok) {
        released.push({ name: r.name, version: r.version, file: r.file, sha256: r.sha256 });
        console.log(
          `✓ ${r.name}@${r.version}  ${r.file}  sha256:${r.sha256.slice(0, 16)}  signed by ${r.signer.name} (${r.signer.keyid.slice(0, 16)}), verified`,
        );
      } else {
        failed += 1;
        console.log(`✗ ${r.name}@${r.version}  verification failed: ${r.code} ${r.message}`);
      }
    } catch (err) {
      failed += 1;
      const why = isSdkError(err) ? `${err.code} ${err.message}` : err.message;
      console.log(`✗ ${where}  ${why}`);
    }
  }
  const manifest = { generatedAt: new Date().toISOString(), signer: key.keyid, plugins: released };
  writeFileSync(join(opts.out, "manifest.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  console.log(`${released.length} released, ${failed} failed; manifest at ${relative(process.cwd(), join(opts.out, "manifest.json"))}`);
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    if (err instanceof UsageError) {
      console.error(`release-plugins: ${err.message}`);
      process.exitCode = 2;
    } else if (isSdkError(err)) {
      // Messages from the SDK name files and codes, never key material.
      console.error(`release-plugins: ${err.code} ${err.message}`);
      process.exitCode = 1;
    } else {
      console.error(`release-plugins: ${err.message}`);
      process.exitCode = 1;
    }
  },
);
