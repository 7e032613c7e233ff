import type { Server } from "node:http";
import { createTestTrust } from "@archnest/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { attachPlugins } from "../src/plugins/attach.js";
import { StaticEntitlements } from "../src/plugins/entitlements.js";
import { fixtureTarball } from "../src/plugins/test-fixtures.js";
import { serveHost, serverUrl } from "../src/server/index.js";
import { createTestHost, setupAdmin } from "../src/testing/index.js";

const trust = createTestTrust();
const ECHO = (tag: string) => `ctx.ws.handle("echo", (socket, req) => {
  socket.onMessage((data) => socket.send("${tag}:" + req.user.username + ":" + data));
});`;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start() {
  const t = await createTestHost();
  cleanups.push(() => t.cleanup());
  const attached = await attachPlugins(t.host, { trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }], entitlements: new StaticEntitlements() });
  const server: Server = serveHost(t.host, { port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  attached.ws.attach(server);
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  const admin = await setupAdmin(t.host);
  const url = serverUrl(server);
  const install = async (file: string, accept: string[] = []) => {
    const { readFileSync } = await import("node:fs");
    const res = await t.host.app.request(`/api/plugins/install${accept.length ? `?acceptPermissions=${accept.join(",")}` : ""}`, {
      method: "POST",
      headers: { ...admin.headers, "content-type": "application/gzip" },
      body: readFileSync(file),
    });
    expect(res.status).toBe(201);
  };
  return { t, url, admin, install };
}

function open(url: string, headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.once("open", () => resolve(ws));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

describe("plugin WebSockets", () => {
  it("routes an authenticated socket to the plugin, and closes it with a reason when the plugin is upgraded", async () => {
    const s = await start();
    await s.install(await fixtureTarball({ id: "echo", setup: ECHO("v1") }, trust.release));
    const wsUrl = `${s.url.replace("http", "ws")}/api/plugins/echo/ws/echo`;
    const ws = await open(wsUrl, { cookie: s.admin.cookie });
    const reply = new Promise<string>((r) => ws.once("message", (d) => r(String(d))));
    ws.send("hi");
    expect(await reply).toBe("v1:admin:hi");

    const closed = new Promise<{ code: number; reason: string }>((r) => ws.once("close", (code, reason) => r({ code, reason: String(reason) })));
    await s.install(await fixtureTarball({ id: "echo", version: "1.1.0", setup: ECHO("v2") }, trust.release));
    expect(await closed).toEqual({ code: 1012, reason: "@test/echo is being updated to 1.1.0" });

    const ws2 = await open(wsUrl, { cookie: s.admin.cookie });
    const reply2 = new Promise<string>((r) => ws2.once("message", (d) => r(String(d))));
    ws2.send("again");
    expect(await reply2).toBe("v2:admin:again");
    ws2.close();
  });

  it("refuses upgrades without a session, from another origin, or to an unknown path", async () => {
    const s = await start();
    await s.install(await fixtureTarball({ id: "echo", setup: ECHO("v1") }, trust.release));
    const base = `${s.url.replace("http", "ws")}/api/plugins/echo/ws`;
    await expect(open(`${base}/echo`, {})).rejects.toThrow("HTTP 401");
    await expect(open(`${base}/echo`, { cookie: s.admin.cookie, origin: "http://evil.example" })).rejects.toThrow(/HTTP 40[13]/);
    // An Origin that is not a URL is refused like a foreign one, not answered with a server error.
    await expect(open(`${base}/echo`, { cookie: s.admin.cookie, origin: "http://[not-a-url" })).rejects.toThrow(/HTTP 40[13]/);
    await expect(open(`${base}/nope`, { cookie: s.admin.cookie })).rejects.toThrow("HTTP 404");
    await expect(open(`${s.url.replace("http", "ws")}/elsewhere`, { cookie: s.admin.cookie })).rejects.toThrow("HTTP 404");
  });

  it("routes an agent's socket without a session, refuses browsers, and needs the agents permission", async () => {
    const s = await start();
    const AGENT = `ctx.ws.handleAgent("connect", (socket, req) => {
  socket.onMessage((data) => socket.send("agent:" + String(req.user) + ":" + req.remoteAddress + ":" + data));
});`;
    await s.install(await fixtureTarball({ id: "agentish", permissions: ["agents"], setup: AGENT }, trust.release), ["agents"]);
    const base = `${s.url.replace("http", "ws")}/api/plugins/agentish/agent`;
    const ws = await open(`${base}/connect`, {});
    const reply = new Promise<string>((r) => ws.once("message", (d) => r(String(d))));
    ws.send("hello");
    // No user is handed over: the plugin authenticates the agent itself.
    expect(await reply).toBe("agent:undefined:127.0.0.1:hello");
    ws.close();
    // A browser (any Origin, even this host's) cannot open an agent route with a visitor's network position.
    await expect(open(`${base}/connect`, { origin: s.url })).rejects.toThrow("HTTP 403");
    await expect(open(`${base}/nope`, {})).rejects.toThrow("HTTP 404");
    // Session routes stay behind the session: an agent path is not a way around it.
    await expect(open(`${s.url.replace("http", "ws")}/api/plugins/agentish/ws/connect`, {})).rejects.toThrow("HTTP 401");
  });

  it("refuses handleAgent to a plugin that did not declare the agents permission", async () => {
    const s = await start();
    const res = await s.t.host.app.request("/api/plugins/install", {
      method: "POST",
      headers: { ...s.admin.headers, "content-type": "application/gzip" },
      body: (await import("node:fs")).readFileSync(await fixtureTarball({ id: "sneaky", setup: `ctx.ws.handleAgent("connect", () => {});` }, trust.release)),
    });
    const body = (await res.json()) as { error?: string; message?: string; status?: string };
    expect(JSON.stringify(body)).toContain("agents");
    await expect(open(`${s.url.replace("http", "ws")}/api/plugins/sneaky/agent/connect`, {})).rejects.toThrow(/HTTP 40[34]/);
  });
});
