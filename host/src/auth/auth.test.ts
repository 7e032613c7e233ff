import { existsSync, statSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createTestHost, jsonOf, readSetupCode, setupAdmin, signedIn, type TestHost } from "../testing/index.js";
import { setupCodeFile } from "./setup-code.js";

const JSON_HEADERS = { "content-type": "application/json" };
let t: TestHost | undefined;
afterEach(async () => {
  await t?.cleanup();
  t = undefined;
});

async function start(options: Parameters<typeof createTestHost>[0] = {}): Promise<TestHost> {
  t = await createTestHost(options);
  return t;
}

/** A setup body carrying the host's setup code, as the person who started it would send. */
function setupBody(t: TestHost, fields: Record<string, unknown>): string {
  return JSON.stringify({ ...fields, setupCode: readSetupCode(t.host.config.dataDir) });
}

function login(t: TestHost, username: string, password: string, headers: Record<string, string> = {}) {
  return t.host.app.request("/api/auth/login", { method: "POST", headers: { ...JSON_HEADERS, ...headers }, body: JSON.stringify({ username, password }) });
}

describe("setup", () => {
  it("creates the single admin once, signs them in, and answers 409 HOST_ERR_SETUP_DONE afterwards", async () => {
    const { host } = await start();
    expect(await jsonOf(await host.app.request("/api/setup"))).toEqual({ needsSetup: true });
    const early = await login(t as TestHost, "ann", "correct horse battery");
    expect(early.status).toBe(409);
    expect((await jsonOf(early)).error).toBe("HOST_ERR_SETUP_REQUIRED");

    const res = await host.app.request("/api/setup", {
      method: "POST",
      headers: JSON_HEADERS,
      body: setupBody(t as TestHost, { username: "Ann", password: "correct horse battery" }),
    });
    expect(res.status).toBe(201);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^archnest_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Path=/");
    expect(cookie).not.toContain("Secure");
    const body = (await res.clone().json()) as { user: { username: string; role: string }; csrfToken: string };
    expect(body.user).toMatchObject({ username: "ann", role: "admin" });
    expect(JSON.stringify(body)).not.toContain("correct horse");
    const session = await signedIn(res);

    const me = await host.app.request("/api/auth/me", { headers: { cookie: session.cookie } });
    expect(me.status).toBe(200);
    expect(await jsonOf(me)).toMatchObject({ user: { username: "ann", role: "admin" }, csrfToken: session.csrfToken });

    expect(await jsonOf(await host.app.request("/api/setup"))).toEqual({ needsSetup: false });
    const again = await host.app.request("/api/setup", {
      method: "POST",
      headers: JSON_HEADERS,
      body: JSON.stringify({ username: "eve", password: "another long password" }),
    });
    expect(again.status).toBe(409);
    expect((await jsonOf(again)).error).toBe("HOST_ERR_SETUP_DONE");
  });

  it("creates exactly one admin when two setups race", async () => {
    const { host } = await start();
    const body = (u: string) => setupBody(t as TestHost, { username: u, password: "correct horse battery" });
    const bodies = ["one", "two", "three"].map(body);
    const attempt = (b: string) => host.app.request("/api/setup", { method: "POST", headers: JSON_HEADERS, body: b });
    const statuses = (await Promise.all(bodies.map(attempt))).map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409]);
  });

  it("needs the setup code written 0600 to the data folder; refuses a missing or wrong one with 403 and spends it", async () => {
    const { host, lines } = await start();
    const file = setupCodeFile(host.config.dataDir);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const code = readSetupCode(host.config.dataDir);
    expect(code).toMatch(/^[0-9a-f]{32}$/);
    // Printed for whoever started the host.
    expect(lines.some((l) => l.setupCode === code)).toBe(true);
    const post = (fields: Record<string, unknown>) => host.app.request("/api/setup", { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(fields) });
    const credentials = { username: "ann", password: "correct horse battery" };
    for (const attempt of [
      credentials,
      { ...credentials, setupCode: "" },
      { ...credentials, setupCode: "0".repeat(32) },
      { ...credentials, setupCode: `${code}x` },
    ]) {
      const res = await post(attempt);
      expect(res.status).toBe(403);
      expect((await jsonOf(res)).error).toBe("HOST_ERR_SETUP_CODE");
    }
    expect(await jsonOf(await host.app.request("/api/setup"))).toEqual({ needsSetup: true });
    expect((await post({ ...credentials, setupCode: code })).status).toBe(201);
    expect(existsSync(file)).toBe(false);
    expect((await jsonOf(await post({ username: "eve", password: "another long password", setupCode: code }))).error).toBe("HOST_ERR_SETUP_DONE");
  });

  it("enforces the password policy and validates the body", async () => {
    const { host } = await start();
    const post = (body: string) => host.app.request("/api/setup", { method: "POST", headers: JSON_HEADERS, body });
    const withCode = (fields: Record<string, unknown>) => setupBody(t as TestHost, fields);
    const weak = await post(withCode({ username: "ann", password: "short" }));
    expect(weak.status).toBe(400);
    expect((await jsonOf(weak)).error).toBe("HOST_ERR_PASSWORD_WEAK");
    const badJson = await post("{not json");
    expect((await jsonOf(badJson)).error).toBe("HOST_ERR_BAD_REQUEST");
    const badName = await post(withCode({ username: "a b/c", password: "correct horse battery" }));
    const bad = await jsonOf(badName);
    expect(bad.error).toBe("HOST_ERR_VALIDATION");
    expect(bad.message).toContain("username");
    const extra = await post(withCode({ username: "ann", password: "correct horse battery", role: "member" }));
    expect((await jsonOf(extra)).error).toBe("HOST_ERR_VALIDATION");
    const huge = await post(withCode({ username: "ann", password: "x".repeat(20_000) }));
    expect(huge.status).toBe(413);
    expect(await jsonOf(await host.app.request("/api/setup"))).toEqual({ needsSetup: true });
  });
});

describe("login, me, logout", () => {
  it("signs in with the right password only, and logout ends the session", async () => {
    const { host } = await start();
    await setupAdmin(host, "ann", "correct horse battery");
    const wrong = await login(t as TestHost, "ann", "wrong password!!");
    expect(wrong.status).toBe(401);
    expect((await jsonOf(wrong)).error).toBe("HOST_ERR_LOGIN_FAILED");
    const unknown = await login(t as TestHost, "nobody", "correct horse battery");
    expect(unknown.status).toBe(401);
    expect((await jsonOf(unknown)).error).toBe("HOST_ERR_LOGIN_FAILED");

    const ok = await login(t as TestHost, "ANN", "correct horse battery");
    expect(ok.status).toBe(200);
    const s = await signedIn(ok);
    expect((await host.app.request("/api/auth/me", { headers: { cookie: s.cookie } })).status).toBe(200);

    const out = await host.app.request("/api/auth/logout", { method: "POST", headers: s.headers });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/archnest_session=;.*Max-Age=0/);
    const after = await host.app.request("/api/auth/me", { headers: { cookie: s.cookie } });
    expect(after.status).toBe(401);
    expect((await jsonOf(after)).error).toBe("HOST_ERR_UNAUTHENTICATED");
  });

  it("never logs passwords, tokens or cookies", async () => {
    const { host, lines } = await start();
    const s = await setupAdmin(host, "ann", "correct horse battery");
    await login(t as TestHost, "ann", "wrong password!!");
    await host.app.request("/api/auth/me", { headers: { cookie: s.cookie } });
    const out = JSON.stringify(lines);
    expect(out).not.toContain("correct horse battery");
    expect(out).not.toContain("wrong password!!");
    expect(out).not.toContain(s.cookie.split("=")[1]);
    expect(out).not.toContain(s.csrfToken);
    expect(lines.some((l) => l.msg === "login failed")).toBe(true);
  });

  it("expires sessions after 30 days without use and slides the expiry when used", async () => {
    let now = Date.UTC(2026, 0, 1);
    const { host } = await start({ now: () => now });
    const s = await setupAdmin(host);
    const day = 24 * 60 * 60 * 1000;
    now += 29 * day;
    const used = await host.app.request("/api/auth/me", { headers: { cookie: s.cookie } });
    expect(used.status).toBe(200);
    expect(used.headers.get("set-cookie")).toContain("Max-Age=2592000");
    now += 29 * day;
    expect((await host.app.request("/api/auth/me", { headers: { cookie: s.cookie } })).status).toBe(200);
    now += 31 * day;
    expect((await host.app.request("/api/auth/me", { headers: { cookie: s.cookie } })).status).toBe(401);
  });

  it("marks the cookie Secure on https", async () => {
    // archnest.example is not a loopback name: the host serves it only when told to.
    const { host } = await start({ env: { ARCHNEST_ALLOWED_HOSTS: "archnest.example" } });
    const res = await host.app.request("https://archnest.example/api/setup", {
      method: "POST",
      headers: JSON_HEADERS,
      body: setupBody(t as TestHost, { username: "ann", password: "correct horse battery" }),
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("set-cookie")).toContain("Secure");
  });
});

describe("login rate limits", () => {
  it("refuses an address after its failure limit with 429, Retry-After and HOST_ERR_RATE_LIMITED until the window passes", async () => {
    let now = Date.UTC(2026, 0, 1);
    const { host } = await start({ now: () => now, loginRateLimits: { perAddress: 5 } });
    await setupAdmin(host, "ann", "correct horse battery");
    for (let i = 0; i < 5; i++) expect((await login(t as TestHost, `user${i}`, "wrong password!!")).status).toBe(401);
    const limited = await login(t as TestHost, "ann", "correct horse battery");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(15 * 60);
    expect((await jsonOf(limited)).error).toBe("HOST_ERR_RATE_LIMITED");
    now += 15 * 60 * 1000 + 1;
    expect((await login(t as TestHost, "ann", "correct horse battery")).status).toBe(200);
  });

  it("slows an account down after repeated failures but still lets the right password in", async () => {
    const { host, lines } = await start({ loginRateLimits: { freeFailuresPerUser: 2, userDelayBaseMs: 1, userDelayMaxMs: 4 } });
    await setupAdmin(host, "ann", "correct horse battery");
    for (let i = 0; i < 12; i++) expect((await login(t as TestHost, "ann", `wrong password ${i}`)).status).toBe(401);
    const delays = lines.filter((l) => l.msg === "login failed").map((l) => l.delayMs);
    expect(delays.slice(0, 2)).toEqual([0, 0]);
    expect(delays.slice(2, 5)).toEqual([1, 2, 4]);
    expect(delays.at(-1)).toBe(4);
    expect((await login(t as TestHost, "ann", "correct horse battery")).status).toBe(200);
  });

  it("counts parallel guesses before they finish, so a burst is slowed as a sequence would be", async () => {
    const { host, lines } = await start({ loginRateLimits: { freeFailuresPerUser: 0, userDelayBaseMs: 1, userDelayMaxMs: 1000 } });
    await setupAdmin(host, "ann", "correct horse battery");
    const burst = await Promise.all(Array.from({ length: 6 }, (_, i) => login(t as TestHost, "ann", `wrong password ${i}`)));
    expect(burst.map((r) => r.status)).toEqual([401, 401, 401, 401, 401, 401]);
    const delays = lines.filter((l) => l.msg === "login failed").map((l) => Number(l.delayMs));
    expect(delays.sort((a, b) => a - b)).toEqual([1, 2, 4, 8, 16, 32]);
  });

  it("does not count successful logins against the address", async () => {
    const { host } = await start({ loginRateLimits: { perAddress: 2 } });
    await setupAdmin(host, "ann", "correct horse battery");
    for (let i = 0; i < 3; i++) expect((await login(t as TestHost, "ann", "correct horse battery")).status).toBe(200);
  });

  it("refuses an address after its failures across many usernames", async () => {
    const { host } = await start({ loginRateLimits: { perAddress: 3 }, env: { ARCHNEST_TRUST_PROXY: "1" } });
    await setupAdmin(host, "ann", "correct horse battery");
    const from = (ip: string) => ({ "x-forwarded-for": `203.0.113.9, ${ip}` });
    for (const u of ["bob", "carol", "dave"]) expect((await login(t as TestHost, u, "wrong password!!", from("198.51.100.7"))).status).toBe(401);
    const limited = await login(t as TestHost, "ann", "correct horse battery", from("198.51.100.7"));
    expect(limited.status).toBe(429);
    expect((await jsonOf(limited)).error).toBe("HOST_ERR_RATE_LIMITED");
    // Another address is unaffected.
    expect((await login(t as TestHost, "ann", "correct horse battery", from("198.51.100.8"))).status).toBe(200);
  });
});

describe("CSRF", () => {
  it("refuses a cookie-authenticated change without the token, with a wrong token, or from another origin", async () => {
    const { host } = await start();
    const s = await setupAdmin(host);
    const logout = (headers: Record<string, string>) => host.app.request("http://localhost/api/auth/logout", { method: "POST", headers });
    for (const headers of [
      { cookie: s.cookie },
      { cookie: s.cookie, "x-archnest-csrf": "x".repeat(43) },
      { ...s.headers, origin: "http://evil.example" },
      { ...s.headers, origin: "null" },
    ]) {
      const res = await logout(headers);
      expect(res.status).toBe(403);
      expect((await jsonOf(res)).error).toBe("HOST_ERR_CSRF");
    }
    // Still signed in: none of the refused requests took effect.
    expect((await host.app.request("/api/auth/me", { headers: { cookie: s.cookie } })).status).toBe(200);
    expect((await logout({ ...s.headers, origin: "http://localhost", host: "localhost" })).status).toBe(204);
  });

  it("refuses a cross-origin login (login CSRF)", async () => {
    const { host } = await start();
    await setupAdmin(host, "ann", "correct horse battery");
    const res = await login(t as TestHost, "ann", "correct horse battery", { origin: "http://evil.example", host: "localhost" });
    expect(res.status).toBe(403);
    expect((await jsonOf(res)).error).toBe("HOST_ERR_CSRF");
  });
});

describe("password change", () => {
  it("needs the current password, enforces the policy, and signs out other sessions", async () => {
    const { host } = await start();
    const first = await setupAdmin(host, "ann", "correct horse battery");
    const other = await signedIn(await login(t as TestHost, "ann", "correct horse battery"));
    const change = (body: unknown) =>
      host.app.request("/api/auth/password", { method: "POST", headers: { ...JSON_HEADERS, ...first.headers }, body: JSON.stringify(body) });

    const wrong = await change({ currentPassword: "not the password", newPassword: "a brand new password" });
    expect(wrong.status).toBe(403);
    expect((await jsonOf(wrong)).error).toBe("HOST_ERR_PASSWORD_WRONG");
    const weak = await change({ currentPassword: "correct horse battery", newPassword: "short" });
    expect((await jsonOf(weak)).error).toBe("HOST_ERR_PASSWORD_WEAK");
    expect((await change({ currentPassword: "correct horse battery", newPassword: "a brand new password" })).status).toBe(204);

    expect((await host.app.request("/api/auth/me", { headers: { cookie: first.cookie } })).status).toBe(200);
    expect((await host.app.request("/api/auth/me", { headers: { cookie: other.cookie } })).status).toBe(401);
    expect((await login(t as TestHost, "ann", "correct horse battery")).status).toBe(401);
    expect((await login(t as TestHost, "ann", "a brand new password")).status).toBe(200);
  });
});
