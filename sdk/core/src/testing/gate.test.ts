import { describe, expect, it } from "vitest";
import { definePlugin, MODULE_REQUIRED_CLOSE, type PluginSocket } from "../plugin/index.js";
import { createTestContext } from "./index.js";

// The plugin an author would test: a route behind ctx.license, a cap of its own, a gated socket.
const plugin = definePlugin({
  setup(ctx) {
    const pro = ctx.license.gate("tmux");
    ctx.routes.mount({
      fetch: async (req) => {
        const path = new URL(req.url).pathname;
        if (path === "/pro") return ctx.license.require("tmux") ?? Response.json({ pro: true });
        if (path === "/pro-middleware") return (await pro({}, async () => undefined)) ?? Response.json({ pro: true });
        return ctx.limits.check("widgets", 2) ?? Response.json(ctx.limits.get("widgets"));
      },
    });
    ctx.ws.handle(
      "pro",
      ctx.license.gateSocket("tmux", (socket) => socket.send("welcome")),
    );
  },
});

function fakeSocket(): { socket: PluginSocket; sent: string[]; closed: [number | undefined, string | undefined][] } {
  const sent: string[] = [];
  const closed: [number | undefined, string | undefined][] = [];
  const socket: PluginSocket = {
    send: (d) => void sent.push(String(d)),
    close: (code, reason) => void closed.push([code, reason]),
    bufferedAmount: 0,
    onMessage() {},
    onClose() {},
    onDrain() {},
  };
  return { socket, sent, closed };
}

describe("the test harness's license gate", () => {
  it("answers as the host does: the 402 body with the catalog price given, the cap's limit, the socket's error frame", async () => {
    const t = await createTestContext(plugin, { prices: { tmux: "$5" }, limits: { widgets: { cap: 2, module: "unlimited-bookmarks" } } });
    const body = { error: "module_required", module: "tmux", price: "$5", purchaseUrl: "/settings/store#tmux", message: "This needs the tmux module ($5)." };
    for (const path of ["/pro", "/pro-middleware"]) {
      const res = await t.request(path);
      expect(res.status).toBe(402);
      expect(await res.json()).toEqual(body);
    }
    const capped = await t.request("/widgets");
    expect(capped.status).toBe(402);
    // No price in the catalog given for this module: the body names none.
    expect(await capped.json()).toEqual({
      error: "module_required",
      module: "unlimited-bookmarks",
      purchaseUrl: "/settings/store#unlimited-bookmarks",
      message: "The free core keeps 2 widgets. This needs the unlimited-bookmarks module.",
      limit: "widgets",
      cap: 2,
    });
    const s = fakeSocket();
    t.sockets.get("pro")?.(s.socket, { url: new URL("http://test/pro"), user: { id: "u1", username: "admin", role: "admin" } });
    expect(s.sent.map((m) => JSON.parse(m))).toEqual([{ state: "error", code: "module_required", ...body }]);
    expect(s.closed).toEqual([[MODULE_REQUIRED_CLOSE, "module_required"]]);
  });

  it("lets everything through once the module is licensed", async () => {
    const t = await createTestContext(plugin, { licensed: ["tmux", "unlimited-bookmarks"], limits: { widgets: { cap: 2, module: "unlimited-bookmarks" } } });
    expect(await (await t.request("/pro")).json()).toEqual({ pro: true });
    expect(await (await t.request("/pro-middleware")).json()).toEqual({ pro: true });
    expect(await (await t.request("/widgets")).json()).toEqual({ limit: "widgets", cap: null, module: "unlimited-bookmarks" });
    const s = fakeSocket();
    t.sockets.get("pro")?.(s.socket, { url: new URL("http://test/pro"), user: { id: "u1", username: "admin", role: "admin" } });
    expect(s.sent).toEqual(["welcome"]);
  });
});
