/**
 * The test harness's purchase path, as every paid module's tests use it: a host started with
 * `registry: true` installs a paid plugin locked (its routes answer the 402 body with the catalog's price),
 * and `buy` walks the host's checkout and the registry's development checkout, after which the plugin
 * is active with no restart.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HELLO_ROUTES, writeFixturePlugin } from "../src/plugins/test-fixtures.js";
import { type PluginHost, startPluginHost } from "../src/testing/index.js";

let h: PluginHost;

beforeAll(async () => {
  const dir = writeFixturePlugin({ id: "paid", name: "@test/paid", module: "tmux", permissions: ["storage"], setup: HELLO_ROUTES });
  h = await startPluginHost({ plugins: [{ dir, id: "paid", permissions: ["storage"] }], registry: true });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("buying a module in tests", () => {
  it("publishes the plugin, installs it locked behind a 402 that names the catalog's price, and unlocks it live when bought", async () => {
    const catalog = (await (await fetch(`${h.registry?.url}/v1/catalog`)).json()) as { plugins: { name: string }[] };
    expect(catalog.plugins.map((p) => p.name)).toContain("@test/paid");

    const locked = await h.api("paid", "/hello");
    expect(locked.status).toBe(402);
    expect(await locked.json()).toMatchObject({ error: "module_required", module: "tmux", price: "$5" });

    await h.buy("tmux");
    const open = await h.api("paid", "/hello");
    expect(open.status).toBe(200);
    const plugins = (await (await h.request("/api/plugins")).json()) as { id: string; state: string }[];
    expect(plugins.find((p) => p.id === "paid")?.state).toBe("active");
  });

  it("says what went wrong when a purchase cannot go through", async () => {
    await expect(h.buy("tmux")).rejects.toThrow(/checkout of tmux answered 409/);
  });
});
