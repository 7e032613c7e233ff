// ctx.fetch and ctx.docker as plugins meet them on a real host: fixture plugins installed through the
// plugin API with the permissions they declare, called over HTTP on a loopback port, against real local
// HTTP servers (one on TCP for outbound requests, one on a unix socket standing in for an engine's socket).
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFixturePlugin } from "../src/plugins/test-fixtures.js";
import { type PluginHost, startPluginHost } from "../src/testing/index.js";

/** A fixture route table: /fetch calls ctx.fetch, /docker calls ctx.docker; either answers the error's code. */
const ROUTES = `
ctx.routes.mount({ fetch: async (req) => {
  const url = new URL(req.url);
  const q = Object.fromEntries(url.searchParams);
  try {
    if (url.pathname === "/fetch") {
      const res = await ctx.fetch(q.url, q.manual ? { redirect: "manual" } : {});
      return Response.json({ status: res.status, url: res.url, location: res.headers.get("location"), body: await res.text() });
    }
    if (url.pathname === "/docker") {
      const agent = ctx.docker.agent(JSON.parse(q.endpoint));
      const body = await new Promise((resolve, reject) => {
        http.get({ host: "docker", path: "/_ping", agent }, (res) => {
          let text = "";
          res.on("data", (c) => (text += c));
          res.on("end", () => resolve(text));
        }).on("error", reject);
      });
      agent.destroy();
      return Response.json({ body });
    }
    if (url.pathname === "/hold") {
      globalThis.__heldDockerSocket = await ctx.docker.connect(JSON.parse(q.endpoint));
      return Response.json({ held: true });
    }
    return new Response("not found", { status: 404 });
  } catch (e) {
    return Response.json({ code: e.code, message: e.message }, { status: 500 });
  }
} });`;
const PRELUDE = `import http from "node:http";`;

const dir = mkdtempSync(join(tmpdir(), "an-lent-"));
const engineSocket = join(dir, "engine.sock");
let h: PluginHost;
let site: Server;
let other: Server;
let engine: Server;
let sitePort = 0;
let otherPort = 0;
const seen: { site: string[]; other: string[]; engineOpen: number } = { site: [], other: [], engineOpen: 0 };

function listen(server: Server, where: number | string): Promise<number> {
  return new Promise((resolve) => {
    const done = () => {
      const a = server.address();
      resolve(typeof a === "object" && a ? a.port : 0);
    };
    if (typeof where === "string") server.listen(where, done);
    else server.listen(where, "127.0.0.1", done);
  });
}

beforeAll(async () => {
  site = createServer((req: IncomingMessage, res) => {
    seen.site.push(req.url ?? "");
    if (req.url === "/hello") return res.end("hello");
    if (req.url === "/to-hello") return res.writeHead(302, { location: "/hello" }).end();
    if (req.url === "/to-other") return res.writeHead(302, { location: `http://127.0.0.1:${otherPort}/` }).end();
    if (req.url === "/to-file") return res.writeHead(302, { location: "file:///etc/passwd" }).end();
    if (req.url === "/loop") return res.writeHead(302, { location: "/loop" }).end();
    res.writeHead(404).end();
  });
  other = createServer((req, res) => {
    seen.other.push(req.url ?? "");
    res.end("other");
  });
  engine = createServer((req, res) => res.end(req.url === "/_ping" ? "OK" : "?"));
  engine.on("connection", (socket) => {
    seen.engineOpen++;
    socket.on("close", () => seen.engineOpen--);
  });
  sitePort = await listen(site, 0);
  otherPort = await listen(other, 0);
  await listen(engine, engineSocket);

  const fixtures = mkdtempSync(join(dir, "plugins-"));
  const plugin = (id: string, permissions: string[]) => ({
    id,
    permissions,
    dir: writeFixturePlugin({ id, permissions, sdk: "^1.1.0", prelude: PRELUDE, setup: ROUTES }, fixtures),
  });
  h = await startPluginHost({
    plugins: [
      // The site is named by its IP (the one way to a loopback or LAN address); localhost is named by
      // host name, so it must resolve to a public address and does not.
      plugin("outbound", [`net:outbound:127.0.0.1:${sitePort}`, `net:outbound:localhost:${sitePort}`]),
      plugin("engine-user", ["docker"]),
      plugin("bare", ["storage"]),
    ],
  });
}, 60_000);

afterAll(async () => {
  await h?.close();
  for (const s of [site, other, engine]) {
    s?.closeAllConnections();
    await new Promise((r) => s?.close(r));
  }
  rmSync(dir, { recursive: true, force: true });
});

async function call(plugin: string, path: string): Promise<Record<string, unknown>> {
  return (await (await h.api(plugin, path)).json()) as Record<string, unknown>;
}
const fetchVia = (plugin: string, url: string, manual = false) => call(plugin, `/fetch?url=${encodeURIComponent(url)}${manual ? "&manual=1" : ""}`);
const dockerVia = (plugin: string, endpoint: unknown, path = "/docker") => call(plugin, `${path}?endpoint=${encodeURIComponent(JSON.stringify(endpoint))}`);

describe("ctx.fetch", () => {
  it("reaches a host its manifest names, following a redirect that stays on it", async () => {
    expect(await fetchVia("outbound", `http://127.0.0.1:${sitePort}/hello`)).toMatchObject({ status: 200, body: "hello" });
    expect(await fetchVia("outbound", `http://127.0.0.1:${sitePort}/to-hello`)).toMatchObject({
      status: 200,
      body: "hello",
      url: `http://127.0.0.1:${sitePort}/hello`,
    });
    expect(await fetchVia("outbound", `http://127.0.0.1:${sitePort}/to-other`, true)).toMatchObject({
      status: 302,
      location: `http://127.0.0.1:${otherPort}/`,
    });
  });

  it("refuses a host or a port the manifest does not name, without sending anything", async () => {
    expect(await fetchVia("outbound", `http://127.0.0.1:${otherPort}/`)).toMatchObject({ code: "HOST_ERR_FETCH_HOST_UNDECLARED" });
    expect(await fetchVia("outbound", "https://example.com/")).toMatchObject({ code: "HOST_ERR_FETCH_HOST_UNDECLARED" });
    expect(await fetchVia("outbound", "file:///etc/passwd")).toMatchObject({ code: "HOST_ERR_FETCH_URL_INVALID" });
    expect(await fetchVia("outbound", `http://user:pw@127.0.0.1:${sitePort}/hello`)).toMatchObject({ code: "HOST_ERR_FETCH_URL_INVALID" });
    expect(seen.other).toEqual([]);
  });

  it("refuses a redirect off the declared hosts, out of http(s), or in a loop", async () => {
    expect(await fetchVia("outbound", `http://127.0.0.1:${sitePort}/to-other`)).toMatchObject({ code: "HOST_ERR_FETCH_REDIRECT_REFUSED" });
    expect(seen.other).toEqual([]);
    expect(await fetchVia("outbound", `http://127.0.0.1:${sitePort}/to-file`)).toMatchObject({ code: "HOST_ERR_FETCH_REDIRECT_REFUSED" });
    const before = seen.site.filter((u) => u === "/loop").length;
    expect(await fetchVia("outbound", `http://127.0.0.1:${sitePort}/loop`)).toMatchObject({ code: "HOST_ERR_FETCH_REDIRECT_REFUSED" });
    expect(seen.site.filter((u) => u === "/loop").length - before).toBe(6);
  });

  it("refuses a declared host name that resolves to a loopback address", async () => {
    const before = seen.site.length;
    expect(await fetchVia("outbound", `http://localhost:${sitePort}/hello`)).toMatchObject({ code: "HOST_ERR_FETCH_ADDRESS_PRIVATE" });
    expect(seen.site.length).toBe(before);
  });
});

describe("a plugin that did not declare them", () => {
  it("gets SDK_ERR_CAPABILITY_UNDECLARED from ctx.fetch and ctx.docker, and nothing is sent", async () => {
    const sent = seen.site.length;
    expect(await fetchVia("bare", `http://127.0.0.1:${sitePort}/hello`)).toMatchObject({ code: "SDK_ERR_CAPABILITY_UNDECLARED" });
    expect(seen.site.length).toBe(sent);
    expect(await dockerVia("bare", { kind: "unix", socketPath: engineSocket })).toMatchObject({ code: "SDK_ERR_CAPABILITY_UNDECLARED" });
    // A plugin with docker but no outbound host, and one with outbound hosts but no docker.
    expect(await fetchVia("engine-user", `http://127.0.0.1:${sitePort}/hello`)).toMatchObject({ code: "SDK_ERR_CAPABILITY_UNDECLARED" });
    expect(await dockerVia("outbound", { kind: "unix", socketPath: engineSocket })).toMatchObject({ code: "SDK_ERR_CAPABILITY_UNDECLARED" });
  });
});

describe("ctx.docker", () => {
  it("lends a connection to the engine's socket to a plugin that declared docker", async () => {
    expect(await dockerVia("engine-user", { kind: "unix", socketPath: engineSocket })).toEqual({ body: "OK" });
    expect(await dockerVia("engine-user", { kind: "unix", socketPath: "engine.sock" })).toMatchObject({ code: "HOST_ERR_DOCKER_ENDPOINT_INVALID" });
    expect(await dockerVia("engine-user", { kind: "ssh", hostId: "x" })).toMatchObject({ code: "HOST_ERR_DOCKER_ENDPOINT_INVALID" });
    expect(await dockerVia("engine-user", { kind: "unix", socketPath: join(dir, "missing.sock") })).toMatchObject({ code: "HOST_ERR_DOCKER_UNREACHABLE" });
  });

  it("closes what it lent when the plugin is disabled", async () => {
    const open = seen.engineOpen;
    expect(await dockerVia("engine-user", { kind: "unix", socketPath: engineSocket }, "/hold")).toEqual({ held: true });
    await expect.poll(() => seen.engineOpen).toBe(open + 1);
    const res = await h.api("engine-user", "/disable", { method: "POST" });
    expect(res.status, await res.text()).toBe(200);
    await expect.poll(() => seen.engineOpen).toBe(open);
  });
});
