import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { launchChromium, signedInContext } from "./browser.js";
import { type PluginHost, startPluginHost } from "./plugin-host.js";
import { buyInStore } from "./store.js";

/** A first-party plugin folder as its manifest describes it. */
export interface FirstPartyPlugin {
  dir: string;
  id: string;
  module: string;
  permissions: string[];
}

/** Every plugin folder under `pluginsDir` (one level deep), read from its package.json. */
export function firstPartyPlugins(pluginsDir: string): FirstPartyPlugin[] {
  return readdirSync(pluginsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      try {
        const m = JSON.parse(readFileSync(join(pluginsDir, d.name, "package.json"), "utf8")) as {
          archnest: { id: string; module: string; permissions?: string[] };
        };
        return [{ dir: join(pluginsDir, d.name), id: m.archnest.id, module: m.archnest.module, permissions: m.archnest.permissions ?? [] }];
      } catch {
        return [];
      }
    });
}

/** What buying a bundle did, for the test to check. */
export interface BundlePurchase {
  /** The bundle's modules as the registry's catalog lists them. */
  catalogModules: string[];
  /** The first-party plugins of those modules (found by their manifests). */
  paid: FirstPartyPlugin[];
  /** Plugin states by id before and after the purchase (absent: not installed). */
  before: Map<string, string>;
  after: Map<string, string>;
  /** The registry's answer to installing one of them before the purchase (402 expected). */
  refusedStatus: number;
  licensedBefore: string[];
  licensedAfter: string[];
}

/**
 * A bundle as it is sold: the first-party plugins of its modules are published to a real registry and wait
 * there, not installed; the admin buys the bundle once in the Module Store (chromium, the registry's
 * development checkout), and the store installs each from the catalog. The plugins are found by their
 * manifests, so a module of the bundle that gains a plugin is covered without editing the test.
 */
export async function buyBundleInStore(opts: {
  slug: string;
  modules: readonly string[];
  pluginsDir: string;
  build: (dir: string) => Promise<unknown>;
}): Promise<BundlePurchase> {
  const paid = firstPartyPlugins(opts.pluginsDir).filter((p) => opts.modules.includes(p.module));
  const h: PluginHost = await startPluginHost({
    plugins: paid.map(({ dir, id, permissions }) => ({ dir, id, permissions })),
    registry: true,
    install: "free",
    web: true,
    build: opts.build,
  });
  try {
    const catalog = (await (await fetch(`${h.registry?.url}/v1/catalog`)).json()) as { bundles: { slug: string; modules: string[] }[] };
    const catalogModules = catalog.bundles.find((b) => b.slug === opts.slug)?.modules ?? [];
    const plugins = async () => new Map(((await (await h.request("/api/plugins")).json()) as { id: string; state: string }[]).map((p) => [p.id, p.state]));
    const licensed = async () => ((await (await h.request("/api/license")).json()) as { modules: string[] }).modules;
    const before = await plugins();
    const licensedBefore = await licensed();
    const refusedStatus = (await h.request("/api/plugins/install", { method: "POST", json: { name: `@archnest/${paid[0]?.id}` } })).status;
    const browser = await launchChromium();
    try {
      const context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      await buyInStore(page, h.url, opts.slug, { modules: [...opts.modules], installs: paid.map((p) => p.id), timeoutMs: 60_000 });
    } finally {
      await browser.close();
    }
    return { catalogModules, paid, before, after: await plugins(), refusedStatus, licensedBefore, licensedAfter: await licensed() };
  } finally {
    await h.close();
  }
}
