import { join } from "node:path";
import type { Host } from "../app.js";
import type { Entitlements } from "./entitlements.js";
import { PluginRepo } from "./plugin-repo.js";
import { pluginApi, type RegistryInstaller } from "./routes.js";
import { type FaultPoint, PluginRuntime } from "./runtime.js";
import { type TrustAnchor, TrustStore } from "./trust-store.js";
import { UiEvents } from "./ui-events.js";
import { createWsGateway } from "./ws-gateway.js";

export interface AttachPluginsOptions {
  trust: readonly TrustAnchor[];
  entitlements: Entitlements;
  corePluginsDir?: string;
  setupTimeoutMs?: number;
  faultAt?: FaultPoint;
  registryInstall?: RegistryInstaller;
  /** Where the web app's Module Store is, for 402 bodies. */
  purchaseBase?: string;
}

/**
 * Adds the plugin runtime to a built host: mounts the plugin and UI routes under /api (behind the
 * session guard), starts the runtime, and stops it when the host closes.
 */
export async function attachPlugins(host: Host, opts: AttachPluginsOptions) {
  const repo = new PluginRepo(host.db);
  const runtime: PluginRuntime = new PluginRuntime({
    db: host.db,
    vault: host.vault,
    log: host.log.child({ component: "plugins" }),
    dataDir: host.config.dataDir,
    trust: new TrustStore(opts.trust, {
      get: async (rootId) => {
        const v = await repo.getMeta(`keyring.version.${rootId}`);
        return v === undefined ? undefined : Number(v);
      },
      set: (rootId, version) => repo.setMeta(`keyring.version.${rootId}`, String(version)),
    }),
    entitlements: opts.entitlements,
    purchaseBase: opts.purchaseBase ?? "/settings/store",
    ...(opts.corePluginsDir !== undefined && { corePluginsDir: opts.corePluginsDir }),
    ...(opts.setupTimeoutMs !== undefined && { setupTimeoutMs: opts.setupTimeoutMs }),
    ...(opts.faultAt !== undefined && { faultAt: opts.faultAt }),
  });
  const events = new UiEvents();
  host.app.route("/api", pluginApi({ runtime, events, ...(opts.registryInstall && { registryInstall: opts.registryInstall }) }));
  const ws = createWsGateway({
    runtime,
    authenticate: (req) => host.authenticateUpgrade({ cookie: req.headers.cookie, origin: req.headers.origin, host: req.headers.host }),
  });
  host.onClose(async () => {
    ws.close();
    await runtime.stop();
  });
  await runtime.start();
  return { runtime, events, ws, pluginsDir: join(host.config.dataDir, "plugins") };
}
