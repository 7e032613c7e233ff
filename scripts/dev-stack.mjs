// The local ArchNest stack that `npm start` runs: dev signing keys in the data folder, every first-party
// plugin packed and signed with them, a registry seeded with those plugins, and the host trusting the dev
// root (dev mode only), and the SDK's npm packages in the registry's library channel. Used by scripts/start.mjs and by the end-to-end test of `npm start`.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = new URL("..", import.meta.url).pathname;

/**
 * The stack's settings from the environment, with the defaults of the README's quick start. A local
 * registry starts on ARCHNEST_REGISTRY_PORT unless ARCHNEST_REGISTRY_URL names a registry that is already
 * running; then the host uses that one and none is started. The local registry sells through Stripe when
 * STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET are set, and through the development checkout otherwise.
 */
export function stackConfig(env = process.env) {
  const dataDir = resolve(ROOT, env.ARCHNEST_DATA_DIR ?? "data");
  const hostPort = Number(env.ARCHNEST_PORT ?? 8765);
  const registryPort = Number(env.ARCHNEST_REGISTRY_PORT ?? 8766);
  const externalRegistry = env.ARCHNEST_REGISTRY_URL?.trim().replace(/\/+$/, "") || undefined;
  return {
    dataDir,
    host: env.ARCHNEST_HOST ?? "127.0.0.1",
    hostPort,
    registryPort,
    registryUrl: externalRegistry ?? `http://127.0.0.1:${registryPort}`,
    startRegistry: !externalRegistry,
    devCheckout: !externalRegistry && !env.STRIPE_SECRET_KEY,
    keysDir: join(dataDir, "dev-keys"),
    releaseDir: join(dataDir, "dev-release"),
    coreDir: join(dataDir, "core-plugins"),
  };
}

/** Creates the dev root, release, license and index keys and a root-signed keyring, once. */
export async function prepareDevKeys(cfg) {
  const { createKeyring, verifyKeyring } = await import("@archnest/sdk/trust");
  const { readPrivateKeyFile, readPublicKeyFile, writeKeyPairFiles } = await import("@archnest/sdk/node");
  mkdirSync(cfg.keysDir, { recursive: true, mode: 0o700 });
  for (const name of ["root", "release", "license", "index"]) {
    if (!existsSync(join(cfg.keysDir, `${name}.key`))) writeKeyPairFiles(cfg.keysDir, name);
  }
  const root = readPrivateKeyFile(join(cfg.keysDir, "root.key"));
  const keyringPath = join(cfg.keysDir, "keyring.json");
  let version = 1;
  if (existsSync(keyringPath)) {
    try {
      const ring = verifyKeyring(JSON.parse(readFileSync(keyringPath, "utf8")), { rootKeys: [root], now: new Date(Date.now() + 30 * 86_400_000) });
      return { keyringPath, rootPub: join(cfg.keysDir, "root.pub"), version: ring.document.version };
    } catch {
      // Expiring within a month, or unreadable: issue the next version.
      version = (JSON.parse(Buffer.from(JSON.parse(readFileSync(keyringPath, "utf8")).payload, "base64").toString()).version ?? 0) + 1;
    }
  }
  const now = new Date(Date.now() - 60_000);
  const env = createKeyring([root], {
    version,
    now,
    keys: [
      { key: readPublicKeyFile(join(cfg.keysDir, "release.pub")), name: "dev-release", roles: ["release"], scopes: ["@archnest/*"], validFrom: new Date(0) },
      { key: readPublicKeyFile(join(cfg.keysDir, "license.pub")), name: "dev-license", roles: ["license"], validFrom: new Date(0) },
      { key: readPublicKeyFile(join(cfg.keysDir, "index.pub")), name: "dev-index", roles: ["index"], validFrom: new Date(0) },
    ],
  });
  writeFileSync(keyringPath, `${JSON.stringify(env, null, 2)}\n`);
  return { keyringPath, rootPub: join(cfg.keysDir, "root.pub"), version };
}

/** Packs and signs every first-party plugin with the dev release key; free ones also become core plugins. */
export async function releaseDevPlugins(cfg, log = console.log) {
  const { packPlugin, readPrivateKeyFile, signTarball } = await import("@archnest/sdk/node");
  const key = readPrivateKeyFile(join(cfg.keysDir, "release.key"));
  rmSync(cfg.releaseDir, { recursive: true, force: true });
  rmSync(cfg.coreDir, { recursive: true, force: true });
  mkdirSync(cfg.releaseDir, { recursive: true });
  mkdirSync(cfg.coreDir, { recursive: true });
  const out = [];
  for (const name of readdirSync(join(ROOT, "plugins")).sort()) {
    const dir = join(ROOT, "plugins", name);
    if (!existsSync(join(dir, "package.json"))) continue;
    const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    if (!pkg.archnest) continue;
    const file = join(cfg.releaseDir, `${pkg.name.replace(/^@[^/]+\//, "")}-${pkg.version}.tgz`);
    await packPlugin(dir, file);
    await signTarball(file, key);
    if (pkg.archnest.module === "free") copyFileSync(file, join(cfg.coreDir, `${pkg.archnest.id}.tgz`));
    out.push({ name: pkg.name, version: pkg.version, file, free: pkg.archnest.module === "free" });
    log(`  signed ${pkg.name}@${pkg.version}${pkg.archnest.module === "free" ? " (core)" : ` (module ${pkg.archnest.module})`}`);
  }
  return out;
}

function child(name, script, env, log) {
  const proc = spawn(process.execPath, [join(ROOT, script)], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  const forward = (stream) => {
    let buf = "";
    stream.on("data", (d) => {
      buf += d;
      let i = buf.indexOf("\n");
      while (i >= 0) {
        log(`[${name}] ${buf.slice(0, i)}`);
        buf = buf.slice(i + 1);
        i = buf.indexOf("\n");
      }
    });
  };
  forward(proc.stdout);
  forward(proc.stderr);
  return proc;
}

async function waitReady(url, proc, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${url} exited with code ${proc.exitCode} before it was ready`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`${url} was not ready within ${timeoutMs} ms`);
}

/** Starts the registry with the dev license and index keys, trusting the dev root. */
export async function startRegistry(cfg, keys, log = console.log) {
  const tokenFile = join(cfg.keysDir, "registry-admin-token");
  if (!existsSync(tokenFile)) writeFileSync(tokenFile, randomBytes(24).toString("base64url"), { mode: 0o600 });
  const adminToken = readFileSync(tokenFile, "utf8").trim();
  const proc = child(
    "registry",
    "registry/dist/main.js",
    {
      ARCHNEST_REGISTRY_PORT: String(cfg.registryPort),
      ARCHNEST_REGISTRY_HOST: "127.0.0.1",
      ARCHNEST_REGISTRY_DATA_DIR: join(cfg.dataDir, "registry"),
      ARCHNEST_REGISTRY_PUBLIC_URL: cfg.registryUrl,
      ARCHNEST_REGISTRY_LICENSE_KEY_FILE: join(cfg.keysDir, "license.key"),
      ARCHNEST_REGISTRY_INDEX_KEY_FILE: join(cfg.keysDir, "index.key"),
      ARCHNEST_REGISTRY_ROOT_PUB: keys.rootPub,
      ARCHNEST_REGISTRY_KEYRING: keys.keyringPath,
      ARCHNEST_REGISTRY_ADMIN_TOKEN: adminToken,
      // Purchases without payment, for trying modules locally; the registry refuses it beside Stripe keys.
      ...(cfg.devCheckout && { ARCHNEST_REGISTRY_DEV_CHECKOUT: "1" }),
    },
    log,
  );
  await waitReady(`${cfg.registryUrl}/readyz`, proc);
  return { proc, adminToken };
}

/** Publishes the signed plugins into the registry (versions already there are left alone). */
export async function publishDevPlugins(cfg, adminToken, releases, log = console.log) {
  const tokenFile = join(cfg.keysDir, "registry-author-token");
  if (!existsSync(tokenFile)) {
    const res = await fetch(`${cfg.registryUrl}/v1/admin/authors`, {
      method: "POST",
      headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "archnest-dev", scopes: ["@archnest/*"] }),
    });
    if (res.status !== 201) throw new Error(`cannot create the dev author: ${res.status} ${await res.text()}`);
    writeFileSync(tokenFile, (await res.json()).token, { mode: 0o600 });
  }
  const token = readFileSync(tokenFile, "utf8").trim();
  for (const r of releases) {
    const res = await fetch(`${cfg.registryUrl}/v1/packages`, {
      method: "PUT",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
      body: readFileSync(r.file),
    });
    if (res.status === 201) log(`  published ${r.name}@${r.version}`);
    else if (res.status !== 409) throw new Error(`publishing ${r.name}@${r.version} failed: ${res.status} ${await res.text()}`);
  }
}

/** Starts the host in dev mode, trusting the dev root beside the official one. */
export async function startHost(cfg, keys, log = console.log) {
  const proc = child(
    "host",
    "host/dist/main.js",
    {
      ARCHNEST_DATA_DIR: join(cfg.dataDir, "host"),
      ARCHNEST_PORT: String(cfg.hostPort),
      ARCHNEST_HOST: cfg.host,
      ARCHNEST_DEV: "1",
      ARCHNEST_REGISTRY_URL: cfg.registryUrl,
      ARCHNEST_DEV_TRUST_ROOT: keys.rootPub,
      ARCHNEST_DEV_TRUST_KEYRING: keys.keyringPath,
      ARCHNEST_CORE_PLUGINS_DIR: cfg.coreDir,
    },
    log,
  );
  await waitReady(`http://127.0.0.1:${cfg.hostPort}/readyz`, proc, 60_000);
  return { proc, url: `http://${cfg.host}:${cfg.hostPort}`, setupCode: readSetupCode(join(cfg.dataDir, "host")) };
}

/** The host's first-run setup code (written before it listens), or undefined once the admin exists. */
function readSetupCode(hostDataDir) {
  const file = join(hostDataDir, "setup-code");
  return existsSync(file) ? readFileSync(file, "utf8").trim() : undefined;
}

/** One line that says which registry the stack uses and whether it started it. */
export function describeRegistry(cfg) {
  if (!cfg.startRegistry) return `registry: using external ${cfg.registryUrl} (ARCHNEST_REGISTRY_URL; none started)`;
  return `registry: started on ${cfg.registryUrl} (local, ${cfg.devCheckout ? "development checkout: purchases are free" : "Stripe checkout"})`;
}

/** Runs the whole stack; resolves with the children and the host URL. On failure it stops what it started. */
export async function runStack(env = process.env, log = console.log) {
  const cfg = stackConfig(env);
  mkdirSync(cfg.dataDir, { recursive: true });
  const children = [];
  try {
    log("Preparing development signing keys…");
    const keys = await prepareDevKeys(cfg);
    log("Signing first-party plugins with the development release key…");
    const releases = await releaseDevPlugins(cfg, log);
    if (cfg.startRegistry) {
      // The SDK's npm packages, for `npm install @archnest/sdk` with `@archnest:registry=` pointing here
      // (docs/publish-your-first-plugin.md). Imported here: the packer needs the SDK built first.
      const { packLibraries } = await import("./pack-libraries.mjs");
      const libraries = await packLibraries(join(cfg.dataDir, "registry", "libraries"));
      log(`Packed ${libraries.map((l) => `${l.name}@${l.version}`).join(", ")} into the registry's library channel`);
      log(`Starting the registry on ${cfg.registryUrl}…`);
      const reg = await startRegistry(cfg, keys, log);
      children.push(reg.proc);
      await publishDevPlugins(cfg, reg.adminToken, releases, log);
    } else {
      log(`Using the registry at ${cfg.registryUrl} (ARCHNEST_REGISTRY_URL); no local registry is started.`);
    }
    log("Starting the host…");
    const host = await startHost(cfg, keys, log);
    children.push(host.proc);
    return { cfg, children, url: host.url, setupCode: host.setupCode };
  } catch (err) {
    for (const c of children) if (c.exitCode === null) c.kill("SIGTERM");
    throw err;
  }
}
