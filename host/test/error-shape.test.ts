// Every error the host answers over HTTP, whoever wrote it (the host's routes and middleware, the license
// gate, a plugin's own handler), has the one wire shape {error, message, requestId}, and the request id is
// the X-Request-Id header and the id of the request's line in the host log.
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestTrust, packAndSign } from "@archnest/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type HostProcess, readSetupCode, startHostProcess } from "../src/testing/index.js";

const NOTES = new URL("../../plugins/notes", import.meta.url).pathname;
const trust = createTestTrust();
const dir = mkdtempSync(join(tmpdir(), "archnest-error-shape-"));
const dataDir = join(dir, "data");
let host: HostProcess;
let admin: Record<string, string> = {};

beforeAll(async () => {
  mkdirSync(join(dir, "trust"), { recursive: true });
  const files = trust.writeFiles(join(dir, "trust"));
  const core = join(dir, "no-core-plugins");
  mkdirSync(core, { recursive: true });
  host = await startHostProcess({
    HOME: dir,
    XDG_CONFIG_HOME: join(dir, "config"),
    ARCHNEST_DATA_DIR: dataDir,
    ARCHNEST_PORT: "0",
    ARCHNEST_LOG_LEVEL: "info",
    ARCHNEST_DEV: "1",
    ARCHNEST_DEV_TRUST_ROOT: files.rootPub,
    ARCHNEST_DEV_TRUST_KEYRING: files.keyring,
    ARCHNEST_CORE_PLUGINS_DIR: core,
  });
  const setup = await fetch(`${host.url}/api/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: "correct horse battery", setupCode: readSetupCode(dataDir) }),
  });
  expect(setup.status).toBe(201);
  const { csrfToken } = (await setup.json()) as { csrfToken: string };
  admin = { cookie: (setup.headers.get("set-cookie") ?? "").split(";")[0] ?? "", "x-archnest-csrf": csrfToken, origin: host.url };
  const form = new FormData();
  form.set("file", new Blob([readFileSync(await packAndSign(NOTES, trust.release, join(dir, "notes.tgz")))]), "notes.tgz");
  form.append("acceptPermissions", "storage");
  const installed = await fetch(`${host.url}/api/plugins/install`, { method: "POST", headers: admin, body: form });
  expect(installed.status, await installed.clone().text()).toBe(201);
}, 120_000);

afterAll(async () => {
  await host?.kill();
  rmSync(dir, { recursive: true, force: true });
});

/** A GET with a Host header of our choosing, which fetch() does not let a caller set (a DNS rebinding page's request). */
function withHostHeader(url: string, hostHeader: string): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers: { host: hostHeader } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === "string") headers.set(name, value);
        resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 0, headers }));
      });
    });
    req.on("error", reject);
    req.end();
  });
}

/** The body of an error answer, after checking the shape every error shares. */
async function errorOf(res: Response, status: number, code: string): Promise<Record<string, unknown>> {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toMatch(/application\/json/);
  const body = (await res.json()) as Record<string, unknown>;
  const requestId = res.headers.get("x-request-id");
  expect(requestId).toMatch(/^[A-Za-z0-9._:-]{8,128}$/);
  expect(body).toMatchObject({ error: code, message: expect.stringMatching(/\S/), requestId });
  return body;
}

describe("the error wire shape", () => {
  it("is the same for the host's router, middleware, auth and validation errors", async () => {
    await errorOf(await fetch(`${host.url}/api/no-such-route`, { headers: admin }), 404, "HOST_ERR_NOT_FOUND");
    await errorOf(await fetch(`${host.url}/api/plugins`), 401, "HOST_ERR_UNAUTHENTICATED");
    await errorOf(await fetch(`${host.url}/api/%ff`, { headers: admin }), 400, "HOST_ERR_BAD_PATH");
    await errorOf(await withHostHeader(`${host.url}/api/plugins`, "evil.example"), 421, "HOST_ERR_HOST_NOT_ALLOWED");
    const { "x-archnest-csrf": _csrf, ...noCsrf } = admin;
    await errorOf(
      await fetch(`${host.url}/api/prefs/x`, { method: "PUT", headers: { ...noCsrf, "content-type": "application/json" }, body: "{}" }),
      403,
      "HOST_ERR_CSRF",
    );
    const login = await fetch(`${host.url}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ username: "admin", password: "wrong password 123" }),
    });
    await errorOf(login, 401, "HOST_ERR_LOGIN_FAILED");
    const policy = await fetch(`${host.url}/api/plugins/notes/policy`, {
      method: "PUT",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ policy: "sometimes" }),
    });
    await errorOf(policy, 400, "HOST_ERR_VALIDATION");
  });

  it("is the same for a plugin's own error answers and for plugins the host cannot reach", async () => {
    const missing = await fetch(`${host.url}/api/plugins/notes/notes/does-not-exist`, { method: "DELETE", headers: admin });
    expect(await errorOf(missing, 404, "NOTES_ERR_NOT_FOUND")).toEqual({
      error: "NOTES_ERR_NOT_FOUND",
      message: "No such note.",
      requestId: missing.headers.get("x-request-id"),
    });
    await errorOf(await fetch(`${host.url}/api/plugins/nope/anything`, { headers: admin }), 404, "HOST_ERR_PLUGIN_NOT_FOUND");
  });

  it("carries a caller's safe X-Request-Id through to the body and the host log, and replaces an unsafe one", async () => {
    const traced = await fetch(`${host.url}/api/no-such-route`, { headers: { ...admin, "x-request-id": "trace-0123456789" } });
    expect((await errorOf(traced, 404, "HOST_ERR_NOT_FOUND")).requestId).toBe("trace-0123456789");
    expect(host.output()).toMatch(/"requestId":"trace-0123456789"[^\n]*"status":404/);

    const forged = await fetch(`${host.url}/api/no-such-route`, { headers: { ...admin, "x-request-id": "bad id\u00e9" } });
    const body = await errorOf(forged, 404, "HOST_ERR_NOT_FOUND");
    expect(body.requestId).not.toContain("bad id");
  });
});
