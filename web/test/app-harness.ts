/**
 * The host as the browser tests meet it: the real host (auth, plugin runtime, UI manifest and events)
 * on a loopback port, serving the built web app, trusting a throwaway keyring, with a signed test plugin
 * whose web entry is built by @archnest/sdk/vite exactly as a third party would build it.
 */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestTrust, packAndSign } from "@archnest/sdk/testing";
import { pluginWebConfig } from "@archnest/sdk/vite";
import { build } from "vite";
import { attachPlugins } from "../../host/src/plugins/attach.js";
import { StaticEntitlements } from "../../host/src/plugins/entitlements.js";
import { serveHost, serverUrl } from "../../host/src/server/index.js";
import { createTestHost, type TestHost } from "../../host/src/testing/index.js";
import { loadWebApp } from "../server/index.js";

export interface RunningApp {
  url: string;
  t: TestHost;
  entitlements: StaticEntitlements;
  close(): Promise<void>;
}

export async function startApp(): Promise<RunningApp> {
  const web = loadWebApp();
  const trust = createTestTrust();
  const t = await createTestHost({ cspScriptHashes: web.cspScriptHashes });
  const entitlements = new StaticEntitlements([]);
  await attachPlugins(t.host, { trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }], entitlements, setupTimeoutMs: 5000 });
  t.host.app.get("*", async (c, next) => web.handle(c.req.raw) ?? next());
  const server: Server = serveHost(t.host, { port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  widgetPluginTrust = trust;
  return {
    url: serverUrl(server),
    t,
    entitlements,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await t.cleanup();
    },
  };
}

let widgetPluginTrust: ReturnType<typeof createTestTrust> | undefined;

/** Builds the test plugin's web entry with @archnest/sdk/vite, packs and signs it; returns the tarball. */
export async function buildWidgetPlugin(): Promise<{ tarball: string; cleanup: () => void }> {
  if (!widgetPluginTrust) throw new Error("start the app first: the plugin is signed with its test keyring");
  const dir = mkdtempSync(join(tmpdir(), "archnest-widget-plugin-"));
  const src = new URL("./fixtures/widget-plugin/", import.meta.url).pathname;
  cpSync(src, dir, { recursive: true });
  const config = await pluginWebConfig({ root: dir, entry: "src/web/index.tsx", outDir: "dist/web" });
  await build({ ...config, configFile: false });
  rmSync(join(dir, "src"), { recursive: true, force: true });
  const tarball = await packAndSign(dir, widgetPluginTrust.release, join(dir, "..", `${dir.split("/").pop()}.tgz`));
  return { tarball, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
