/**
 * The host as the browser tests meet it: booted with bootHost exactly as `npm start` boots it (kernel,
 * plugin runtime, license client, the built web app), on a loopback port, trusting a throwaway keyring,
 * optionally beside a real registry. Test plugins' web entries are built with @archnest/sdk/vite and
 * signed with the SDK, exactly as a third party would.
 */
import { randomBytes } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readSetupCode } from "@archnest/host/testing";
import { createTestTrust, packAndSign, type TestTrust } from "@archnest/sdk/testing";
import { pluginWebConfig } from "@archnest/sdk/vite";
import { build } from "vite";
import { bootHost } from "../../host/src/boot.js";
import { loadEnv } from "../../host/src/env.js";
import { createLogger } from "../../host/src/log/index.js";
import { serveHost, serverUrl } from "../../host/src/server/index.js";

/** What the store test needs of the host tests' registry harness (host/test/registry-harness.ts). */
interface RunningRegistry {
  url: string;
  publish(file: string): Promise<void>;
  /** Stops and restarts it on the same port: the registry down, as a host sees an outage. */
  stop(): Promise<void>;
  start(): Promise<void>;
  cleanup(): Promise<void>;
}

// Loaded by a computed path so this package's typecheck (DOM lib, for page.evaluate) does not re-check the
// registry's Node-only sources, which typecheck under their own configuration.
const REGISTRY_HARNESS = new URL("../../host/test/registry-harness.ts", import.meta.url).href;

async function runRegistry(trust: TestTrust, now: () => Date): Promise<RunningRegistry> {
  const harness = (await import(REGISTRY_HARNESS)) as { runRegistry: (trust: TestTrust, now: () => Date) => Promise<RunningRegistry> };
  return harness.runRegistry(trust, now);
}

export interface RunningApp {
  url: string;
  /** The first-run setup code the host wrote to its data folder (until the admin exists). */
  setupCode: string;
  trust: TestTrust;
  registry: RunningRegistry | undefined;
  close(): Promise<void>;
}

/**
 * Boots registry (optional) and host in a temp folder; `publish` tarballs go to the registry first.
 * `registryDown` stops the registry before the host boots, so the install never reaches it.
 * `corePlugins` names first-party plugins under plugins/ (as built by `npm run build`), packed, signed and
 * installed as core plugins at first boot, as a release ships them.
 */
export async function startApp(
  opts: { registry?: boolean; registryDown?: boolean; publish?: (trust: TestTrust) => Promise<string[]>; corePlugins?: readonly string[] } = {},
): Promise<RunningApp> {
  const dir = mkdtempSync(join(tmpdir(), "archnest-web-test-"));
  const trust = createTestTrust();
  const registry = opts.registry ? await runRegistry(trust, () => new Date()) : undefined;
  for (const file of (await opts.publish?.(trust)) ?? []) await registry?.publish(file);
  if (opts.registryDown) await registry?.stop();
  const files = trust.writeFiles(dir);
  mkdirSync(join(dir, "core-plugins"));
  for (const name of opts.corePlugins ?? []) {
    await packAndSign(new URL(`../../plugins/${name}/`, import.meta.url).pathname, trust.release, join(dir, "core-plugins", `${name}.tgz`));
  }
  const config = loadEnv({
    ARCHNEST_DATA_DIR: join(dir, "data"),
    ARCHNEST_MASTER_KEY: randomBytes(32).toString("base64"),
    ARCHNEST_TRUST_ROOT: files.rootPub,
    ARCHNEST_TRUST_KEYRING: files.keyring,
    ARCHNEST_CORE_PLUGINS_DIR: join(dir, "core-plugins"),
    XDG_CONFIG_HOME: join(dir, "config"),
    ...(registry && { ARCHNEST_REGISTRY_URL: registry.url }),
  });
  const { host, plugins } = await bootHost(config, { log: createLogger({ level: "error", write: () => {} }) });
  const server: Server = serveHost(host, { port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  plugins.ws.attach(server);
  return {
    url: serverUrl(server),
    setupCode: readSetupCode(config.dataDir),
    trust,
    registry,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await host.close();
      await registry?.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Builds a fixture plugin (web entry through @archnest/sdk/vite), packs and signs it; returns the tarball. */
/** Packs and signs a first-party plugin of plugins/ as built by `npm run build`, as the release does. */
export async function packFirstPartyPlugin(name: string, trust: TestTrust): Promise<string> {
  const dir = new URL(`../../plugins/${name}/`, import.meta.url).pathname;
  return packAndSign(dir, trust.release, join(mkdtempSync(join(tmpdir(), `archnest-${name}-`)), `${name}.tgz`));
}

export async function buildFixturePlugin(name: "widget-plugin" | "slot-owner" | "slot-contributor", trust: TestTrust): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), `archnest-${name}-`));
  cpSync(new URL(`./fixtures/${name}/`, import.meta.url).pathname, dir, { recursive: true });
  const config = await pluginWebConfig({ root: dir, entry: "src/web/index.tsx", outDir: "dist/web" });
  await build({ ...config, configFile: false });
  rmSync(join(dir, "src"), { recursive: true, force: true });
  return packAndSign(dir, trust.release, join(dir, "..", `${dir.split("/").pop()}.tgz`));
}
