/**
 * The SSH Pro bundle as it is sold: every first-party plugin of a module in the bundle, published to a real
 * registry, installs locked; buying the bundle once through the development checkout unlocks every one of
 * them live. The plugins are found by their manifests, so a module of the bundle that gains a plugin is
 * covered without editing this test.
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type PluginHost, startPluginHost } from "@archnest/host/testing";
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
    sshd: true,
    build: (dir) => buildPlugin(dir, { quiet: true }),
  });
  const catalog = (await (await fetch(`${h.registry?.url}/v1/catalog`)).json()) as { bundles: { slug: string; modules: string[] }[] };
  catalogModules = catalog.bundles.find((b) => b.slug === "ssh-pro")?.modules ?? [];
}, 300_000);

afterAll(async () => {
  await h?.close();
});

describe("the SSH Pro bundle", () => {
  it("unlocks every terminal module it holds with one purchase", async () => {
    expect(catalogModules).toEqual(SSH_PRO);
    expect(paid.length).toBeGreaterThanOrEqual(2);
    const states = async () => new Map(((await (await h.request("/api/plugins")).json()) as { id: string; state: string }[]).map((p) => [p.id, p.state]));
    const licensed = async () => ((await (await h.request("/api/license")).json()) as { modules: string[] }).modules;
    // Locked, or loaded read-only (a module that keeps its data readable without the license).
    const before = await states();
    for (const p of paid) expect(["locked", "active"]).toContain(before.get(p.id));
    expect(await licensed()).toEqual([]);
    await h.buy("ssh-pro");
    const after = await states();
    for (const p of paid) expect([p.id, after.get(p.id)]).toEqual([p.id, "active"]);
    expect(await licensed()).toEqual(expect.arrayContaining(paid.map((p) => p.module)));
  });
});
