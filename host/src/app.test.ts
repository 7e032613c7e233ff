import { afterEach, describe, expect, it } from "vitest";
import { PUBLIC_API_ROUTES } from "./auth/index.js";
import { serveHost, serverUrl } from "./server/index.js";
import { createTestHost, jsonOf, setupAdmin, type TestHost } from "./testing/index.js";

let t: TestHost | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

// Routes anyone may call. Adding a route here is a security decision: review it.
// Spelled out here rather than read from the guard, so widening the guard's allowlist fails this test.
const PUBLIC_ROUTES = new Set([
  "GET /api/setup",
  "HEAD /api/setup",
  "POST /api/setup",
  "POST /api/auth/login",
  "GET /healthz",
  "HEAD /healthz",
  "GET /readyz",
  "HEAD /readyz",
]);
// Global middleware entries ("*") match every path; the paths they match are walked through their own routes.
const GLOBAL_MIDDLEWARE_PATHS = new Set(["*", "/*"]);
const ALL_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];

function concretePath(path: string): string {
  return path.replace(/:[A-Za-z0-9_]+(\{[^}]*\})?\??/g, "x1").replace(/\*/g, "anything");
}

describe("every route needs a session", () => {
  it("answers 401 HOST_ERR_UNAUTHENTICATED without a session (or with a forged one) on every registered route but the public ones", async () => {
    expect([...PUBLIC_API_ROUTES].sort()).toEqual([...PUBLIC_ROUTES].filter((r) => r.includes(" /api/")).sort());
    t = await createTestHost();
    const { app } = t.host;
    // A route registered after createHost, as the plugin runtime and UI manifest do, is covered too.
    app.get("/api/added-later/:id", (c) => c.json({ leaked: true }));
    app.post("/api/added-later/:id/action", (c) => c.json({ leaked: true }));

    const checked: string[] = [];
    for (const route of app.routes) {
      if (GLOBAL_MIDDLEWARE_PATHS.has(route.path)) continue;
      const methods = route.method === "ALL" ? ALL_METHODS : [route.method];
      for (const method of methods) {
        const path = concretePath(route.path);
        if (PUBLIC_ROUTES.has(`${method} ${path}`)) continue;
        for (const cookie of [undefined, "archnest_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"]) {
          const res = await app.request(path, { method, headers: cookie ? { cookie } : {} });
          expect(res.status, `${method} ${path}`).toBe(401);
          expect((await jsonOf(res)).error, `${method} ${path}`).toBe("HOST_ERR_UNAUTHENTICATED");
        }
        checked.push(`${method} ${route.path}`);
      }
    }
    expect(checked).toContain("GET /api/auth/me");
    expect(checked).toContain("POST /api/auth/logout");
    expect(checked).toContain("POST /api/auth/password");
    expect(checked).toContain("GET /api/added-later/:id");
    expect(checked).toContain("POST /api/added-later/:id/action");
    // Unknown /api paths do not reveal whether they exist.
    expect((await app.request("/api/no-such-thing")).status).toBe(401);
  });

  it("serves the public probes without a session", async () => {
    t = await createTestHost();
    const health = await t.host.app.request("/healthz");
    expect(health.status).toBe(200);
    expect(await jsonOf(health)).toEqual({ status: "ok" });
    const ready = await t.host.app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await jsonOf(ready)).toEqual({ status: "ready" });
  });

  it("reports not ready once the database is gone", async () => {
    t = await createTestHost();
    await t.host.close();
    const ready = await t.host.app.request("/readyz");
    expect(ready.status).toBe(503);
    expect((await jsonOf(ready)).error).toBe("HOST_ERR_NOT_READY");
  });
});

describe("responses", () => {
  it("carry a strict Content-Security-Policy and the other security headers", async () => {
    t = await createTestHost({ cspScriptHashes: ["sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "'sha384-BBBB'"] });
    for (const path of ["/healthz", "/api/auth/me", "/nowhere"]) {
      const res = await t.host.app.request(path);
      const csp = res.headers.get("content-security-policy") ?? "";
      const directives = Object.fromEntries(
        csp.split(";").map((d) => {
          const [name, ...values] = d.trim().split(/\s+/);
          return [name, values.join(" ")];
        }),
      );
      expect(directives).toMatchObject({
        "default-src": "'self'",
        "script-src": "'self' 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' 'sha384-BBBB'",
        "style-src": "'self' 'unsafe-inline'",
        "connect-src": "'self'",
        "img-src": "'self' data: https:",
        "frame-ancestors": "'none'",
        "object-src": "'none'",
        "base-uri": "'none'",
      });
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("x-frame-options")).toBe("DENY");
      expect(res.headers.get("strict-transport-security")).toBe("max-age=15552000");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("cross-origin-resource-policy")).toBe("same-origin");
      expect(res.headers.get("x-request-id")).toBeTruthy();
      // Headers that act only on a rendered page go on pages; API answers carry the API set.
      const page = !path.startsWith("/api/");
      expect(res.headers.get("cross-origin-opener-policy")).toBe(page ? "same-origin" : null);
      expect(res.headers.get("permissions-policy")).toBe(page ? "camera=(), microphone=(), geolocation=()" : null);
      expect(res.headers.get("x-xss-protection")).toBe(page ? "0" : null);
    }
  });

  it("carry them over a real server too, where a route that sends its own policy keeps it", async () => {
    t = await createTestHost();
    const { app } = t.host;
    const sandbox = "default-src 'none'; sandbox";
    app.get("/own", (c) => c.text("page", 200, { "content-security-policy": sandbox }));
    app.get("/api/own-cache", (c) => c.json({ ok: true }, 200, { "cache-control": "private, max-age=60" }));
    app.get("/api/boom", () => {
      throw new Error("boom");
    });
    const s = await setupAdmin(t.host);
    const server = serveHost(t.host, { port: 0, hostname: "127.0.0.1" });
    await new Promise((r) => server.once("listening", r));
    try {
      const base = serverUrl(server);
      const get = (path: string, init?: RequestInit) => fetch(`${base}${path}`, init);
      for (const res of [await get("/healthz"), await get("/api/boom", { headers: { cookie: s.cookie } }), await get("/nowhere")]) {
        expect(res.headers.get("content-security-policy")).toContain("frame-ancestors 'none'");
        expect(res.headers.get("x-frame-options")).toBe("DENY");
        expect(res.headers.get("strict-transport-security")).toBe("max-age=15552000");
        expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
        await res.arrayBuffer();
      }
      expect((await get("/healthz")).headers.get("cache-control")).toBeNull();
      const me = await get("/api/auth/me", { headers: { cookie: s.cookie, "x-request-id": "req-over-http-1" } });
      expect(me.headers.get("cache-control")).toBe("no-store");
      expect(me.headers.get("x-request-id")).toBe("req-over-http-1");
      // A route's own policy wins, over HTTP and under app.request() alike; the other headers are the host's.
      for (const res of [await get("/own"), await app.request("/own")]) {
        expect(res.headers.get("content-security-policy")).toBe(sandbox);
        expect(res.headers.get("x-content-type-options")).toBe("nosniff");
        expect(await res.text()).toBe("page");
      }
      for (const res of [
        await get("/api/own-cache", { headers: { cookie: s.cookie } }),
        await app.request("/api/own-cache", { headers: { cookie: s.cookie } }),
      ]) {
        expect(res.headers.get("cache-control")).toBe("private, max-age=60");
      }
      // The session cookie, CSRF token and Origin are read from Node's own headers over HTTP: the same checks hold.
      const host = new URL(base).host;
      const logout = (headers: Record<string, string>) =>
        get("/api/auth/logout", { method: "POST", headers }).then(async (r) => [r.status, r.ok ? undefined : (await jsonOf(r)).error]);
      expect(await logout({ cookie: s.cookie, "x-archnest-csrf": "wrong" })).toEqual([403, "HOST_ERR_CSRF"]);
      expect(await logout({ ...s.headers, origin: "http://elsewhere.example" })).toEqual([403, "HOST_ERR_CSRF"]);
      expect(await logout({ cookie: "archnest_session=forged", "x-archnest-csrf": s.csrfToken })).toEqual([401, "HOST_ERR_UNAUTHENTICATED"]);
      expect((await logout({ ...s.headers, origin: `http://${host}`, cookie: `theme=dark; ${s.cookie}` }))[0]).toBe(204);
      expect((await get("/api/auth/me", { headers: { cookie: s.cookie } })).status).toBe(401);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it("refuses a malformed CSP hash at build time", async () => {
    await expect(createTestHost({ cspScriptHashes: ["'unsafe-inline'"] })).rejects.toThrow(/CSP hash/);
  });

  it("mark API answers no-store and answer unknown routes with 404 HOST_ERR_NOT_FOUND once signed in", async () => {
    t = await createTestHost();
    const s = await setupAdmin(t.host);
    const me = await t.host.app.request("/api/auth/me", { headers: { cookie: s.cookie } });
    expect(me.headers.get("cache-control")).toBe("no-store");
    const missing = await t.host.app.request("/api/no-such-thing", { headers: { cookie: s.cookie } });
    expect(missing.status).toBe(404);
    expect((await jsonOf(missing)).error).toBe("HOST_ERR_NOT_FOUND");
  });

  it("hide internal errors behind HOST_ERR_INTERNAL and log them with the request id", async () => {
    t = await createTestHost();
    // Hono builds its router on the first request: routes are added before it.
    t.host.app.get("/api/explode", () => {
      throw new Error("secret internal detail /etc/archnest");
    });
    const s = await setupAdmin(t.host);
    const res = await t.host.app.request("/api/explode", { headers: { cookie: s.cookie, "x-request-id": "req-explode-1" } });
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text).error).toBe("HOST_ERR_INTERNAL");
    expect(text).not.toContain("secret internal detail");
    const logged = t.lines.find((l) => l.msg === "unhandled error");
    expect(logged).toMatchObject({ requestId: "req-explode-1", level: "error" });
    expect(JSON.stringify(logged)).toContain("secret internal detail");
  });
});

describe("WebSocket upgrade authentication", () => {
  it("accepts the session cookie from the same origin only", async () => {
    t = await createTestHost();
    const s = await setupAdmin(t.host);
    expect(await t.host.authenticateUpgrade({ cookie: `theme=dark; ${s.cookie}`, origin: "http://localhost:8765", host: "localhost:8765" })).toMatchObject({
      username: "admin",
    });
    expect(await t.host.authenticateUpgrade({ cookie: s.cookie, origin: "http://evil.example", host: "localhost:8765" })).toBeUndefined();
    expect(await t.host.authenticateUpgrade({ cookie: "archnest_session=nope", host: "localhost:8765" })).toBeUndefined();
    expect(await t.host.authenticateUpgrade({ host: "localhost:8765" })).toBeUndefined();
  });
});
