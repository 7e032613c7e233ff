import { join } from "node:path";
import type { Host } from "../app.js";
import { CatalogOffers, HostGate, NO_CATALOG } from "../gate/index.js";
import { LicenseClient, licenseApi, RegistryClient, registryInstaller } from "../license/index.js";
import { attachSsh } from "../ssh/index.js";
import { type Entitlements, FileEntitlements } from "./entitlements.js";
import { PluginRepo } from "./plugin-repo.js";
import { pluginApi } from "./routes.js";
import { type FaultPoint, PluginRuntime } from "./runtime.js";
import { trustRoutes } from "./trust-routes.js";
import { type TrustAnchor, TrustStore } from "./trust-store.js";
import { TrustedPublishers } from "./trusted-publishers.js";
import { UiEvents } from "./ui-events.js";
import { createWsGateway } from "./ws-gateway.js";

/** How long boot waits for the first license refresh before starting on the stored license. */
const BOOT_REFRESH_WAIT_MS = 3000;

export interface AttachPluginsOptions {
  trust: readonly TrustAnchor[];
  /** The registry; with it the license client decides entitlements and installs come from the catalog. */
  registryUrl?: string;
  /** Entitlements when no registry is configured (a file in the data folder by default). */
  entitlements?: Entitlements;
  corePluginsDir?: string;
  setupTimeoutMs?: number;
  /** Older versions of each plugin kept for rollback; ARCHNEST_PLUGIN_KEEP_VERSIONS by default. */
  keepVersions?: number;
  faultAt?: FaultPoint;
  /** Where the web app's Module Store is, for 402 bodies. */
  purchaseBase?: string;
  /** The clock (tests move it to walk a license through its grace period). */
  now?: () => Date;
  /** SSH connection timings (tests shorten them). */
  ssh?: { readyTimeoutMs?: number; keepaliveIntervalMs?: number };
}

/**
 * Adds the plugin runtime (and, with a registry, the license client) to a built host: mounts the plugin,
 * UI, license and catalog routes under /api behind the session guard, starts everything, and stops it
 * when the host closes. Call before the host serves its first request.
 */
export async function attachPlugins(host: Host, opts: AttachPluginsOptions) {
  const repo = new PluginRepo(host.db);
  const log = host.log.child({ component: "plugins" });
  const trust = new TrustStore(
    opts.trust,
    {
      get: async (rootId) => {
        const v = await repo.getMeta(`keyring.version.${rootId}`);
        return v === undefined ? undefined : Number(v);
      },
      set: (rootId, version) => repo.setMeta(`keyring.version.${rootId}`, String(version)),
    },
    opts.now,
    () => publishers.anchors(),
    (p, reason) => log.warn("trusted publisher skipped: its keyring does not verify", { publisher: p.fingerprint, reason }),
  );
  const registry = opts.registryUrl
    ? new RegistryClient(
        opts.registryUrl,
        {
          getMeta: (k) => repo.getMeta(k),
          setMeta: (k, v) => repo.setMeta(k, v),
          sealSecret: (field, value) => host.vault.seal("install", field, value),
          openSecret: (field) => host.vault.open("install", field),
        },
        opts.now,
      )
    : undefined;
  // Declared before the runtime it re-checks; `runtime` is assigned below, before any request can arrive.
  const publishers: TrustedPublishers = new TrustedPublishers(host.db, trust, () => runtime.applyTrust(), registry, opts.now);
  const license = registry
    ? new LicenseClient({
        registry,
        store: { getMeta: (k) => repo.getMeta(k), setMeta: (k, v) => repo.setMeta(k, v) },
        keyring: () => trust.keyring(),
        log: log.child({ component: "license" }),
        ...(opts.now && { now: opts.now }),
      })
    : undefined;
  let entitlements: Entitlements | undefined = license ?? opts.entitlements;
  let stopWatching: (() => void) | undefined;
  if (!entitlements) {
    // Without a registry, entitlements come from a file in the data folder, re-read when it changes.
    const fromFile = FileEntitlements.inDataDir(host.config.dataDir);
    stopWatching = fromFile.watch();
    entitlements = fromFile;
  }
  // Prices come from the registry's catalog alone; without a registry a 402 names no price.
  const offers = registry ? new CatalogOffers(() => registry.get("/v1/catalog")) : undefined;
  const gate = new HostGate(entitlements, offers ?? NO_CATALOG, opts.purchaseBase ?? "/settings/store");
  // Registered before the runtime's close hook, so it runs after plugins are unloaded (hooks run last first).
  const ssh = attachSsh(host, { limits: gate.scoped().limits, ...opts.ssh });

  const runtime: PluginRuntime = new PluginRuntime({
    db: host.db,
    vault: host.vault,
    log,
    dataDir: host.config.dataDir,
    tmpDir: host.tmpDir,
    trust,
    entitlements,
    gate,
    ssh: ssh.service,
    ...(license && { revocations: license }),
    explainUnknownKey: (keyid) => publishers.explainUnknownKey(keyid),
    ...(opts.corePluginsDir !== undefined && { corePluginsDir: opts.corePluginsDir }),
    ...(opts.setupTimeoutMs !== undefined && { setupTimeoutMs: opts.setupTimeoutMs }),
    keepVersions: opts.keepVersions ?? host.config.pluginKeepVersions,
    ...(opts.faultAt !== undefined && { faultAt: opts.faultAt }),
    ...(opts.now !== undefined && { now: opts.now }),
  });
  const events = new UiEvents();
  const registryInstall = registry ? registryInstaller(registry, runtime, (name, version) => license?.revokedReason(name, version)) : undefined;
  host.app.route("/api", trustRoutes(publishers));
  host.app.route(
    "/api",
    pluginApi({
      runtime,
      events,
      bodyLimits: host.bodyLimits,
      tmpDir: host.tmpDir,
      maxUploadBytes: host.config.maxUploadBytes,
      ...(registryInstall && { registryInstall }),
    }),
  );
  if (license && registry) {
    host.app.route("/api", licenseApi({ license, registry, runtime, events, ...(offers && { offers }) }));
    license.onRevocations(() => void runtime.applyRevocations());
  }
  const ws = createWsGateway({
    runtime,
    authenticate: (req) => host.authenticateUpgrade({ cookie: req.headers.cookie, origin: req.headers.origin, host: req.headers.host }),
    hostAllowed: (req) => host.hostAllowed({ host: req.headers.host, forwardedHost: req.headers["x-forwarded-host"] as string | undefined }),
  });
  host.onClose(async () => {
    ws.close();
    license?.stop();
    stopWatching?.();
    await runtime.stop();
  });
  if (license) {
    await license.load();
    // The first refresh registers the install; an unreachable or slow registry must not hold the boot:
    // after a few seconds the host starts on its stored license and the refresh finishes in the background.
    const refreshed = Promise.all([license.refresh(), offers?.refresh()]);
    await Promise.race([refreshed, new Promise((resolve) => setTimeout(resolve, BOOT_REFRESH_WAIT_MS).unref())]);
    license.start();
  }
  await runtime.start();
  await runtime.applyRevocations();
  return { runtime, events, ws, license, registry, ssh, publishers, gate, pluginsDir: join(host.config.dataDir, "plugins") };
}
