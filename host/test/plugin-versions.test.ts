/**
 * Plugin versions as an admin meets them, over real HTTP against a host on a loopback port that installs
 * from a real registry: signed releases published to it, updates within the policy, pins, roll backs,
 * the plugins that depend on others, and install references that must never make the host reach out
 * anywhere but its registry.
 */
import { readdirSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { createTestTrust } from "@archnest/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { type FixturePlugin, fixtureTarball, HELLO_ROUTES } from "../src/plugins/test-fixtures.js";
import { type PluginHost, startPluginHost } from "../src/testing/index.js";
import { type RunningRegistry, runRegistry } from "./registry-harness.js";

const trust = createTestTrust();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface PluginView {
  id: string;
  version: string;
  previousVersion: string | null;
  previousVersions: string[];
  policy: string;
  pinnedFrom: string | null;
  state: string;
  errorCode: string | null;
  dependents?: string[];
  result?: string;
}

async function stack(env: Record<string, string> = {}) {
  const reg: RunningRegistry = await runRegistry(trust, () => new Date());
  cleanups.push(() => reg.cleanup());
  const h: PluginHost = await startPluginHost({ plugins: [], trust, registryUrl: reg.url, env });
  cleanups.push(() => h.close());
  const call = (path: string, init: RequestInit = {}) =>
    fetch(`${h.url}${path}`, { ...init, headers: { "content-type": "application/json", ...h.admin.headers, ...(init.headers as Record<string, string>) } });
  const json = async <T = PluginView>(path: string, init?: RequestInit) => (await (await call(path, init)).json()) as T;
  const post = <T = PluginView>(path: string, body?: unknown) => json<T>(path, { method: "POST", ...(body !== undefined && { body: JSON.stringify(body) }) });
  const publish = async (p: Omit<FixturePlugin, "setup">) => reg.publish(await fixtureTarball({ setup: HELLO_ROUTES, ...p }, trust.release));
  return { reg, h, call, json, post, publish };
}

describe("updates", () => {
  it("pick the newest version this host's SDK runs, and say when nothing changed", async () => {
    const s = await stack();
    await s.publish({ id: "ver", name: "@test/ver", version: "1.0.0" });
    await s.publish({ id: "ver", name: "@test/ver", version: "1.1.0" });
    // The newest release needs an SDK this host does not implement: it must not hold back 1.1.0.
    await s.publish({ id: "ver", name: "@test/ver", version: "1.2.0", sdk: "^2.0.0" });
    expect(await s.post("/api/plugins/install", { name: "@test/ver", range: "1.0.0" })).toMatchObject({ version: "1.0.0" });
    // The catalog tells the web app which release an update can reach on this host.
    const catalog = await s.json<{ plugins: { name: string; latest: string; latestForHost: string | null }[] }>("/api/catalog");
    expect(catalog.plugins.find((p) => p.name === "@test/ver")).toMatchObject({ latest: "1.2.0", latestForHost: "1.1.0" });

    // The update reports its progress on the UI event stream under the id the client chose.
    const stream = await fetch(`${s.h.url}/api/ui/events`, { headers: s.h.admin.headers, signal: AbortSignal.timeout(15_000) });
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    expect(await s.post("/api/plugins/ver/update?progressId=upd-1")).toMatchObject({ result: "updated", version: "1.1.0", previousVersion: "1.0.0" });
    let events = "";
    while (!events.includes('"id":"upd-1","phase":"done"')) {
      const { value, done } = await reader.read();
      if (done) break;
      events += new TextDecoder().decode(value);
    }
    await reader.cancel();
    expect(events).toContain('"id":"upd-1","phase":"download"');
    expect(events).toContain('"id":"upd-1","phase":"verify"');
    expect(events).toContain('"id":"upd-1","phase":"done"');
    expect(await s.post("/api/plugins/ver/update")).toMatchObject({ result: "up-to-date", version: "1.1.0" });

    const direct = await s.call("/api/plugins/install", { method: "POST", body: JSON.stringify({ ref: "@test/ver@1.2.0" }) });
    expect(direct.status).toBe(422);
    expect(await direct.json()).toMatchObject({ error: "HOST_ERR_SDK_INCOMPATIBLE" });
  });

  it("after a rollback across a major, stay pinned until asked, then move within the old major", async () => {
    const s = await stack();
    await s.publish({ id: "major", name: "@test/major", version: "1.0.0" });
    await s.publish({ id: "major", name: "@test/major", version: "2.0.0" });
    await s.post("/api/plugins/install", { ref: "@test/major@1.0.0" });
    expect(await s.json("/api/plugins/major/policy", { method: "PUT", body: JSON.stringify({ policy: "latest" }) })).toMatchObject({ policy: "latest" });
    expect(await s.post("/api/plugins/major/update")).toMatchObject({ result: "updated", version: "2.0.0" });

    expect(await s.post("/api/plugins/major/rollback")).toMatchObject({ version: "1.0.0", policy: "pinned", pinnedFrom: "latest", previousVersion: null });
    expect(await s.post("/api/plugins/major/update")).toMatchObject({ result: "pinned", version: "1.0.0" });

    await s.publish({ id: "major", name: "@test/major", version: "1.1.0" });
    await s.json("/api/plugins/major/policy", { method: "PUT", body: JSON.stringify({ policy: "minor" }) });
    expect(await s.post("/api/plugins/major/update")).toMatchObject({ result: "updated", version: "1.1.0", previousVersion: "1.0.0" });
    expect(await (await s.h.api("major", "/hello")).json()).toMatchObject({ hello: "major" });

    // Moving forward within the major is not a way around the downgrade check: 1.0.0 is older than 1.1.0.
    const down = await s.call("/api/plugins/install", { method: "POST", body: JSON.stringify({ ref: "@test/major@1.0.0" }) });
    expect(down.status).toBe(409);
    expect(await down.json()).toMatchObject({ error: "HOST_ERR_ROLLBACK_REFUSED" });
  });

  it("unpin restores the policy the pin replaced", async () => {
    const s = await stack();
    await s.publish({ id: "pin", name: "@test/pin", version: "1.0.0" });
    await s.post("/api/plugins/install", { ref: "@test/pin" });
    await s.json("/api/plugins/pin/policy", { method: "PUT", body: JSON.stringify({ policy: "patch" }) });
    expect(await s.post("/api/plugins/pin/pin")).toMatchObject({ policy: "pinned", pinnedFrom: "patch" });
    // Pinning twice keeps what the first pin replaced.
    expect(await s.post("/api/plugins/pin/pin")).toMatchObject({ policy: "pinned", pinnedFrom: "patch" });
    await s.publish({ id: "pin", name: "@test/pin", version: "1.0.1" });
    expect(await s.post("/api/plugins/pin/update")).toMatchObject({ result: "pinned", version: "1.0.0" });
    expect(await s.post("/api/plugins/pin/unpin")).toMatchObject({ policy: "patch", pinnedFrom: null });
    expect(await s.post("/api/plugins/pin/update")).toMatchObject({ result: "updated", version: "1.0.1" });
  });
});

describe("rollback", () => {
  it("keeps three older versions by default, names the one it goes to, and goes back one at a time", async () => {
    const s = await stack();
    await s.publish({ id: "keep", name: "@test/keep", version: "1.0.0" });
    await s.post("/api/plugins/install", { ref: "@test/keep" });
    for (const v of ["1.1.0", "1.2.0", "1.3.0", "1.4.0"]) {
      await s.publish({ id: "keep", name: "@test/keep", version: v });
      expect(await s.post("/api/plugins/keep/update")).toMatchObject({ result: "updated", version: v });
    }
    const listed = (await s.json<PluginView[]>("/api/plugins")).find((p) => p.id === "keep");
    expect(listed).toMatchObject({ version: "1.4.0", previousVersion: "1.3.0", previousVersions: ["1.3.0", "1.2.0", "1.1.0"] });
    const dir = join(s.h.t.host.config.dataDir, "plugins", "keep");
    expect(readdirSync(dir).sort()).toEqual(["1.1.0", "1.2.0", "1.3.0", "1.4.0"]);

    expect(await s.post("/api/plugins/keep/rollback")).toMatchObject({ version: "1.3.0", previousVersion: "1.2.0" });
    expect(await s.post("/api/plugins/keep/rollback")).toMatchObject({ version: "1.2.0", previousVersion: "1.1.0" });
    expect(await s.post("/api/plugins/keep/rollback")).toMatchObject({ version: "1.1.0", previousVersion: null, state: "active" });
    expect(await (await s.h.api("keep", "/hello")).json()).toMatchObject({ hello: "keep" });
    const none = await s.call("/api/plugins/keep/rollback", { method: "POST" });
    expect(none.status).toBe(409);
    expect(await none.json()).toMatchObject({ error: "HOST_ERR_NO_PREVIOUS_VERSION" });
    expect(readdirSync(dir)).toEqual(["1.1.0"]);
  });

  it("keeps as many as ARCHNEST_PLUGIN_KEEP_VERSIONS says", async () => {
    const s = await stack({ ARCHNEST_PLUGIN_KEEP_VERSIONS: "1" });
    await s.publish({ id: "one", name: "@test/one", version: "1.0.0" });
    await s.post("/api/plugins/install", { ref: "@test/one" });
    for (const v of ["1.1.0", "1.2.0"]) {
      await s.publish({ id: "one", name: "@test/one", version: v });
      await s.post("/api/plugins/one/update");
    }
    expect(await s.json<PluginView[]>("/api/plugins")).toContainEqual(expect.objectContaining({ id: "one", previousVersions: ["1.1.0"] }));
    expect(readdirSync(join(s.h.t.host.config.dataDir, "plugins", "one")).sort()).toEqual(["1.1.0", "1.2.0"]);
  });
});

describe("a plugin others depend on", () => {
  it("is not disabled or removed without confirmation naming its dependents; confirmed, they stop, and come back with it", async () => {
    const s = await stack();
    await s.publish({ id: "base", name: "@test/base", version: "1.0.0" });
    await s.publish({ id: "leaf", name: "@test/leaf", version: "1.0.0", dependencies: { base: "^1.0.0" } });
    await s.post("/api/plugins/install", { ref: "@test/base" });
    await s.post("/api/plugins/install", { ref: "@test/leaf" });
    expect((await s.json<PluginView[]>("/api/plugins")).find((p) => p.id === "base")?.dependents).toEqual(["leaf"]);

    const refused = await s.call("/api/plugins/base/disable", { method: "POST" });
    expect(refused.status).toBe(409);
    const body = (await refused.json()) as { error: string; message: string; dependents: string[] };
    expect(body).toMatchObject({ error: "HOST_ERR_HAS_DEPENDENTS", dependents: ["leaf"] });
    expect(body.message).toContain("leaf uses base; they will stop too");
    const removeRefused = await s.call("/api/plugins/base", { method: "DELETE" });
    expect(removeRefused.status).toBe(409);
    expect((await s.h.api("leaf", "/hello")).status).toBe(200);

    expect(await s.post("/api/plugins/base/disable?withDependents=true")).toMatchObject({ state: "disabled" });
    expect((await s.json<PluginView[]>("/api/plugins")).find((p) => p.id === "leaf")).toMatchObject({
      state: "failed",
      errorCode: "HOST_ERR_DEPENDENCIES_UNMET",
    });
    expect((await s.h.api("leaf", "/hello")).status).toBe(503);

    expect(await s.post("/api/plugins/base/enable")).toMatchObject({ state: "active" });
    expect((await s.json<PluginView[]>("/api/plugins")).find((p) => p.id === "leaf")).toMatchObject({ state: "active" });
    expect((await s.h.api("leaf", "/hello")).status).toBe(200);

    // Removed with confirmation, its dependents wait; installed again, they start again.
    expect((await s.call("/api/plugins/base?withDependents=true", { method: "DELETE" })).status).toBe(200);
    expect((await s.json<PluginView[]>("/api/plugins")).find((p) => p.id === "leaf")).toMatchObject({
      state: "failed",
      errorCode: "HOST_ERR_DEPENDENCIES_UNMET",
    });
    await s.post("/api/plugins/install", { ref: "@test/base" });
    expect((await s.json<PluginView[]>("/api/plugins")).find((p) => p.id === "leaf")).toMatchObject({ state: "active" });
    expect((await s.h.api("leaf", "/hello")).status).toBe(200);
  });
});

describe("install references", () => {
  it("are validated before any request leaves: a crafted ref reaches neither another loopback port nor the registry", async () => {
    const s = await stack();
    const seen: string[] = [];
    const trap: Server = createServer((req: IncomingMessage, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.end("{}");
    });
    await new Promise<void>((resolve) => trap.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => trap.close(() => resolve())));
    const port = (trap.address() as AddressInfo).port;
    const before = s.reg.requests.length;

    const crafted: Record<string, unknown>[] = [
      { ref: `//127.0.0.1:${port}/` },
      { ref: `http://127.0.0.1:${port}/x` },
      { ref: `@x/y@1.0.0/../../..` },
      { ref: `@x/y@1.0.0/../../../..//127.0.0.1:${port}/` },
      { ref: `../../127.0.0.1:${port}` },
      { ref: `@x/../../y@1.0.0` },
      { ref: `@X/Y` },
      { ref: `@x/y@latest` },
      { ref: "" },
      { name: `http://127.0.0.1:${port}`, range: "1.0.0" },
      { name: "@test/ver", range: "1.0.0?x=/../../" },
      { name: "@test/ver", range: 1 },
      { name: "a".repeat(215) },
    ];
    for (const body of crafted) {
      const res = await s.call("/api/plugins/install", { method: "POST", body: JSON.stringify(body) });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(await res.json(), JSON.stringify(body)).toMatchObject({ error: "HOST_ERR_PACKAGE_REF_INVALID" });
    }
    expect(seen).toEqual([]);
    expect(s.reg.requests.slice(before)).toEqual([]);

    // A valid scoped name is escaped as npm escapes it, on the registry's own origin.
    await s.publish({ id: "ok", name: "@test/ok", version: "1.0.0" });
    expect(await s.post("/api/plugins/install", { name: "@test/ok", range: "^1.0.0" })).toMatchObject({ id: "ok", version: "1.0.0" });
    const after = s.reg.requests.slice(before).filter((r) => !r.startsWith("PUT /v1/packages") && !r.includes("/v1/admin/"));
    expect(after).toEqual(["GET /@test%2Fok", "GET /v1/tarballs/%40test%2Fok/1.0.0"]);
  });
});
