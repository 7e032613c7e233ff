import { createTestTrust } from "@archnest/sdk/testing";
import { afterEach, describe, expect, it } from "vitest";
import { attachPlugins } from "../src/plugins/attach.js";
import { fixtureTarball, HELLO_ROUTES } from "../src/plugins/test-fixtures.js";
import { createTestHost, setupAdmin, type TestHost } from "../src/testing/index.js";
import { type RunningRegistry, runRegistry } from "./registry-harness.js";

const DAY = 86_400_000;
const trust = createTestTrust();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function stack() {
  let clock = Date.now();
  const now = () => new Date(clock);
  const reg: RunningRegistry = await runRegistry(trust, now);
  cleanups.push(() => reg.cleanup());
  await reg.publish(await fixtureTarball({ id: "paid", name: "@test/paid", module: "tmux", permissions: ["storage"], setup: HELLO_ROUTES }, trust.release));
  await reg.publish(await fixtureTarball({ id: "free-one", name: "@test/free-one", setup: HELLO_ROUTES }, trust.release));
  const t: TestHost = await createTestHost({ now: () => clock });
  cleanups.push(() => t.cleanup());
  const attached = await attachPlugins(t.host, { trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }], registryUrl: reg.url, now });
  const admin = await setupAdmin(t.host);
  const req = async (path: string, init: RequestInit = {}): Promise<Response> =>
    t.host.app.request(path, { ...init, headers: { "content-type": "application/json", ...admin.headers, ...(init.headers as Record<string, string>) } });
  const json = async <T = Record<string, unknown>>(path: string, init?: RequestInit) => (await (await req(path, init)).json()) as T;
  return { reg, t, attached, req, json, advance: (ms: number) => (clock += ms), now };
}

describe("license client against a real registry", () => {
  it("registers on first boot, buys through the dev checkout, installs from the catalog, and keeps working offline for the grace period only", async () => {
    const s = await stack();
    const first = await s.json("/api/license");
    expect(first).toMatchObject({ state: "valid", modules: [], daysLeft: 7 });
    expect(String(first.installId)).toMatch(/^inst_/);

    // A paid module is refused before purchase, with the 402 body the web app shows as a lock.
    const refused = await s.req("/api/plugins/install", { method: "POST", body: JSON.stringify({ ref: "@test/paid@^1.0.0", acceptPermissions: ["storage"] }) });
    expect(refused.status).toBe(402);
    // Its price is the registry catalog's, which the host fetched; the host knows no price of its own.
    const listed = (await (await fetch(`${s.reg.url}/v1/catalog`)).json()) as { modules: { slug: string; price: string }[] };
    const price = listed.modules.find((m) => m.slug === "tmux")?.price;
    expect(price).toBe("$5");
    expect(await refused.json()).toEqual({
      error: "module_required",
      message: `This needs the tmux module (${price}).`,
      requestId: refused.headers.get("x-request-id"),
      module: "tmux",
      price,
      purchaseUrl: "/settings/store#tmux",
    });

    // Free plugins come from the catalog without a license.
    const free = await s.req("/api/plugins/install", { method: "POST", body: JSON.stringify({ ref: "@test/free-one" }) });
    expect(free.status).toBe(201);
    expect(await s.json("/api/plugins/free-one/hello")).toMatchObject({ hello: "free-one" });

    const catalog = await s.json<{ modules: { slug: string; owned: boolean }[]; plugins: { name: string; installed: unknown }[] }>("/api/catalog");
    expect(catalog.modules.find((m) => m.slug === "tmux")?.owned).toBe(false);
    expect(catalog.plugins.find((p) => p.name === "@test/free-one")?.installed).toMatchObject({ id: "free-one", version: "1.0.0" });

    // Buy tmux through the development checkout, as the browser would.
    const checkout = await s.json<{ url: string; provider: string }>("/api/catalog/checkout", { method: "POST", body: JSON.stringify({ slug: "tmux" }) });
    expect(checkout.provider).toBe("dev");
    const page = await fetch(checkout.url);
    expect(await page.text()).toMatch(/Development checkout/i);
    const pay = await fetch(`${checkout.url}/pay`, { method: "POST", redirect: "manual" });
    expect(pay.status).toBe(303);
    expect(await s.json("/api/license/refresh", { method: "POST" })).toMatchObject({ state: "valid", modules: ["tmux"] });

    const paid = await s.req("/api/plugins/install", { method: "POST", body: JSON.stringify({ ref: "@test/paid", acceptPermissions: ["storage"] }) });
    expect(paid.status).toBe(201);
    expect(await s.json("/api/plugins/paid/count")).toEqual({ n: 1 });

    // Six days without the registry: still licensed, in grace.
    await s.reg.stop();
    s.advance(6 * DAY);
    const offline = await s.req("/api/license/refresh", { method: "POST" });
    expect(offline.status).toBe(502);
    expect(await offline.json()).toMatchObject({ error: "HOST_ERR_REGISTRY_UNREACHABLE", license: { state: "grace", daysLeft: 1 } });
    expect(await s.json("/api/plugins/paid/count")).toEqual({ n: 2 });

    // Eight days: only the free core runs; the paid plugin is locked, not deleted.
    s.advance(2 * DAY);
    s.attached.license?.tick();
    await s.attached.runtime.settled();
    expect(await s.json("/api/license")).toMatchObject({ state: "expired", daysLeft: 0 });
    expect((await s.req("/api/plugins/paid/count")).status).toBe(402);
    expect((await s.json<{ id: string; state: string }[]>("/api/plugins")).find((p) => p.id === "paid")?.state).toBe("locked");
    expect(await s.json("/api/plugins/free-one/hello")).toMatchObject({ hello: "free-one" });

    // The registry is back: everything is restored, with its data.
    await s.reg.start();
    expect(await s.json("/api/license/refresh", { method: "POST" })).toMatchObject({ state: "valid", modules: ["tmux"] });
    // Asked at once, while the host still starts it: the request waits for the plugin rather than failing.
    expect(await s.json("/api/plugins/paid/count")).toEqual({ n: 3 });
  });

  it("updates within the policy, asks again for new permissions, and leaves a pinned plugin alone", async () => {
    const s = await stack();
    await s.req("/api/plugins/install", { method: "POST", body: JSON.stringify({ ref: "@test/free-one" }) });
    expect(await s.json("/api/plugins/free-one/update", { method: "POST" })).toMatchObject({ version: "1.0.0" });

    await s.reg.publish(
      await fixtureTarball({ id: "free-one", name: "@test/free-one", version: "1.1.0", permissions: ["storage"], setup: HELLO_ROUTES }, trust.release),
    );
    const asks = await s.req("/api/plugins/free-one/update", { method: "POST" });
    expect(asks.status).toBe(409);
    expect(await asks.json()).toMatchObject({ error: "HOST_ERR_PERMISSIONS_NOT_ACCEPTED", permissions: ["storage"] });
    const updated = await s.json("/api/plugins/free-one/update", { method: "POST", body: JSON.stringify({ acceptPermissions: ["storage"] }) });
    expect(updated).toMatchObject({ version: "1.1.0", previousVersion: "1.0.0", grantedPermissions: ["storage"] });

    await s.req("/api/plugins/free-one/pin", { method: "POST" });
    await s.reg.publish(
      await fixtureTarball({ id: "free-one", name: "@test/free-one", version: "1.2.0", permissions: ["storage"], setup: HELLO_ROUTES }, trust.release),
    );
    expect(await s.json("/api/plugins/free-one/update", { method: "POST" })).toMatchObject({ version: "1.1.0", policy: "pinned" });
    await s.req("/api/plugins/free-one/unpin", { method: "POST" });
    expect(await s.json("/api/plugins/free-one/update", { method: "POST" })).toMatchObject({ version: "1.2.0" });
  });

  it("disables a version the registry revokes, says why, and refuses to install it again", async () => {
    const s = await stack();
    await s.req("/api/plugins/install", { method: "POST", body: JSON.stringify({ ref: "@test/free-one" }) });
    await s.reg.revoke("@test/free-one", "1.0.0", "leaks tokens");
    await s.json("/api/license/refresh", { method: "POST" });
    await s.attached.runtime.settled();
    const rec = (await s.json<{ id: string; state: string; error: string; errorCode: string }[]>("/api/plugins")).find((p) => p.id === "free-one");
    expect(rec).toMatchObject({ state: "revoked", errorCode: "HOST_ERR_VERSION_REVOKED" });
    expect(rec?.error).toContain("leaks tokens");
    expect((await s.req("/api/plugins/free-one/hello")).status).toBe(503);

    await s.req("/api/plugins/free-one", { method: "DELETE" });
    const again = await s.req("/api/plugins/install", { method: "POST", body: JSON.stringify({ ref: "@test/free-one" }) });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: "HOST_ERR_VERSION_REVOKED" });
  });
});
