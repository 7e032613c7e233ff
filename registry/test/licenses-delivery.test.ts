import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { verifyLicense } from "@archnest/sdk/license";
import { verifyKeyring } from "@archnest/sdk/trust";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ADMIN_TOKEN,
  call,
  createAuthor,
  devBuy,
  type Install,
  makePlugin,
  offerModules,
  publish,
  registerInstall,
  signed,
  startRegistry,
  type TestRegistry,
} from "./helpers.js";

let reg: TestRegistry;
let paidTarball: Buffer;
const PAID = "/v1/tarballs/%40archnest%2Fvnc/1.0.0";

beforeAll(async () => {
  // These tests buy through the development checkout, which a registry serves only when asked to.
  reg = await startRegistry({ devCheckout: true });
  const token = await createAuthor(reg.app, ["@archnest/*"]);
  const paid = await makePlugin(reg.dir, { name: "@archnest/vnc", version: "1.0.0", module: "vnc", key: reg.keys.release, padBytes: 4096 });
  paidTarball = readFileSync(paid);
  expect((await publish(reg.app, token, paidTarball)).status).toBe(201);
  const free = await makePlugin(reg.dir, { name: "@archnest/notes", version: "1.0.0", module: "free", key: reg.keys.release });
  expect((await publish(reg.app, token, readFileSync(free))).status).toBe(201);
  await offerModules(reg, ["theme-light", "tmux"]);
});
afterAll(() => reg.cleanup());

const keyring = () => verifyKeyring(reg.keys.keyring, { rootKeys: [reg.keys.root], now: new Date() });

async function license(install: Install) {
  const res = await call(reg.app, signed(install, "POST", "/v1/license"));
  expect(res.status).toBe(200);
  return verifyLicense(await res.json(), { keyring: keyring(), installId: install.id, now: new Date() }).document;
}

describe("installs and licenses", () => {
  it("registers an install once per public key", async () => {
    const install = await registerInstall(reg.app);
    expect(install.id).toMatch(/^inst_/);
    const again = await reg.app.request("/v1/installs", {
      method: "POST",
      body: JSON.stringify({ publicKey: Buffer.from(install.key.publicKey).toString("base64") }),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ installId: install.id });
    const bad = await reg.app.request("/v1/installs", { method: "POST", body: JSON.stringify({ publicKey: "AAAA" }) });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "REG_ERR_BAD_REQUEST" });
  });

  it("issues a signed seven-day license whose sequence only grows, with bundles expanded", async () => {
    const install = await registerInstall(reg.app);
    const first = await license(install);
    expect(first.modules).toEqual([]);
    expect(Date.parse(first.validUntil) - Date.parse(first.issuedAt)).toBe(7 * 86_400_000);
    await devBuy(reg.app, install, "remote-desktop");
    const second = await license(install);
    expect(second.modules).toEqual(["rdp", "telnet", "vnc"]);
    expect(second.sequence).toBeGreaterThan(first.sequence);
  });

  it("refuses the license request of an unknown install and an unsigned one", async () => {
    const stranger = { id: "inst_notregistered00", key: (await registerInstall(reg.app)).key };
    const unknown = await call(reg.app, signed(stranger, "POST", "/v1/license"));
    expect(unknown.status).toBe(401);
    expect(await unknown.json()).toMatchObject({ error: "REG_ERR_INSTALL_UNKNOWN" });
    const unsigned = await reg.app.request("/v1/license", { method: "POST" });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ error: "REG_ERR_INSTALL_UNSIGNED" });
  });
});

describe("gated delivery", () => {
  it("gives a free plugin to anyone", async () => {
    const res = await reg.app.request("/v1/tarballs/%40archnest%2Fnotes/1.0.0");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/octet-stream");
  });

  it("answers 401 to an unsigned request, an unknown install and a bad signature for a paid plugin", async () => {
    const unsigned = await reg.app.request(PAID);
    expect(unsigned.status).toBe(401);
    const install = await registerInstall(reg.app);
    const forged = signed({ id: install.id, key: (await registerInstall(reg.app)).key }, "GET", PAID);
    const bad = await call(reg.app, forged);
    expect(bad.status).toBe(401);
    expect(await bad.json()).toMatchObject({ error: "REG_ERR_REQUEST_SIGNATURE" });
    const otherPath = signed(install, "GET", "/v1/tarballs/%40archnest%2Fnotes/1.0.0");
    const moved = await reg.app.request(PAID, otherPath.init);
    expect(moved.status).toBe(401);
  });

  it("answers 402 with the module, its price and where to buy it when the install has not bought it", async () => {
    const install = await registerInstall(reg.app);
    const res = await call(reg.app, signed(install, "GET", PAID));
    expect(res.status).toBe(402);
    expect(await res.json()).toMatchObject({ error: "module_required", module: "vnc", price: "$5", purchaseUrl: "http://registry.test/v1/modules/vnc" });
    const info = await reg.app.request("/v1/modules/vnc");
    expect(await info.json()).toMatchObject({ slug: "vnc", price: "$5", bundles: ["remote-desktop", "everything"] });
  });

  it("streams the tarball with an ETag to an install that bought the module or a bundle holding it, and answers 304 to If-None-Match", async () => {
    const install = await registerInstall(reg.app);
    await devBuy(reg.app, install, "everything");
    const res = await call(reg.app, signed(install, "GET", PAID));
    expect(res.status).toBe(200);
    const bytes = Buffer.from(await res.arrayBuffer());
    expect(bytes.equals(paidTarball)).toBe(true);
    const etag = res.headers.get("etag");
    expect(etag).toBe(`"${createHash("sha256").update(paidTarball).digest("hex")}"`);
    const again = signed(install, "GET", PAID);
    const cached = await reg.app.request(PAID, { ...again.init, headers: { ...(again.init.headers as Record<string, string>), "if-none-match": etag ?? "" } });
    expect(cached.status).toBe(304);
    // the scoped path form reaches the same tarball
    expect((await call(reg.app, signed(install, "GET", "/v1/tarballs/@archnest/vnc/1.0.0"))).status).toBe(200);
  });

  it("refuses a replayed signed request and a stale timestamp", async () => {
    const install = await registerInstall(reg.app);
    await devBuy(reg.app, install, "vnc");
    const req = signed(install, "GET", PAID);
    expect((await call(reg.app, req)).status).toBe(200);
    const replay = await call(reg.app, req);
    expect(replay.status).toBe(401);
    expect(await replay.json()).toMatchObject({ error: "REG_ERR_NONCE_REPLAYED" });
    const stale = await call(reg.app, signed(install, "GET", PAID, undefined, new Date(Date.now() - 6 * 60_000)));
    expect(stale.status).toBe(401);
    expect(await stale.json()).toMatchObject({ error: "REG_ERR_REQUEST_STALE" });
    const future = await call(reg.app, signed(install, "GET", PAID, undefined, new Date(Date.now() + 6 * 60_000)));
    expect(future.status).toBe(401);
  });

  it("accepts a nonce once when copies of one signed request race, and every request of a concurrent burst once", async () => {
    const install = await registerInstall(reg.app);
    await devBuy(reg.app, install, "vnc");
    // Nonces are recorded in groups: copies of one request sent together land in the same group.
    const req = signed(install, "GET", PAID);
    const copies = await Promise.all(Array.from({ length: 8 }, () => call(reg.app, req)));
    expect(copies.map((r) => r.status).sort()).toEqual([200, 401, 401, 401, 401, 401, 401, 401]);
    const burst = await Promise.all(Array.from({ length: 24 }, () => call(reg.app, signed(install, "GET", PAID))));
    expect(burst.every((r) => r.status === 200)).toBe(true);
    const replays = await Promise.all(Array.from({ length: 3 }, () => call(reg.app, req)));
    expect(replays.map((r) => r.status)).toEqual([401, 401, 401]);
  });
});

describe("hostile requests", () => {
  it("answer a coded 401 for any forged signature headers, never a crash", async () => {
    const install = await registerInstall(reg.app);
    const names = ["x-archnest-install", "x-archnest-timestamp", "x-archnest-nonce", "x-archnest-signature"];
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.constantFrom(...names), fc.oneof(fc.string(), fc.constant(install.id), fc.base64String({ minLength: 88, maxLength: 88 }))),
        fc.constantFrom(PAID, "/v1/license"),
        async (headers, path) => {
          const res = await reg.app.request(path, { method: path === PAID ? "GET" : "POST", headers: headers as Record<string, string> });
          expect(res.status).toBe(401);
          expect(((await res.json()) as { error: string }).error).toMatch(/^REG_ERR_/);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("refuses an upload larger than the limit while it streams", async () => {
    const small = await startRegistry({ maxTarballBytes: 50_000 });
    try {
      const token = await createAuthor(small.app, ["@archnest/*"]);
      const big = readFileSync(
        await makePlugin(small.dir, { name: "@archnest/big", version: "1.0.0", module: "free", key: small.keys.release, padBytes: 200_000 }),
      );
      const stream = new ReadableStream({
        start(controller) {
          controller.enqueue(new Uint8Array(big));
          controller.close();
        },
      });
      // no content-length: the limit must hold on the bytes actually received
      const res = await small.app.request("/v1/packages", {
        method: "PUT",
        headers: { authorization: `Bearer ${token}` },
        body: stream,
        duplex: "half",
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(await res.json()).toMatchObject({ error: "REG_ERR_TOO_LARGE" });
      expect(readdirSync(join(small.dir, "uploads"))).toEqual([]);
    } finally {
      await small.cleanup();
    }
  });
});

describe("development checkout", () => {
  it("serves a page clearly marked as taking no payment, whose Pay button grants the purchase", async () => {
    const install = await registerInstall(reg.app);
    const res = await call(reg.app, signed(install, "POST", "/v1/checkout", { slug: "all-themes", returnUrl: "http://host.test/settings/store" }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { url: string; sessionId: string; provider: string; price: string };
    expect(body).toMatchObject({ provider: "dev", price: "$10" });
    expect(body.url).toBe(`http://registry.test/dev/checkout/${body.sessionId}`);
    const page = await (await reg.app.request(`/dev/checkout/${body.sessionId}`)).text();
    expect(page).toContain("Development checkout — no payment is taken");
    expect(page).toContain(`action="/dev/checkout/${body.sessionId}/pay"`);
    expect((await license(install)).modules).toEqual([]);
    const pay = await reg.app.request(`/dev/checkout/${body.sessionId}/pay`, { method: "POST" });
    expect(pay.status).toBe(303);
    const success = await reg.app.request(pay.headers.get("location") ?? "");
    expect(await success.text()).toContain("http://host.test/settings/store");
    expect((await license(install)).modules).toEqual(["theme-forest", "theme-light", "theme-midnight-blue"]);
    const owned = await call(reg.app, signed(install, "POST", "/v1/checkout", { slug: "theme-light" }));
    expect(owned.status).toBe(409);
    const unknown = await call(reg.app, signed(install, "POST", "/v1/checkout", { slug: "gold-plating" }));
    expect(await unknown.json()).toMatchObject({ error: "REG_ERR_UNKNOWN_SLUG" });
  });
});

describe("transfers", () => {
  const admin = { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" };

  it("moves purchases to a new install at most once a year", async () => {
    const old = await registerInstall(reg.app);
    const next = await registerInstall(reg.app);
    const third = await registerInstall(reg.app);
    await devBuy(reg.app, old, "tmux");
    const res = await reg.app.request(`/v1/admin/installs/${old.id}/transfer`, { method: "POST", headers: admin, body: JSON.stringify({ to: next.id }) });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ moved: 1 });
    expect((await license(next)).modules).toEqual(["tmux"]);
    expect((await license(old)).modules).toEqual([]);
    const twice = await reg.app.request(`/v1/admin/installs/${next.id}/transfer`, { method: "POST", headers: admin, body: JSON.stringify({ to: third.id }) });
    expect(twice.status).toBe(409);
    expect(await twice.json()).toMatchObject({ error: "REG_ERR_TRANSFER_LIMIT" });
    const unknownTarget = await reg.app.request(`/v1/admin/installs/${third.id}/transfer`, {
      method: "POST",
      headers: admin,
      body: JSON.stringify({ to: "inst_nobody_here" }),
    });
    expect(unknownTarget.status).toBe(400);
  });

  it("allows the next transfer once a year has passed", async () => {
    let now = Date.now();
    const clocked = await startRegistry({ now: () => new Date(now) });
    try {
      const [a, b, c] = [await registerInstall(clocked.app), await registerInstall(clocked.app), await registerInstall(clocked.app)];
      const move = (from: string, to: string) =>
        clocked.app.request(`/v1/admin/installs/${from}/transfer`, { method: "POST", headers: admin, body: JSON.stringify({ to }) });
      expect((await move(a.id, b.id)).status).toBe(200);
      now += 364 * 86_400_000;
      expect((await move(b.id, c.id)).status).toBe(409);
      now += 2 * 86_400_000;
      expect((await move(b.id, c.id)).status).toBe(200);
    } finally {
      await clocked.cleanup();
    }
  });
});
