/**
 * A real ArchNest for plugin tests and benchmarks: the host (auth, plugin runtime, license gate) on a
 * loopback port, serving the built web app, with the given first-party plugins built by
 * `archnest-plugin build`, packed and signed with a throwaway keyring, and installed as core plugins at
 * first boot, exactly as a release installs them.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmdirSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { attachPlugins, StaticEntitlements, serveHost, serverUrl } from "@archnest/host";
import { createTestHost, type SignedIn, setupAdmin, type TestHost } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";
import { createTestTrust, packAndSign } from "@archnest/sdk/testing";
import { loadWebApp } from "@archnest/web/serve";

export const PLUGINS_DIR = new URL("../../", import.meta.url).pathname;
export const ADMIN_PASSWORD = "correct horse battery";

export interface RunningArchNest {
  url: string;
  t: TestHost;
  entitlements: StaticEntitlements;
  admin: SignedIn;
  /** An authenticated request as the admin (JSON body when `json` is given). */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<Response>;
  close(): Promise<void>;
}

// Two test files may build the same plugin at once: a lock folder keeps their builds apart.
async function withBuildLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const lock = join(tmpdir(), `archnest-build-${name}.lock`);
  const until = Date.now() + 120_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      if (Date.now() > until) rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    return await fn();
  } finally {
    rmdirSync(lock);
  }
}

/**
 * Boots ArchNest with the given plugins (folder names under plugins/, or absolute paths of plugin
 * folders) as signed core plugins; signs in the admin.
 */
export async function startArchNest(opts: { plugins: string[]; modules?: string[] }): Promise<RunningArchNest> {
  const web = loadWebApp();
  const trust = createTestTrust();
  const coreDir = mkdtempSync(join(tmpdir(), "archnest-core-"));
  for (const name of opts.plugins) {
    const dir = name.startsWith("/") ? name : join(PLUGINS_DIR, name);
    const id = (JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { archnest: { id: string } }).archnest.id;
    await withBuildLock(basename(dir), async () => {
      await buildPlugin(dir, { quiet: true });
      await packAndSign(dir, trust.release, join(coreDir, `${id}.tgz`));
    });
  }
  const t = await createTestHost({ cspScriptHashes: web.cspScriptHashes });
  const entitlements = new StaticEntitlements(opts.modules ?? []);
  await attachPlugins(t.host, {
    trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }],
    entitlements,
    corePluginsDir: coreDir,
    setupTimeoutMs: 10_000,
  });
  t.host.app.get("*", async (c, next) => web.handle(c.req.raw) ?? next());
  const server: Server = serveHost(t.host, { port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  const url = serverUrl(server);
  const admin = await setupAdmin(t.host, "admin", ADMIN_PASSWORD);
  return {
    url,
    t,
    entitlements,
    admin,
    api(path, init = {}) {
      const { json, headers, ...rest } = init;
      return fetch(`${url}${path}`, {
        ...rest,
        headers: { ...admin.headers, ...(json !== undefined && { "content-type": "application/json" }), ...(headers as Record<string, string>) },
        ...(json !== undefined && { body: JSON.stringify(json) }),
      });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.cleanup();
      rmSync(coreDir, { recursive: true, force: true });
    },
  };
}
