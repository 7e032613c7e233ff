import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestTrust, packAndSign } from "@archnest/sdk/testing";
import { generateKeyPair } from "@archnest/sdk/trust";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { HostGate, NO_CATALOG } from "../gate/index.js";
import { serveHost, serverUrl } from "../server/index.js";
import { addMember, createTestHost, type SignedIn, setupAdmin, type TestHost } from "../testing/index.js";
import { attachPlugins } from "./attach.js";
import { StaticEntitlements } from "./entitlements.js";
import { PluginRuntime } from "./runtime.js";
import { fixtureTarball, HELLO_ROUTES, writeFixturePlugin } from "./test-fixtures.js";
import { TrustStore } from "./trust-store.js";

const trust = createTestTrust();
const gated = (entitlements: StaticEntitlements) => ({ entitlements, gate: new HostGate(entitlements, NO_CATALOG, "/settings/store") });
const anchors = [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }];
const NOTES_DIR = new URL("../../../plugins/notes", import.meta.url).pathname;

interface Harness {
  t: TestHost;
  admin: SignedIn;
  entitlements: StaticEntitlements;
  runtime: Awaited<ReturnType<typeof attachPlugins>>["runtime"];
  install(file: string, query?: string): Promise<Response>;
  req(path: string, init?: RequestInit): Promise<Response>;
}

const open: TestHost[] = [];
afterEach(async () => {
  for (const t of open.splice(0)) await t.cleanup();
});

async function harness(opts: { licensed?: string[]; setupTimeoutMs?: number; corePluginsDir?: string } = {}): Promise<Harness> {
  const t = await createTestHost();
  open.push(t);
  const entitlements = new StaticEntitlements(opts.licensed ?? []);
  const { runtime } = await attachPlugins(t.host, {
    trust: anchors,
    entitlements,
    setupTimeoutMs: opts.setupTimeoutMs ?? 2000,
    ...(opts.corePluginsDir && { corePluginsDir: opts.corePluginsDir }),
  });
  const admin = await setupAdmin(t.host);
  const req = async (path: string, init: RequestInit = {}): Promise<Response> =>
    t.host.app.request(path, { ...init, headers: { ...admin.headers, ...(init.headers as Record<string, string>) } });
  return {
    t,
    admin,
    entitlements,
    runtime,
    req,
    install: async (file, query = "") =>
      req(`/api/plugins/install${query}`, { method: "POST", headers: { "content-type": "application/gzip" }, body: readFileSync(file) }),
  };
}

let notes100: string;
let notes110: string;
beforeAll(async () => {
  notes100 = await packAndSign(NOTES_DIR, trust.release);
  // 1.1.0: the same plugin with a bumped version, as an update would bring it.
  const dir = writeFixturePlugin({ id: "tmp" });
  const pkg = JSON.parse(readFileSync(join(NOTES_DIR, "package.json"), "utf8"));
  pkg.version = "1.1.0";
  cpSync(join(NOTES_DIR, "dist"), join(dir, "dist"), { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg));
  rmSync(join(dir, "server.js"));
  notes110 = await packAndSign(dir, trust.release);
});

describe("plugin runtime through the API", () => {
  it("installs a signed plugin from a file without a restart: listed, routed, in the UI manifest", async () => {
    const h = await harness();
    const res = await h.install(notes100, "?acceptPermissions=storage");
    expect(res.status).toBe(201);
    const installed = (await res.json()) as Record<string, unknown>;
    expect(installed).toMatchObject({
      id: "notes",
      version: "1.0.0",
      state: "active",
      permissions: ["storage"],
      signer: { name: "test-release", keyid: trust.release.keyid },
    });

    const list = (await (await h.req("/api/plugins")).json()) as { id: string }[];
    expect(list.map((p) => p.id)).toEqual(["notes"]);

    const add = await h.req("/api/plugins/notes/notes", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ text: "hello" }),
    });
    expect(add.status).toBe(201);
    const got = (await (await h.req("/api/plugins/notes/notes")).json()) as { title: string; notes: { text: string }[] };
    expect(got).toMatchObject({ title: "Notes", notes: [{ text: "hello" }] });

    const ui = (await (await h.req("/api/ui/manifest")).json()) as { plugins: { id: string; web: string; slots: { slot: string }[] }[] };
    expect(ui.plugins[0]?.slots[0]?.slot).toBe("dashboard.widget@1");
    const asset = await h.req(ui.plugins[0]?.web ?? "");
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toContain("javascript");
    expect(await asset.text()).toContain("solid-js/web");
  });

  it("tells open event streams when the UI manifest changes", async () => {
    const h = await harness();
    const res = await h.req("/api/ui/events");
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = "";
    const until = async (pattern: RegExp) => {
      while (!pattern.test(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`stream ended before ${pattern}: ${text}`);
        text += decoder.decode(value);
      }
    };
    await until(/event: manifest\ndata: \{"version":\d+\}/);
    const before = Number(/"version":(\d+)/.exec(text)?.[1]);
    text = "";
    await h.install(notes100, "?acceptPermissions=storage&progressId=p1");
    await until(/event: install\ndata: \{"id":"p1","phase":"done"/);
    expect(text).toMatch(/event: install\ndata: \{"id":"p1","phase":"verify"/);
    const versions = [...text.matchAll(/event: manifest\ndata: \{"version":(\d+)\}/g)].map((m) => Number(m[1]));
    expect(Math.max(...versions)).toBeGreaterThan(before);
    await reader.cancel();
  });

  it("validates settings against the declared schema and applies defaults", async () => {
    const h = await harness();
    await h.install(notes100, "?acceptPermissions=storage");
    expect(await (await h.req("/api/plugins/notes/settings")).json()).toEqual({ values: { title: "Notes", maxNotes: 50 } });
    const bad = await h.req("/api/plugins/notes/settings", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ values: { maxNotes: 0, colour: "red" } }),
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: "HOST_ERR_SETTINGS_INVALID",
      details: ["colour: not a declared setting", "maxNotes: must be between 1 and 500"],
    });
    const ok = await h.req("/api/plugins/notes/settings", {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ values: { title: "Ops" } }),
    });
    expect(await ok.json()).toEqual({ values: { title: "Ops", maxNotes: 50 } });
    expect(((await (await h.req("/api/plugins/notes/notes")).json()) as { title: string }).title).toBe("Ops");
  });

  it("asks for permissions before installing", async () => {
    const h = await harness();
    const res = await h.install(notes100);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: "HOST_ERR_PERMISSIONS_NOT_ACCEPTED", permissions: ["storage"] });
    expect(await (await h.req("/api/plugins")).json()).toEqual([]);
  });

  it("updates, keeps the previous version, refuses a downgrade, rolls back, pins, and uninstalls keeping data", async () => {
    const h = await harness();
    await h.install(notes100, "?acceptPermissions=storage");
    await h.req("/api/plugins/notes/notes", { method: "POST", body: JSON.stringify({ text: "kept" }) });
    const up = await h.install(notes110);
    expect(await up.json()).toMatchObject({ version: "1.1.0", previousVersion: "1.0.0", highestSeenVersion: "1.1.0", state: "active" });
    const pluginsDir = join(h.t.host.config.dataDir, "plugins", "notes");
    expect(readdirSync(pluginsDir).sort()).toEqual(["1.0.0", "1.1.0"]);

    const down = await h.install(notes100);
    expect(down.status).toBe(409);
    expect(((await down.json()) as { error: string }).error).toBe("HOST_ERR_ROLLBACK_REFUSED");

    const rolled = await h.req("/api/plugins/notes/rollback", { method: "POST" });
    expect(await rolled.json()).toMatchObject({ version: "1.0.0", previousVersion: null, policy: "pinned", pinnedFrom: "minor", state: "active" });
    expect(((await (await h.req("/api/plugins/notes/notes")).json()) as { notes: unknown[] }).notes).toHaveLength(1);

    expect(await (await h.req("/api/plugins/notes/unpin", { method: "POST" })).json()).toMatchObject({ policy: "minor" });
    expect(await (await h.req("/api/plugins/notes/pin", { method: "POST" })).json()).toMatchObject({ policy: "pinned" });

    const del = await h.req("/api/plugins/notes", { method: "DELETE" });
    expect(await del.json()).toEqual({ ok: true, dataKept: true });
    expect(existsSync(pluginsDir)).toBe(false);
    expect((await h.req("/api/plugins/notes/notes")).status).toBe(404);
    expect(((await (await h.req("/api/ui/manifest")).json()) as { plugins: unknown[] }).plugins).toEqual([]);

    // Data survives an uninstall: reinstalling the newer version shows the note again.
    await h.install(notes110, "?acceptPermissions=storage");
    expect(((await (await h.req("/api/plugins/notes/notes")).json()) as { notes: { text: string }[] }).notes[0]?.text).toBe("kept");

    await h.req("/api/plugins/notes?purge=true", { method: "DELETE" });
    await h.install(notes110, "?acceptPermissions=storage");
    expect(((await (await h.req("/api/plugins/notes/notes")).json()) as { notes: unknown[] }).notes).toEqual([]);
  });

  it("refuses tampered and foreign packages with their SDK code and changes nothing", async () => {
    const h = await harness();
    await h.install(notes100, "?acceptPermissions=storage");
    const before = JSON.stringify(await (await h.req("/api/plugins")).json());
    const dataDir = h.t.host.config.dataDir;
    const disk = () => JSON.stringify(readdirSync(join(dataDir, "plugins"), { recursive: true }).sort());
    const diskBefore = disk();

    const flipped = readFileSync(notes110);
    flipped.writeUInt8((flipped.readUInt8(flipped.length - 30) ^ 0xff) & 0xff, flipped.length - 30);
    const cases: [Buffer, string][] = [
      [flipped, "SDK_ERR_"],
      [Buffer.from("not a tarball"), "SDK_ERR_TARBALL_NOT_GZIP"],
      [readFileSync(await fixtureTarball({ id: "evil", name: "@evil/x" }, trust.release)), "SDK_ERR_KEY_SCOPE"],
      [readFileSync(await fixtureTarball({ id: "stranger" }, generateKeyPair())), "SDK_ERR_KEY_UNKNOWN"],
    ];
    for (const [bytes, code] of cases) {
      const res = await h.req("/api/plugins/install", { method: "POST", headers: { "content-type": "application/gzip" }, body: bytes });
      expect(res.status).toBe(422);
      expect(((await res.json()) as { error: string }).error).toMatch(new RegExp(`^${code}`));
    }
    expect(JSON.stringify(await (await h.req("/api/plugins")).json())).toBe(before);
    expect(disk()).toBe(diskBefore);
    expect(readdirSync(join(dataDir, "plugins", ".staging"))).toEqual([]);
  });

  it("marks a plugin whose setup throws, hangs or fails after registering as failed, and keeps the rest running", async () => {
    const h = await harness({ setupTimeoutMs: 300 });
    await h.install(await fixtureTarball({ id: "good", setup: HELLO_ROUTES }, trust.release));
    const throws = await h.install(await fixtureTarball({ id: "throws", setup: `throw new Error("boom");` }, trust.release));
    expect(throws.status).toBe(201);
    const hangs = await h.install(await fixtureTarball({ id: "hangs", setup: "await new Promise(() => {});" }, trust.release));
    const half = await h.install(
      await fixtureTarball({ id: "half", setup: `${HELLO_ROUTES}\nctx.events.on("x", () => {});\nthrow new Error("after routes");` }, trust.release),
    );
    const list = (await (await h.req("/api/plugins")).json()) as { id: string; state: string; errorCode: string; error: string }[];
    const byId = Object.fromEntries(list.map((p) => [p.id, p]));
    expect(byId.good?.state).toBe("active");
    expect(byId.throws).toMatchObject({ state: "failed", errorCode: "HOST_ERR_PLUGIN_SETUP_FAILED" });
    expect(byId.throws?.error).toContain("boom");
    expect(byId.hangs).toMatchObject({ state: "failed", errorCode: "HOST_ERR_PLUGIN_SETUP_TIMEOUT" });
    expect(byId.half).toMatchObject({ state: "failed", errorCode: "HOST_ERR_PLUGIN_SETUP_FAILED" });
    expect(hangs.status).toBe(201);
    expect(half.status).toBe(201);
    // Nothing the failed plugin registered remains: its route is gone, the good one answers.
    expect((await h.req("/api/plugins/half/hello")).status).toBe(503);
    expect(h.runtime.instance("half")).toBeUndefined();
    expect(await (await h.req("/api/plugins/good/hello")).json()).toEqual({ hello: "good", user: "admin" });
    expect((await h.req("/healthz")).status).toBe(200);
  });

  it("refuses a plugin built for a newer SDK and lists every unmet dependency at once", async () => {
    const h = await harness();
    const newer = await h.install(await fixtureTarball({ id: "future", sdk: "^2.0.0" }, trust.release));
    expect(newer.status).toBe(422);
    expect(await newer.json()).toMatchObject({ error: "HOST_ERR_SDK_INCOMPATIBLE" });
    await h.install(await fixtureTarball({ id: "base", version: "1.0.0" }, trust.release));
    const deps = await h.install(await fixtureTarball({ id: "needy", dependencies: { base: "^2.0.0", missing: "^1.0.0" } }, trust.release));
    expect(deps.status).toBe(422);
    const body = (await deps.json()) as { error: string; details: string[] };
    expect(body.error).toBe("HOST_ERR_DEPENDENCIES_UNMET");
    expect(body.details).toEqual(["base@^2.0.0 is needed, 1.0.0 is installed", "missing@^1.0.0 is not installed"]);
  });

  it("refuses to disable a plugin others depend on, naming them", async () => {
    const h = await harness();
    await h.install(await fixtureTarball({ id: "base" }, trust.release));
    await h.install(await fixtureTarball({ id: "child", dependencies: { base: "^1.0.0" } }, trust.release));
    const res = await h.req("/api/plugins/base/disable", { method: "POST" });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: "HOST_ERR_HAS_DEPENDENTS", details: ["child"] });
    expect((await h.req("/api/plugins/child/disable", { method: "POST" })).status).toBe(200);
    expect(await (await h.req("/api/plugins/base/disable", { method: "POST" })).json()).toMatchObject({ state: "disabled" });
    expect(await (await h.req("/api/plugins/base/enable", { method: "POST" })).json()).toMatchObject({ state: "active" });
  });

  it("gates a paid plugin: locked and 402 until licensed, restored with its data when the license returns", async () => {
    const h = await harness();
    const res = await h.install(
      await fixtureTarball({ id: "paid", module: "tmux", permissions: ["storage"], setup: HELLO_ROUTES }, trust.release),
      "?acceptPermissions=storage",
    );
    expect(await res.json()).toMatchObject({ state: "locked", errorCode: "HOST_ERR_MODULE_REQUIRED" });
    const locked = await h.req("/api/plugins/paid/hello");
    expect(locked.status).toBe(402);
    // No registry, no catalog: the body names the module and its store link, and no price.
    expect(await locked.json()).toEqual({
      error: "module_required",
      message: "This needs the tmux module.",
      requestId: locked.headers.get("x-request-id"),
      module: "tmux",
      purchaseUrl: "/settings/store#tmux",
    });

    h.entitlements.set(["tmux"]);
    await h.runtime.settled();
    expect(await (await h.req("/api/plugins/paid/count")).json()).toEqual({ n: 1 });

    h.entitlements.set([]);
    await h.runtime.settled();
    expect((await h.req("/api/plugins/paid/count")).status).toBe(402);
    expect(((await (await h.req("/api/plugins")).json()) as { state: string }[])[0]?.state).toBe("locked");

    h.entitlements.set(["tmux"]);
    await h.runtime.settled();
    expect(await (await h.req("/api/plugins/paid/count")).json()).toEqual({ n: 2 });
  });

  it("forwards a plugin's request under its own path, with the person's headers but never the session cookie or CSRF token", async () => {
    const h = await harness();
    await h.install(
      await fixtureTarball(
        {
          id: "echo",
          setup: `let aborted = 0;
            ctx.routes.mount({ fetch: (req, env) => {
              const path = new URL(req.url).pathname;
              if (path === "/hang") return new Promise((resolve) => req.signal.addEventListener("abort", () => { aborted += 1; resolve(new Response("gone")); }));
              if (path === "/aborted") return Response.json({ aborted });
              if (path === "/body") return req.text().then((text) => Response.json({ text, used: req.bodyUsed }));
              if (path === "/clone") {
                const copy = req.clone();
                return copy.text().then((text) => Response.json({ text, url: copy.url, custom: copy.headers.get("x-custom"), mode: req.mode }));
              }
              if (path === "/as-init") {
                const onward = new Request("http://upstream.invalid/y", req);
                return onward.json().then((body) => Response.json({ body, method: onward.method, custom: onward.headers.get("x-custom") }));
              }
              return Response.json({ url: req.url, method: req.method, headers: Object.fromEntries(req.headers), user: env.user.username, signal: req.signal instanceof AbortSignal && !req.signal.aborted });
            } });`,
        },
        trust.release,
      ),
    );
    const res = await h.req("/api/plugins/echo/deep/path?q=1", { headers: { "x-custom": "kept", range: "bytes=0-1" } });
    expect(res.status).toBe(200);
    const seen = (await res.json()) as { url: string; method: string; headers: Record<string, string>; user: string };
    expect(new URL(seen.url).pathname + new URL(seen.url).search).toBe("/deep/path?q=1");
    expect(seen).toMatchObject({ method: "GET", user: "admin", headers: { "x-custom": "kept", range: "bytes=0-1" } });
    expect(seen.headers.cookie).toBeUndefined();
    expect(seen.headers["x-archnest-csrf"]).toBeUndefined();
    expect(JSON.stringify(seen)).not.toContain(h.admin.headers["x-archnest-csrf"]);
    // The body, clone() and use as another request's init all work as on a native Request.
    const post = (path: string, body: string) =>
      h.req(`/api/plugins/echo/${path}`, { method: "POST", body, headers: { "content-type": "application/json", "x-custom": "kept" } }).then((r) => r.json());
    expect(await post("body", '{"a":1}')).toEqual({ text: '{"a":1}', used: true });
    expect(await post("clone", "copied")).toMatchObject({ text: "copied", custom: "kept", mode: "cors" });
    expect((await post("clone", "")) as { url: string }).toMatchObject({ url: expect.stringMatching(/\/clone$/) });
    expect(await post("as-init", '{"b":[2]}')).toEqual({ body: { b: [2] }, method: "POST", custom: "kept" });

    // The same over a real HTTP server, where the headers come from Node's raw list.
    const server = serveHost(h.t.host, { port: 0, hostname: "127.0.0.1" });
    await new Promise((r) => server.once("listening", r));
    try {
      const real = await fetch(`${serverUrl(server)}/api/plugins/echo/x`, { headers: { ...h.admin.headers, "X-Custom": "Kept" } });
      const got = (await real.json()) as { url: string; headers: Record<string, string> };
      expect(new URL(got.url).pathname).toBe("/x");
      expect(got.headers["x-custom"]).toBe("Kept");
      expect(got.headers.host).toBe(new URL(serverUrl(server)).host);
      expect(got.headers.cookie).toBeUndefined();
      expect(got.headers["x-archnest-csrf"]).toBeUndefined();
      expect(got).toMatchObject({ signal: true });
      const realPost = (path: string, body: string) =>
        fetch(`${serverUrl(server)}/api/plugins/echo/${path}`, { method: "POST", body, headers: { ...h.admin.headers, "x-custom": "kept" } }).then((r) =>
          r.json(),
        );
      expect(await realPost("body", "x".repeat(100_000))).toEqual({ text: "x".repeat(100_000), used: true });
      expect(await realPost("clone", "over the wire")).toMatchObject({ text: "over the wire", custom: "kept" });
      expect(await realPost("as-init", "[1,2,3]")).toEqual({ body: [1, 2, 3], method: "POST", custom: "kept" });
      // The plugin's request signal aborts when the person goes away mid-request.
      const leaving = new AbortController();
      const hang = fetch(`${serverUrl(server)}/api/plugins/echo/hang`, { headers: h.admin.headers, signal: leaving.signal }).catch((e: unknown) => e);
      await new Promise((r) => setTimeout(r, 200));
      leaving.abort();
      await hang;
      await vi.waitFor(async () => {
        const n = (await (await fetch(`${serverUrl(server)}/api/plugins/echo/aborted`, { headers: h.admin.headers })).json()) as { aborted: number };
        expect(n.aborted).toBe(1);
      });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("gives a plugin that uses an undeclared capability a coded error", async () => {
    const h = await harness();
    await h.install(
      await fixtureTarball(
        {
          id: "sneaky",
          setup: `try { await ctx.storage.get("x"); ctx.routes.mount({ fetch: () => Response.json({ leaked: true }) }); } catch (e) { ctx.routes.mount({ fetch: () => Response.json({ code: e.code }) }); }`,
        },
        trust.release,
      ),
    );
    expect(await (await h.req("/api/plugins/sneaky/any")).json()).toEqual({ code: "SDK_ERR_CAPABILITY_UNDECLARED" });
  });

  it("offers each core plugin file once: first boot installs, a newer file installs at the next boot, a removed one stays removed", async () => {
    const core = mkdtempSync(join(tmpdir(), "archnest-core-"));
    const t = await createTestHost();
    open.push(t);
    const seen = new Map<string, number>();
    const boot = async () => {
      const rt = new PluginRuntime({
        db: t.host.db,
        vault: t.host.vault,
        log: t.host.log,
        dataDir: t.host.config.dataDir,
        trust: new TrustStore(anchors, { get: async (k) => seen.get(k), set: async (k, v) => void seen.set(k, v) }),
        ...gated(new StaticEntitlements()),
        corePluginsDir: core,
      });
      await rt.start();
      const list = (await rt.list()).map((p) => `${p.id}@${p.version}:${p.source}`);
      return { rt, list };
    };
    copyFileSync(notes100, join(core, "notes.tgz"));
    let b = await boot();
    expect(b.list).toEqual(["notes@1.0.0:core"]);
    await b.rt.stop();

    copyFileSync(notes110, join(core, "notes.tgz"));
    b = await boot();
    expect(b.list).toEqual(["notes@1.1.0:core"]);
    await b.rt.uninstall("notes", false);
    await b.rt.stop();

    copyFileSync(await fixtureTarball({ id: "extra" }, trust.release), join(core, "extra.tgz"));
    b = await boot();
    expect(b.list).toEqual(["extra@1.0.0:core"]);
    await b.rt.stop();
    rmSync(core, { recursive: true, force: true });
  });

  it("installs and starts core plugins that depend on each other at first boot, whatever order their files sort in", async () => {
    const core = mkdtempSync(join(tmpdir(), "archnest-core-"));
    const t = await createTestHost();
    open.push(t);
    // "a-terminal" sorts before "b-hosts", which it needs: the dependency is installed, then both start.
    copyFileSync(await fixtureTarball({ id: "term", name: "@test/term", dependencies: { hosts: "^1.0.0" } }, trust.release), join(core, "a-terminal.tgz"));
    copyFileSync(await fixtureTarball({ id: "hosts", name: "@test/hosts" }, trust.release), join(core, "b-hosts.tgz"));
    const rt = new PluginRuntime({
      db: t.host.db,
      vault: t.host.vault,
      log: t.host.log,
      dataDir: t.host.config.dataDir,
      trust: new TrustStore(anchors, { get: async () => undefined, set: async () => undefined }),
      ...gated(new StaticEntitlements()),
      corePluginsDir: core,
    });
    await rt.start();
    expect((await rt.list()).map((p) => `${p.id}:${p.state}`).sort()).toEqual(["hosts:active", "term:active"]);
    await rt.stop();
    rmSync(core, { recursive: true, force: true });
  });

  it("keeps plugin administration to admins: a member uses plugins but cannot install, change or remove them", async () => {
    const h = await harness();
    expect((await h.install(notes100, "?acceptPermissions=storage")).status).toBe(201);
    const member = await addMember(h.t.host, "member", "member password 123");
    const as = (path: string, init: RequestInit = {}) =>
      h.t.host.app.request(path, { ...init, headers: { ...member.headers, "content-type": "application/json", ...(init.headers as Record<string, string>) } });
    expect((await as("/api/plugins")).status).toBe(200);
    expect((await as("/api/plugins/notes/notes")).status).toBe(200);
    const adminOnly: [string, string, string?][] = [
      ["POST", "/api/plugins/install", JSON.stringify({ ref: "@archnest/notes@^1.0.0" })],
      ["POST", "/api/plugins/notes/disable"],
      ["POST", "/api/plugins/notes/enable"],
      ["POST", "/api/plugins/notes/pin"],
      ["POST", "/api/plugins/notes/unpin"],
      ["POST", "/api/plugins/notes/rollback"],
      ["POST", "/api/plugins/notes/update"],
      ["PUT", "/api/plugins/notes/policy", JSON.stringify({ policy: "latest" })],
      ["PUT", "/api/plugins/notes/settings", JSON.stringify({ values: {} })],
      ["DELETE", "/api/plugins/notes"],
    ];
    for (const [method, path, body] of adminOnly) {
      const res = await as(path, { method, ...(body !== undefined && { body }) });
      expect([path, res.status, ((await res.json()) as { error: string }).error]).toEqual([path, 403, "HOST_ERR_FORBIDDEN"]);
    }
    expect((await h.runtime.list()).find((p) => p.id === "notes")?.state).toBe("active");
  });

  it("needs a session for every plugin and UI route", async () => {
    const h = await harness();
    await h.install(notes100, "?acceptPermissions=storage");
    for (const path of ["/api/plugins", "/api/ui/manifest", "/api/ui/events", "/api/plugins/notes/notes", "/api/ui/assets/notes/1.0.0/dist/web.js"]) {
      expect((await h.t.host.app.request(path)).status).toBe(401);
    }
  });
});
