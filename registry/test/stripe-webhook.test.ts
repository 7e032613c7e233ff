// Stripe webhooks signed with the official stripe library, delivered to the registry's endpoint.
import { randomBytes } from "node:crypto";
import { createClient } from "@libsql/client";
import Stripe from "stripe";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, type Install, offerModules, registerInstall, serveRegistry, signed, startRegistry, type TestRegistry } from "./helpers.js";
import { STUB_SECRET_KEY, type StripeStub, startStripeStub } from "./stripe-stub.js";

const WEBHOOK_SECRET = "whsec_test_archnest_webhook_secret";
const stripe = new Stripe(STUB_SECRET_KEY);
let stub: StripeStub;
let reg: TestRegistry;

beforeAll(async () => {
  stub = await startStripeStub();
  reg = await startRegistry({ stripe: { secretKey: STUB_SECRET_KEY, webhookSecret: WEBHOOK_SECRET, apiBase: stub.url } });
  await offerModules(reg, ["tmux", "rdp", "vnc", "aws", "proxmox"]);
});
afterAll(async () => {
  await reg.cleanup();
  await stub.close();
});

function event(type: string, object: Record<string, unknown>): string {
  return JSON.stringify({
    id: `evt_${randomBytes(12).toString("hex")}`,
    object: "event",
    api_version: "2026-01-28.clover",
    created: Math.floor(Date.now() / 1000),
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  });
}

function deliver(payload: string, secret = WEBHOOK_SECRET): Promise<Response> {
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret });
  return Promise.resolve(
    reg.app.request("/v1/stripe/webhook", { method: "POST", headers: { "stripe-signature": header, "content-type": "application/json" }, body: payload }),
  );
}

async function checkout(install: Install, slug: string): Promise<string> {
  const res = await call(reg.app, signed(install, "POST", "/v1/checkout", { slug }));
  expect(res.status).toBe(201);
  return ((await res.json()) as { sessionId: string }).sessionId;
}

function session(id: string, install: Install, slug: string, paymentStatus: "paid" | "unpaid", pi: string) {
  return {
    id,
    object: "checkout.session",
    mode: "payment",
    payment_status: paymentStatus,
    status: "complete",
    payment_intent: pi,
    metadata: { installId: install.id, slug },
    amount_total: 500,
  };
}

function charge(pi: string) {
  return { id: `ch_${randomBytes(8).toString("hex")}`, object: "charge", payment_intent: pi, refunded: true, amount: 500, amount_refunded: 500 };
}

async function purchaseCount(sessionId: string): Promise<number> {
  const client = createClient({ url: `file:${reg.dir}/registry.db` });
  try {
    const res = await client.execute({ sql: "select count(*) as n from purchases where session_id = ?", args: [sessionId] });
    return Number(res.rows[0]?.n);
  } finally {
    client.close();
  }
}

async function modules(install: Install): Promise<string[]> {
  const res = await call(reg.app, signed(install, "POST", "/v1/license"));
  return (JSON.parse(Buffer.from(((await res.json()) as { payload: string }).payload, "base64").toString()) as { modules: string[] }).modules;
}

describe("Stripe webhooks", () => {
  it("refuses a payload with a wrong signature and changes nothing", async () => {
    const install = await registerInstall(reg.app);
    const id = await checkout(install, "tmux");
    const payload = event("checkout.session.completed", session(id, install, "tmux", "paid", "pi_wrongsig"));
    const res = await deliver(payload, "whsec_someone_else");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "REG_ERR_WEBHOOK_SIGNATURE" });
    const tampered = await reg.app.request("/v1/stripe/webhook", {
      method: "POST",
      headers: { "stripe-signature": stripe.webhooks.generateTestHeaderString({ payload, secret: WEBHOOK_SECRET }) },
      body: payload.replace('"tmux"', '"everything"'),
    });
    expect(tampered.status).toBe(400);
    expect(await modules(install)).toEqual([]);
  });

  it("gives one purchase when the same event arrives 10 times at once", async () => {
    const install = await registerInstall(reg.app);
    const id = await checkout(install, "ssh-pro");
    const payload = event("checkout.session.completed", session(id, install, "ssh-pro", "paid", "pi_concurrent"));
    const results = await Promise.all(Array.from({ length: 10 }, () => deliver(payload)));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(200));
    const bodies = (await Promise.all(results.map((r) => r.json()))) as { duplicate?: boolean }[];
    expect(bodies.filter((b) => !b.duplicate)).toHaveLength(1);
    expect(await modules(install)).toHaveLength(8);
    // the success page and differently-numbered deliveries call the same fulfilment: still one purchase
    const s = stub.sessions.get(id);
    if (s) Object.assign(s, { payment_status: "paid", payment_intent: "pi_concurrent" });
    const others = Array.from({ length: 5 }, () =>
      deliver(event("checkout.session.async_payment_succeeded", session(id, install, "ssh-pro", "paid", "pi_concurrent"))),
    );
    const page = reg.app.request(`/v1/checkout/success?session_id=${id}`);
    expect((await Promise.all([...others, page])).map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    expect(await purchaseCount(id)).toBe(1);
  });

  it("fulfils a delayed payment when async_payment_succeeded arrives before or after the unpaid completion", async () => {
    const install = await registerInstall(reg.app);
    const id = await checkout(install, "rdp");
    expect((await deliver(event("checkout.session.async_payment_succeeded", session(id, install, "rdp", "paid", "pi_async")))).status).toBe(200);
    expect((await deliver(event("checkout.session.completed", session(id, install, "rdp", "unpaid", "pi_async")))).status).toBe(200);
    expect(await modules(install)).toEqual(["rdp"]);

    const other = await registerInstall(reg.app);
    const id2 = await checkout(other, "vnc");
    expect((await deliver(event("checkout.session.completed", session(id2, other, "vnc", "unpaid", "pi_async2")))).status).toBe(200);
    expect(await modules(other)).toEqual([]);
    expect((await deliver(event("checkout.session.async_payment_succeeded", session(id2, other, "vnc", "paid", "pi_async2")))).status).toBe(200);
    expect(await modules(other)).toEqual(["vnc"]);
  });

  it("revokes a refunded purchase, even when the refund arrives before the checkout event", async () => {
    const install = await registerInstall(reg.app);
    const id = await checkout(install, "aws");
    await deliver(event("checkout.session.completed", session(id, install, "aws", "paid", "pi_refund_after")));
    expect(await modules(install)).toEqual(["aws"]);
    expect((await deliver(event("charge.refunded", charge("pi_refund_after")))).status).toBe(200);
    expect(await modules(install)).toEqual([]);

    const early = await registerInstall(reg.app);
    const id2 = await checkout(early, "proxmox");
    await deliver(event("charge.refunded", charge("pi_refund_first")));
    await deliver(event("checkout.session.completed", session(id2, early, "proxmox", "paid", "pi_refund_first")));
    expect(await modules(early)).toEqual([]);
  });

  it("refuses the tarball at once when the purchase is refunded, though the install downloaded it a moment before", async () => {
    const served = await serveRegistry(reg);
    try {
      const install = await registerInstall(reg.app);
      const tarball = "/v1/tarballs/%40archnest%2Ftmux/1.0.0";
      const id = await checkout(install, "tmux");
      await deliver(event("checkout.session.completed", session(id, install, "tmux", "paid", "pi_refund_delivery")));
      expect((await call(served, signed(install, "GET", tarball))).status).toBe(200);
      expect((await deliver(event("charge.refunded", charge("pi_refund_delivery")))).status).toBe(200);
      const refused = await call(served, signed(install, "GET", tarball));
      expect(refused.status).toBe(402);
      expect(await refused.json()).toMatchObject({ error: "module_required", module: "tmux" });
    } finally {
      await served.close();
    }
  });

  it("adopts a paid session it has no record of from its Stripe-signed metadata", async () => {
    const install = await registerInstall(reg.app);
    const id = `cs_test_${randomBytes(10).toString("hex")}`;
    await deliver(event("checkout.session.completed", session(id, install, "netbird", "paid", "pi_adopted")));
    expect(await modules(install)).toEqual(["netbird"]);
  });
});
