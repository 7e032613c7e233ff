// "Check now" over HTTP against the host served on 127.0.0.1, with a real registry that the test stops:
// a failed check answers its code, never a 200 that reads as success.
import type { Server } from "node:http";
import { createTestTrust } from "@archnest/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { attachPlugins } from "../src/plugins/attach.js";
import { serveHost, serverUrl } from "../src/server/index.js";
import { addMember, createTestHost, type SignedIn, setupAdmin } from "../src/testing/index.js";
import { type RunningRegistry, runRegistry } from "./registry-harness.js";

const trust = createTestTrust();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Stack {
  reg: RunningRegistry;
  url: string;
  admin: SignedIn;
  member: () => Promise<SignedIn>;
}

/** Registry and host; `registryDown` stops the registry before the host first boots. */
async function stack(opts: { registryDown?: boolean } = {}): Promise<Stack> {
  const reg = await runRegistry(trust, () => new Date());
  cleanups.push(() => reg.cleanup());
  if (opts.registryDown) await reg.stop();
  const t = await createTestHost();
  cleanups.push(() => t.cleanup());
  await attachPlugins(t.host, { trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }], registryUrl: reg.url });
  const server: Server = serveHost(t.host, { port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  cleanups.push(
    () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  );
  return { reg, url: serverUrl(server), admin: await setupAdmin(t.host), member: () => addMember(t.host, "member", "member password 123") };
}

function api(s: Stack, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${s.url}${path}`, { ...init, headers: { "content-type": "application/json", origin: s.url, ...s.admin.headers } });
}

describe("who may check and buy", () => {
  it("keeps Check now and checkout to admins: a member sees the license and the catalog, and is refused both", async () => {
    const s = await stack();
    const member = await s.member();
    const as = (path: string, init: RequestInit = {}) =>
      fetch(`${s.url}${path}`, { ...init, headers: { "content-type": "application/json", origin: s.url, ...member.headers } });
    expect((await as("/api/license")).status).toBe(200);
    expect((await as("/api/catalog")).status).toBe(200);
    for (const [path, body] of [
      ["/api/license/refresh", undefined],
      ["/api/catalog/checkout", JSON.stringify({ slug: "unlimited-hosts" })],
    ] as const) {
      const res = await as(path, { method: "POST", ...(body !== undefined && { body }) });
      expect([path, res.status, ((await res.json()) as { error: string }).error]).toEqual([path, 403, "HOST_ERR_FORBIDDEN"]);
    }
  });
});

describe("POST /api/license/refresh", () => {
  it("answers 200 with the state while the registry answers, and 502 HOST_ERR_REGISTRY_UNREACHABLE once it is stopped", async () => {
    const s = await stack();
    const ok = await api(s, "/api/license/refresh", { method: "POST" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ state: "valid", modules: [], lastError: null, lastErrorCode: null });

    await s.reg.stop();
    const down = await api(s, "/api/license/refresh", { method: "POST" });
    expect(down.status).toBe(502);
    const body = (await down.json()) as { error: string; message: string; license: Record<string, unknown> };
    expect(body.error).toBe("HOST_ERR_REGISTRY_UNREACHABLE");
    expect(body.message).toContain(s.reg.url);
    // The license held before stays in force: the state says grace, with the days left.
    expect(body.license).toMatchObject({ state: "grace", daysLeft: 7, lastErrorCode: "HOST_ERR_REGISTRY_UNREACHABLE" });
    expect(await (await api(s, "/api/license")).json()).toMatchObject({ state: "grace", lastErrorCode: "HOST_ERR_REGISTRY_UNREACHABLE" });

    await s.reg.start();
    const back = await api(s, "/api/license/refresh", { method: "POST" });
    expect(back.status).toBe(200);
    expect(await back.json()).toMatchObject({ state: "valid", lastErrorCode: null });
  });

  it("answers 502 with the code for an install that never reached the registry, which has no license to fall back on", async () => {
    const s = await stack({ registryDown: true });
    const res = await api(s, "/api/license/refresh", { method: "POST" });
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({
      error: "HOST_ERR_REGISTRY_UNREACHABLE",
      license: { state: "unregistered", modules: [], validUntil: null, installId: null },
    });
  });
});

describe("POST /api/catalog/checkout", () => {
  it("passes on the registry's refusal of a module nothing delivers yet, with its code", async () => {
    const s = await stack();
    const res = await api(s, "/api/catalog/checkout", { method: "POST", body: JSON.stringify({ slug: "multi-pane-terminal" }) });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: "REG_ERR_MODULE_UNAVAILABLE" });
    const entitlement = await api(s, "/api/catalog/checkout", { method: "POST", body: JSON.stringify({ slug: "unlimited-hosts" }) });
    expect(entitlement.status).toBe(200);
    expect(await entitlement.json()).toMatchObject({ provider: "dev", slug: "unlimited-hosts" });
  });
});
