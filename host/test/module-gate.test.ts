import { createTestTrust } from "@archnest/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { fixtureTarball, writeFixturePlugin } from "../src/plugins/test-fixtures.js";
import { type PluginHost, startPluginHost } from "../src/testing/index.js";
import { runRegistry } from "./registry-harness.js";

const trust = createTestTrust();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

// A plugin that gates a route, a middleware-guarded route and a WebSocket on `tmux`, and enforces a cap
// of its own, "widgets", declared in its manifest and lifted by `unlimited-bookmarks`.
const GATED = `
const pro = ctx.license.gate("tmux");
ctx.routes.mount({ fetch: async (req) => {
  const url = new URL(req.url);
  if (url.pathname === "/pro") return ctx.license.require("tmux") ?? Response.json({ pro: true });
  if (url.pathname === "/pro-middleware") return (await pro({}, async () => {})) ?? Response.json({ pro: true });
  if (url.pathname === "/widgets") return ctx.limits.check("widgets", Number(url.searchParams.get("have"))) ?? Response.json(ctx.limits.get("widgets"));
  if (url.pathname === "/hosts-cap") return Response.json(ctx.limits.get("hosts"));
  return new Response("not found", { status: 404 });
} });
ctx.ws.handle("pro", ctx.license.gateSocket("tmux", (socket) => socket.send("welcome")));
`;

async function stack(): Promise<{ h: PluginHost; prices: Map<string, string>; buy(slug: string): Promise<void> }> {
  const reg = await runRegistry(trust, () => new Date());
  cleanups.push(() => reg.cleanup());
  // The registry sells a module only once a package delivers it.
  await reg.publish(await fixtureTarball({ id: "tmux", name: "@test/tmux", module: "tmux" }, trust.release));
  const dir = writeFixturePlugin({
    id: "gated",
    sdk: "^1.1.0",
    setup: GATED,
    limits: { widgets: { cap: 2, module: "unlimited-bookmarks" } },
  });
  const h = await startPluginHost({ plugins: [{ dir, id: "gated" }], trust, registryUrl: reg.url });
  cleanups.push(() => h.close());
  // The prices the registry's catalog gives: the only source of a price in a 402.
  const catalog = (await (await fetch(`${reg.url}/v1/catalog`)).json()) as { modules: { slug: string; price: string }[] };
  const prices = new Map(catalog.modules.map((m) => [m.slug, m.price]));
  const buy = async (slug: string) => {
    const checkout = (await (
      await fetch(`${h.url}/api/catalog/checkout`, {
        method: "POST",
        headers: { ...h.admin.headers, "content-type": "application/json" },
        body: JSON.stringify({ slug }),
      })
    ).json()) as { url: string };
    expect((await fetch(`${checkout.url}/pay`, { method: "POST", redirect: "manual" })).status).toBe(303);
    expect((await fetch(`${h.url}/api/license/refresh`, { method: "POST", headers: h.admin.headers })).status).toBe(200);
  };
  return { h, prices, buy };
}

/** Opens a socket and collects what it receives until the server closes it (or the first message, when open). */
function talk(url: string, cookie: string): Promise<{ messages: string[]; close?: { code: number; reason: string } }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { cookie } });
    const messages: string[] = [];
    ws.on("message", (d) => {
      messages.push(String(d));
      if (String(d) === "welcome") {
        ws.close();
        resolve({ messages });
      }
    });
    ws.once("close", (code, reason) => resolve({ messages, close: { code, reason: String(reason) } }));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

describe("the license gate as plugins use it", () => {
  it("answers a gated route, middleware and WebSocket with one 402 body priced by the registry's catalog, and opens them once bought", async () => {
    const { h, prices, buy } = await stack();
    const price = prices.get("tmux");
    expect(price).toMatch(/^\$\d/);
    const expected = {
      error: "module_required",
      module: "tmux",
      price,
      purchaseUrl: "/settings/store#tmux",
      message: `This needs the tmux module (${price}).`,
    };

    for (const path of ["/pro", "/pro-middleware"]) {
      const res = await h.api("gated", path);
      expect(res.status, path).toBe(402);
      expect(await res.json(), path).toEqual({ ...expected, requestId: res.headers.get("x-request-id") });
    }
    const wsUrl = `${h.url.replace("http", "ws")}/api/plugins/gated/ws/pro`;
    const refused = await talk(wsUrl, h.admin.cookie);
    expect(refused.close).toEqual({ code: 4402, reason: "module_required" });
    expect(refused.messages.map((m) => JSON.parse(m))).toEqual([{ state: "error", code: "module_required", ...expected }]);

    await buy("tmux");
    expect(await (await h.api("gated", "/pro")).json()).toEqual({ pro: true });
    expect(await (await h.api("gated", "/pro-middleware")).json()).toEqual({ pro: true });
    expect(await talk(wsUrl, h.admin.cookie)).toEqual({ messages: ["welcome"] });
  });

  it("enforces the caps a plugin's manifest declares, beside the host's own, and lifts them with the module", async () => {
    const { h, prices, buy } = await stack();
    expect(await (await h.api("gated", "/widgets?have=1")).json()).toEqual({ limit: "widgets", cap: 2, module: "unlimited-bookmarks" });
    const over = await h.api("gated", "/widgets?have=2");
    expect(over.status).toBe(402);
    expect(await over.json()).toMatchObject({
      error: "module_required",
      module: "unlimited-bookmarks",
      price: prices.get("unlimited-bookmarks"),
      purchaseUrl: "/settings/store#unlimited-bookmarks",
      limit: "widgets",
      cap: 2,
    });
    // The host declares its own caps once; a plugin reads them through the same ctx.limits.
    expect(await (await h.api("gated", "/hosts-cap")).json()).toEqual({ limit: "hosts", cap: 3, module: "unlimited-hosts" });

    await buy("unlimited-bookmarks");
    expect(await (await h.api("gated", "/widgets?have=50")).json()).toEqual({ limit: "widgets", cap: null, module: "unlimited-bookmarks" });
  });
});
