/**
 * The SSH Pro bundle as it is sold: every first-party plugin of a module in the bundle is published to a
 * real registry and waits there, not installed; an admin buys the bundle once in the Module Store (chromium,
 * the registry's development checkout), and the store installs every one of them from the catalog and the
 * host starts them. The plugins are found by their manifests, so a module of the bundle that gains a plugin
 * is covered without editing this test.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { buyInStore, launchChromium, type PluginHost, signedInContext, startPluginHost } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const PLUGINS = fileURLToPath(new URL("../../", import.meta.url));

interface Manifest {
  archnest: { id: string; module: string; permissions?: string[] };
}

/** The bundle as docs/modules.md sells it; checked against the registry's catalog below. */
const SSH_PRO = ["multi-pane-terminal", "tmux", "jump-host", "cert-auth", "tunnel-autostart", "persistent-sessions", "session-recording", "host-transfer"];

let h: PluginHost;
let catalogModules: string[];
let paid: { dir: string; id: string; module: string; permissions: string[] }[];

beforeAll(async () => {
  const all = readdirSync(PLUGINS, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      try {
        const m = JSON.parse(readFileSync(`${PLUGINS}${d.name}/package.json`, "utf8")) as Manifest;
        return [{ dir: `${PLUGINS}${d.name}`, id: m.archnest.id, module: m.archnest.module, permissions: m.archnest.permissions ?? [] }];
      } catch {
        return [];
      }
    });
  paid = all.filter((p) => SSH_PRO.includes(p.module));
  h = await startPluginHost({
    plugins: paid.map(({ dir, id, permissions }) => ({ dir, id, permissions })),
    registry: true,
    install: "free",
    web: true,
    build: (dir) => buildPlugin(dir, { quiet: true }),
  });
  const catalog = (await (await fetch(`${h.registry?.url}/v1/catalog`)).json()) as { bundles: { slug: string; modules: string[] }[] };
  catalogModules = catalog.bundles.find((b) => b.slug === "ssh-pro")?.modules ?? [];
}, 300_000);

afterAll(async () => {
  await h?.close();
});

describe("the SSH Pro bundle", () => {
  it("is bought once in the store, which installs every plugin of its modules from the catalog and starts them", async () => {
    expect(catalogModules).toEqual(SSH_PRO);
    // Every module of the bundle has its plugin: buying it delivers all eight.
    expect([...new Set(paid.map((p) => p.module))].sort()).toEqual([...SSH_PRO].sort());
    const plugins = async () => new Map(((await (await h.request("/api/plugins")).json()) as { id: string; state: string }[]).map((p) => [p.id, p.state]));
    const licensed = async () => ((await (await h.request("/api/license")).json()) as { modules: string[] }).modules;
    const before = await plugins();
    for (const p of paid) expect([p.id, before.has(p.id)]).toEqual([p.id, false]);
    expect(await licensed()).toEqual([]);
    // Before the purchase the registry refuses a paid package to this install.
    const refused = await h.request("/api/plugins/install", { method: "POST", json: { name: `@archnest/${paid[0]?.id}` } });
    expect(refused.status).toBe(402);

    const browser = await launchChromium();
    try {
      const context = await signedInContext(browser, h.url, h.admin, { viewport: { width: 1366, height: 768 } });
      const page = await context.newPage();
      await buyInStore(page, h.url, "ssh-pro", { modules: SSH_PRO, installs: paid.map((p) => p.id), timeoutMs: 60_000 });
    } finally {
      await browser.close();
    }
    const after = await plugins();
    for (const p of paid) expect([p.id, after.get(p.id)]).toEqual([p.id, "active"]);
    expect(await licensed()).toEqual(expect.arrayContaining(SSH_PRO));
  }, 240_000);
});
