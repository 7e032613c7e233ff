import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createTestTrust, packAndSign, type TestTrust } from "@archnest/sdk/testing";
import type { Page } from "playwright-core";
import { StaticEntitlements } from "../plugins/entitlements.js";
import { serveHost, serverUrl } from "../server/index.js";
import { screenshot } from "./browser.js";
import { type RunningRegistry, runRegistry } from "./registry.js";
import { type StartSshdOptions, startSshd, type TestSshd } from "./sshd.js";
import { bootTestHost, type SignedIn, setupAdmin, type TestHost } from "./test-host.js";

/** One plugin folder to install: built already (`npm run build`) or by the harness's `build`, packed and signed here. */
export interface PluginUnderTest {
  dir: string;
  /** The manifest's id; read from the folder's package.json when left out. */
  id?: string;
  /** Permissions the admin accepts at install. */
  permissions?: readonly string[];
}

export interface PluginHostOptions {
  plugins: readonly PluginUnderTest[];
  /** Serve the built web app too (browser tests). */
  web?: boolean;
  /** Modules the install is licensed for. */
  licensed?: readonly string[];
  /** Start a real sshd (with these options, when given) and register it as an SSH host named "test-sshd". */
  sshd?: boolean | StartSshdOptions;
  /** Builds a plugin folder before packing (for a test run alone, without `npm run build` first). */
  build?: (dir: string) => Promise<unknown>;
  /** The trust to sign with and trust (a fresh one by default); pass the registry's to install from it. */
  trust?: TestTrust;
  /** A registry (e.g. host/test/registry-harness.ts): installs and updates come from it, licenses too. */
  registryUrl?: string;
  /**
   * Start a real registry (with the development checkout) on the same trust, publish every plugin to it
   * (with its first-party dependencies) so the store sells it, and take licenses from it: a paid plugin
   * installs locked, and {@link PluginHost.buy} unlocks it as a purchase does.
   */
  registry?: boolean;
  /** Host environment variables (ARCHNEST_*) beside the test defaults. */
  env?: Record<string, string>;
  /**
   * Install the plugins as core plugins at the host's first boot (signed tarballs in its core plugins
   * folder), as a release ships them, instead of through the plugin API after it.
   */
  core?: boolean;
  /**
   * What is installed before the test starts: `"all"` (default) every plugin and its first-party
   * dependencies; `"free"` only those of the free core, so a paid plugin waits in the registry (with
   * `registry: true`) until the store installs it after a purchase, as a person meets it.
   */
  install?: "all" | "free";
}

/** A running host with plugins installed, as a person meets it: real HTTP on a loopback port. */
export interface PluginHost {
  url: string;
  t: TestHost;
  admin: SignedIn;
  trust: TestTrust;
  entitlements: StaticEntitlements;
  sshd: TestSshd | undefined;
  /** The id of the registered SSH host, when `sshd` was asked for. */
  hostId: string | undefined;
  /** Calls `/api/plugins/<pluginId><path>` over real HTTP with the admin's session and CSRF token. */
  api(pluginId: string, path: string, init?: RequestInit): Promise<Response>;
  /** Calls any host path (`/api/hosts`) over real HTTP as the admin; `json` is sent as a JSON body. */
  request(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  /** The registry started with `registry: true`. */
  registry: RunningRegistry | undefined;
  /**
   * Buys a module or bundle as the admin does in the Module Store, over HTTP: the host's checkout, the
   * registry's development checkout paid, then the license checked again ("Check now"). Plugins locked
   * for want of it come back live. Needs `registry: true`.
   */
  buy(slug: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * Registers an sshd as an SSH host through the host's API and returns its id: signed in as `sshd.user` with
 * the key, or with `auth: "password"` as the sshd's password user (started with `passwordUser: true`). Its
 * host key is then trusted as a person does it: the first connection test answers HOST_ERR_HOST_KEY_UNTRUSTED
 * with the presented fingerprint, which is compared with the sshd's own key before it is accepted.
 */
export async function addSshHost(t: TestHost, admin: SignedIn, sshd: TestSshd, name = "test-sshd", auth: "key" | "password" = "key"): Promise<string> {
  if (auth === "password" && sshd.passwordUser === undefined) throw new Error("this sshd has no password user: start it with passwordUser: true");
  const credentials =
    auth === "key"
      ? { user: sshd.user, authMethod: "key", privateKey: sshd.privateKey }
      : { user: sshd.passwordUser, authMethod: "password", password: sshd.password };
  const res = await t.host.app.request("/api/hosts", {
    method: "POST",
    headers: { ...admin.headers, "content-type": "application/json" },
    body: JSON.stringify({ name, address: sshd.host, port: sshd.port, ...credentials }),
  });
  if (res.status !== 201) throw new Error(`adding the SSH host answered ${res.status}: ${await res.text()}`);
  // The API answers the host view itself.
  const { id } = (await res.json()) as { id?: string };
  if (!id) throw new Error("the SSH host API answered without an id");
  await trustHostKey(t, admin, id, sshd.hostKeyFingerprint);
  return id;
}

/**
 * Trusts an SSH host's key through the API after checking that the server presented `expected` (what
 * `ssh-keygen -lf` prints on the server): a test connection reports the presented key, then it is accepted.
 */
export async function trustHostKey(t: TestHost, admin: SignedIn, hostId: string, expected: string): Promise<void> {
  const call = (path: string, body?: unknown) =>
    t.host.app.request(`/api/hosts/${encodeURIComponent(hostId)}${path}`, {
      method: "POST",
      headers: { ...admin.headers, ...(body !== undefined && { "content-type": "application/json" }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
  const first = await call("/test");
  const answer = (await first.json()) as { error?: string; details?: string[] };
  if (first.status !== 409 || answer.error !== "HOST_ERR_HOST_KEY_UNTRUSTED")
    throw new Error(`the first connection test answered ${first.status} ${JSON.stringify(answer)}, not HOST_ERR_HOST_KEY_UNTRUSTED`);
  const presented = answer.details?.find((d) => d.startsWith("presented: "))?.slice("presented: ".length);
  if (presented !== expected) throw new Error(`the server presented ${presented ?? "no key"}, not the sshd's ${expected}`);
  const accepted = await call("/accept-host-key", { fingerprint: presented });
  if (accepted.status !== 200) throw new Error(`trusting the host key answered ${accepted.status}: ${await accepted.text()}`);
}

interface ManifestOf {
  archnest: { id: string; module?: string; permissions?: string[]; dependencies?: Record<string, string> };
}

function manifestOf(dir: string): ManifestOf | undefined {
  const file = join(dir, "package.json");
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as ManifestOf) : undefined;
}

/**
 * The plugins to install, each preceded by the plugins it declares as dependencies that sit beside it as
 * first-party folders (plugins/<id>) and are not in the list already, as an admin installs what a plugin
 * needs first. A dependency found nowhere is left to the host, which refuses the install with its code.
 */
function withFirstPartyDependencies(given: readonly PluginUnderTest[]): (PluginUnderTest & { id: string })[] {
  const plugins = given.map((p) => ({ ...p, id: p.id ?? manifestOf(p.dir)?.archnest.id ?? p.dir }));
  const out: (PluginUnderTest & { id: string })[] = [];
  const listed = new Map(plugins.map((p) => [p.id, p]));
  const done = new Set<string>();
  const add = (p: PluginUnderTest & { id: string }) => {
    if (done.has(p.id)) return;
    done.add(p.id);
    for (const dep of Object.keys(manifestOf(p.dir)?.archnest.dependencies ?? {})) {
      const given = listed.get(dep);
      if (given) {
        add(given);
        continue;
      }
      const depDir = join(dirname(p.dir.replace(/\/+$/, "")), dep);
      const manifest = manifestOf(depDir);
      if (manifest?.archnest.id === dep) add({ dir: depDir, id: dep, permissions: manifest.archnest.permissions ?? [] });
    }
    out.push(p);
  };
  for (const p of plugins) add(p);
  return out;
}

/** Modification times of the files under `dir`, recursively (none when it does not exist). */
function mtimes(dir: string): number[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile())
    .map((e) => statSync(join(e.parentPath, e.name)).mtimeMs);
}

/**
 * True when the folder's dist/ is newer than its sources and manifest, as `npm test` leaves it after its
 * build: the test files of a plugin family then share one build instead of each rebuilding every plugin.
 * Only the folder's own files are compared; after editing a plugin it imports code from, build both.
 */
function upToDate(dir: string): boolean {
  const outputs = mtimes(join(dir, "dist"));
  if (outputs.length === 0) return false;
  const inputs = [
    ...mtimes(join(dir, "src")),
    ...["package.json", "tsconfig.json"].filter((f) => existsSync(join(dir, f))).map((f) => statSync(join(dir, f)).mtimeMs),
  ];
  return Math.max(...inputs) < Math.min(...outputs);
}

/**
 * Runs `build` on a plugin folder while no other test process builds the same folder: test files run in
 * parallel processes, and two builds writing one dist/ at once leave it half written. A folder whose
 * dist/ is newer than its sources is left as it is.
 */
async function buildLocked(dir: string, build: (dir: string) => Promise<unknown>): Promise<void> {
  const lock = join(tmpdir(), `archnest-build-${createHash("sha256").update(dir).digest("hex").slice(0, 16)}.lock`);
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock older than any build is left by a killed process.
      if (Date.now() > until) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    if (!upToDate(dir)) await build(dir);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Installs plugin folders through the plugin API as an admin does (packed and signed with `trust`, their
 * permissions accepted), each after the first-party plugins it depends on.
 *
 * @example
 * ```ts
 * await installPlugins(t, admin, trust, [{ dir: PLUGIN_DIR, id: "files", permissions: ["hosts:read", "ssh:sftp"] }]);
 * ```
 */
export async function installPlugins(
  t: TestHost,
  admin: SignedIn,
  trust: TestTrust,
  plugins: readonly PluginUnderTest[],
  build?: (dir: string) => Promise<unknown>,
): Promise<void> {
  // A dependency the host has already (the terminal under a second terminal module) is not installed again.
  const listed = await t.host.app.request("/api/plugins", { headers: admin.headers });
  const installed = new Set(listed.ok ? ((await listed.json()) as { id: string }[]).map((p) => p.id) : []);
  const given = new Set(plugins.map((p) => p.dir));
  for (const p of withFirstPartyDependencies(plugins)) {
    if (!given.has(p.dir) && installed.has(p.id)) continue;
    if (build) await buildLocked(p.dir, build);
    const tarball = await packAndSign(p.dir, trust.release);
    const query = p.permissions && p.permissions.length > 0 ? `?acceptPermissions=${p.permissions.join(",")}` : "";
    const res = await t.host.app.request(`/api/plugins/install${query}`, {
      method: "POST",
      headers: { ...admin.headers, "content-type": "application/gzip" },
      body: readFileSync(tarball),
    });
    if (res.status !== 201) throw new Error(`installing ${p.id} answered ${res.status}: ${await res.text()}`);
  }
}

/** Builds, packs and signs each plugin (and its first-party dependencies) into a fresh core plugins folder. */
async function packCorePlugins(plugins: readonly PluginUnderTest[], trust: TestTrust, build?: (dir: string) => Promise<unknown>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "archnest-core-"));
  try {
    for (const p of withFirstPartyDependencies(plugins)) {
      if (build) await buildLocked(p.dir, build);
      await packAndSign(p.dir, trust.release, join(dir, `${p.id}.tgz`));
    }
    return dir;
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}

/** The throwaway release key's scopes: the first-party and test scopes, and each plugin's own (an outside author's `@me`). */
function signingScopes(plugins: readonly PluginUnderTest[]): string[] {
  const scopes = new Set(["@archnest/*", "@test/*", "@acme/*"]);
  for (const p of plugins) {
    const name = (JSON.parse(readFileSync(join(p.dir, "package.json"), "utf8")) as { name?: string }).name ?? "";
    if (name.startsWith("@") && name.includes("/")) scopes.add(`${name.slice(0, name.indexOf("/"))}/*`);
  }
  return [...scopes];
}

/**
 * Starts the real host (auth, plugin runtime, SSH service; the web app when asked) on 127.0.0.1, signs
 * in the admin, installs each plugin through the plugin API exactly as an admin would (packed and signed
 * with a throwaway trust), and optionally registers a real sshd as an SSH host.
 *
 * @example
 * ```ts
 * const h = await startPluginHost({ plugins: [{ dir: PLUGIN_DIR, id: "files", permissions: ["hosts:read", "ssh:sftp"] }], sshd: true });
 * const res = await h.api("files", `/list?host=${h.hostId}&path=/`);
 * ```
 */
export async function startPluginHost(opts: PluginHostOptions): Promise<PluginHost> {
  const trust = opts.trust ?? createTestTrust({ scopes: signingScopes(opts.plugins) });
  const entitlements = new StaticEntitlements([...(opts.licensed ?? [])]);
  const registry = opts.registry ? await startRegistryWith(opts.plugins, trust, opts.build) : undefined;
  const registryUrl = registry?.url ?? opts.registryUrl;
  const coreDir = opts.core
    ? await packCorePlugins(opts.plugins, trust, opts.build).catch(async (err) => {
        await registry?.cleanup();
        throw err;
      })
    : undefined;
  // Assembled by the same composition root as production; only the trust, the license source, the core
  // plugins and the setup time box differ.
  const { t, plugins: attached } = await bootTestHost({
    web: opts.web ? "required" : "off",
    plugins: {
      trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }],
      ...(coreDir && { corePluginsDir: coreDir }),
      // With a registry the license client decides what is licensed, as in production.
      ...(registryUrl ? { registryUrl } : { entitlements }),
      setupTimeoutMs: 5000,
    },
    ...(opts.env && { env: opts.env }),
  });
  const server: Server = serveHost(t.host, { port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  attached.ws.attach(server);
  const admin = await setupAdmin(t.host);
  const sshd = opts.sshd ? await startSshd(opts.sshd === true ? {} : opts.sshd) : undefined;
  const close = async () => {
    // Upgraded sockets are no longer the http server's: end them, or close() waits on a test's open socket.
    attached.ws.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await t.cleanup();
    await sshd?.cleanup();
    await registry?.cleanup();
    if (coreDir) rmSync(coreDir, { recursive: true, force: true });
  };
  try {
    if (!coreDir) {
      const wanted =
        opts.install === "free" ? withFirstPartyDependencies(opts.plugins).filter((p) => manifestOf(p.dir)?.archnest.module === "free") : opts.plugins;
      await installPlugins(t, admin, trust, wanted, opts.build);
    }
    const hostId = sshd ? await addSshHost(t, admin, sshd) : undefined;
    const url = serverUrl(server);
    const request: PluginHost["request"] = (path, { json, headers, ...init } = {}) =>
      fetch(`${url}${path}`, {
        ...init,
        headers: { ...admin.headers, ...(json !== undefined && { "content-type": "application/json" }), ...(headers as Record<string, string>) },
        ...(json !== undefined && { body: JSON.stringify(json) }),
      });
    const buy = async (slug: string) => {
      if (!registry) throw new Error("buy needs a registry: start the host with registry: true");
      const checkout = await request("/api/catalog/checkout", { method: "POST", json: { slug } });
      const body = (await checkout.json()) as { url?: string };
      if (checkout.status !== 200 || !body.url) throw new Error(`checkout of ${slug} answered ${checkout.status}: ${JSON.stringify(body)}`);
      const paid = await fetch(`${body.url}/pay`, { method: "POST", redirect: "manual" });
      if (paid.status !== 303) throw new Error(`paying the development checkout answered ${paid.status}`);
      const refreshed = await request("/api/license/refresh", { method: "POST" });
      if (refreshed.status !== 200) throw new Error(`the license check answered ${refreshed.status}: ${await refreshed.text()}`);
      await attached.runtime.settled();
    };
    return {
      url,
      t,
      admin,
      trust,
      entitlements,
      sshd,
      hostId,
      api: (pluginId, path, init) => request(`/api/plugins/${pluginId}${path}`, init),
      request,
      registry,
      buy,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** A registry on `trust` with every plugin (and its first-party dependencies) built, signed and published. */
async function startRegistryWith(plugins: readonly PluginUnderTest[], trust: TestTrust, build?: (dir: string) => Promise<unknown>): Promise<RunningRegistry> {
  const registry = await runRegistry(trust);
  const dir = mkdtempSync(join(tmpdir(), "archnest-publish-"));
  try {
    for (const p of withFirstPartyDependencies(plugins)) {
      if (build) await buildLocked(p.dir, build);
      await registry.publish(await packAndSign(p.dir, trust.release, join(dir, `${p.id}.tgz`)));
    }
    return registry;
  } catch (err) {
    await registry.cleanup();
    throw err;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A plugin folder's id and the permissions its package.json declares, as an admin accepts them at install. */
function pluginOf(folder: URL): { id: string; permissions: string[] } {
  const manifest = JSON.parse(readFileSync(new URL("package.json", folder), "utf8")) as { archnest: { id: string; permissions?: string[] } };
  return { id: manifest.archnest.id, permissions: manifest.archnest.permissions ?? [] };
}

/** One plugin folder's host, as {@link pluginHarness} starts it: a real sshd is always registered. */
export interface FolderPluginHost extends Omit<PluginHost, "api" | "sshd" | "hostId"> {
  sshd: TestSshd;
  /** The sshd as an SSH host signed in as `sshd.user` (root in CI) with the key. */
  hostId: string;
  /**
   * With `passwordUser: true`: the same sshd as a second SSH host, signed in with a password as a non-root
   * user (uid 65534), for whom the machine's file permissions apply.
   */
  userHostId: string | undefined;
  /** Calls this plugin's routes over real HTTP with the admin's session. */
  api(path: string, init?: RequestInit): Promise<Response>;
  /**
   * Builds, packs, signs and installs another plugin folder (a test fixture that contributes to this
   * plugin's slots, say), with the permissions its package.json declares.
   */
  install(folder: URL): Promise<void>;
}

/**
 * The test harness of one plugin folder: reads the plugin's id and permissions from its package.json (as an
 * admin accepts them at install), builds it once per test file with `build`, and saves screenshots in its
 * `test-artifacts` folder.
 *
 * @example
 * ```ts
 * export const { PLUGIN_DIR, startPluginHost, shot } = pluginHarness(new URL("..", import.meta.url), (dir) => buildPlugin(dir, { quiet: true }));
 * ```
 */
export function pluginHarness(folder: URL, build: (dir: string) => Promise<unknown>) {
  const dir = fileURLToPath(folder);
  const { id, permissions } = pluginOf(folder);
  const artifacts = fileURLToPath(new URL("test-artifacts/", folder));
  // Once per folder: the plugin's first-party dependencies are built through the same function, first.
  const built = new Map<string, Promise<unknown>>();
  return {
    PLUGIN_DIR: dir,
    /** Saves a screenshot of the page into this plugin's test-artifacts folder. */
    shot: (page: Page, name: string) => screenshot(page, artifacts, name),
    async startPluginHost(
      opts: { web?: boolean; licensed?: string[]; passwordUser?: boolean; registry?: boolean; sshd?: StartSshdOptions } = {},
    ): Promise<FolderPluginHost> {
      const h = await startPluginHost({
        plugins: [{ dir, id, permissions }],
        sshd: { ...opts.sshd, ...(opts.passwordUser && { passwordUser: true }) },
        build: (d) => {
          const done = built.get(d) ?? build(d);
          built.set(d, done);
          return done;
        },
        ...(opts.web !== undefined && { web: opts.web }),
        ...(opts.licensed !== undefined && { licensed: opts.licensed }),
        ...(opts.registry !== undefined && { registry: opts.registry }),
      });
      const sshd = h.sshd as TestSshd;
      try {
        const userHostId = opts.passwordUser ? await addSshHost(h.t, h.admin, sshd, "test-sshd-user", "password") : undefined;
        return {
          ...h,
          sshd,
          hostId: h.hostId as string,
          userHostId,
          api: (path, init) => h.api(id, path, init),
          install: (other) => installPlugins(h.t, h.admin, h.trust, [{ dir: fileURLToPath(other), ...pluginOf(other) }], build),
        };
      } catch (err) {
        await h.close();
        throw err;
      }
    },
  };
}
