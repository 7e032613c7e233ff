/**
 * A paid plugin that declares `archnest.unlicensed: "read-only"`, over real HTTP and WebSockets on a
 * loopback port: without its license it stays loaded, its reads answer and what it stored stays readable,
 * while its writes and sockets answer the module's 402 and `ctx.license` says it is unlicensed; buying the
 * module lifts that live, and `license.changed` tells the plugin each time.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { writeFixturePlugin } from "../src/plugins/test-fixtures.js";
import { type PluginHost, startPluginHost } from "../src/testing/index.js";

const MODULE = "session-recording";
const SETUP = `
let changes = 0;
ctx.events.on("license.changed", () => { changes += 1; });
ctx.ws.handle("live", (socket) => socket.send("open"));
ctx.routes.mount({ fetch: async (req) => {
  const url = new URL(req.url);
  if (url.pathname === "/items" && req.method === "GET")
    return Response.json({ items: (await ctx.storage.get("items")) ?? [], licensed: ctx.license.licensed("${MODULE}"), changes });
  if (url.pathname === "/items" && req.method === "POST") {
    const items = [...((await ctx.storage.get("items")) ?? []), "item"];
    await ctx.storage.set("items", items);
    return Response.json({ items }, { status: 201 });
  }
  if (url.pathname === "/items" && req.method === "DELETE") {
    await ctx.storage.set("items", []);
    return Response.json({ items: [] });
  }
  return new Response("not found", { status: 404 });
} });`;

let h: PluginHost;

const items = async () => (await h.api("keeper", "/items")).json() as Promise<{ items: string[]; licensed: boolean; changes: number }>;
/** The license changes as the license client reports it; the runtime applies it in its own queue. */
const license = (modules: string[]) => h.entitlements.set(modules);

function socketAnswer(path: string): Promise<{ first: string; code: number }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${h.url.replace("http", "ws")}${path}`, { headers: { cookie: h.admin.cookie, origin: h.url } });
    let first = "";
    ws.on("message", (data) => {
      first ||= String(data);
      ws.close();
    });
    ws.on("close", (code) => resolve({ first, code }));
    ws.on("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on("error", reject);
  });
}

beforeAll(async () => {
  const dir = writeFixturePlugin({ id: "keeper", module: MODULE, unlicensed: "read-only", permissions: ["storage"], setup: SETUP });
  h = await startPluginHost({ plugins: [{ dir, id: "keeper", permissions: ["storage"] }], licensed: [MODULE] });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe("a paid plugin that stays read-only without its license", () => {
  it("keeps serving reads and what it stored when the license lapses, and answers 402 to writes and sockets", async () => {
    expect((await h.api("keeper", "/items", { method: "POST" })).status).toBe(201);
    expect(await socketAnswer("/api/plugins/keeper/ws/live")).toMatchObject({ first: "open" });

    license([]);
    await expect.poll(async () => (await items()).licensed).toBe(false);
    const listed = await items();
    expect(listed.items).toEqual(["item"]);
    expect(listed.changes).toBeGreaterThanOrEqual(1);
    const plugins = (await (await h.request("/api/plugins")).json()) as { id: string; state: string }[];
    expect(plugins.find((p) => p.id === "keeper")?.state).toBe("active");

    for (const method of ["POST", "DELETE", "PUT"]) {
      const refused = await h.api("keeper", "/items", { method });
      expect(refused.status).toBe(402);
      expect(await refused.json()).toMatchObject({ error: "module_required", module: MODULE });
    }
    expect((await items()).items).toEqual(["item"]);
    const socket = await socketAnswer("/api/plugins/keeper/ws/live");
    expect(socket.code).toBe(4402);
    expect(JSON.parse(socket.first)).toMatchObject({ code: "module_required", module: MODULE });
  });

  it("lifts the read-only mode live when the license returns, with everything it stored", async () => {
    const before = (await items()).changes;
    license([MODULE]);
    await expect.poll(async () => (await items()).licensed).toBe(true);
    expect((await items()).changes).toBeGreaterThan(before);
    const added = await h.api("keeper", "/items", { method: "POST" });
    expect(added.status).toBe(201);
    expect(await added.json()).toEqual({ items: ["item", "item"] });
    expect(await socketAnswer("/api/plugins/keeper/ws/live")).toMatchObject({ first: "open" });
  });
});
