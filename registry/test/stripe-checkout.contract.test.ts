// Contract test: the registry creates Stripe Checkout Sessions through the official stripe library
// against a local server that answers as Stripe's API reference documents.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { call, offerModules, registerInstall, signed, startRegistry, type TestRegistry } from "./helpers.js";
import { STUB_SECRET_KEY, type StripeStub, startStripeStub } from "./stripe-stub.js";

let stub: StripeStub;
let reg: TestRegistry;

beforeAll(async () => {
  stub = await startStripeStub();
  reg = await startRegistry({ stripe: { secretKey: STUB_SECRET_KEY, webhookSecret: "whsec_contract", apiBase: stub.url } });
  await offerModules(reg, ["docker-over-ssh", "tmux"]);
});
afterAll(async () => {
  await reg.cleanup();
  await stub.close();
});

describe("contract test: Stripe Checkout Session creation", () => {
  it("creates a payment-mode session with the catalog price and the install's metadata, and returns its URL", async () => {
    const install = await registerInstall(reg.app);
    const res = await call(reg.app, signed(install, "POST", "/v1/checkout", { slug: "docker-pro" }));
    expect(res.status).toBe(201);
    const body = (await res.json()) as { url: string; sessionId: string; provider: string; price: string };
    expect(body.provider).toBe("stripe");
    expect(body.price).toBe("$15");
    expect(body.sessionId).toMatch(/^cs_test_/);
    expect(body.url).toBe(stub.sessions.get(body.sessionId)?.url);

    const sent = stub.requests.find((r) => r.method === "POST" && r.path === "/v1/checkout/sessions");
    expect(sent?.headers["content-type"]).toContain("application/x-www-form-urlencoded");
    expect(sent?.headers["stripe-version"]).toBeTruthy();
    const form = sent?.form;
    expect(form?.get("mode")).toBe("payment");
    expect(form?.get("line_items[0][quantity]")).toBe("1");
    expect(form?.get("line_items[0][price_data][currency]")).toBe("usd");
    expect(form?.get("line_items[0][price_data][unit_amount]")).toBe("1500");
    expect(form?.get("line_items[0][price_data][product_data][name]")).toContain("Docker Pro");
    expect(form?.get("metadata[installId]")).toBe(install.id);
    expect(form?.get("metadata[slug]")).toBe("docker-pro");
    expect(form?.get("success_url")).toBe("http://registry.test/v1/checkout/success?session_id={CHECKOUT_SESSION_ID}");
  });

  it("answers 502 with a stable code when Stripe refuses the request", async () => {
    const bad = await startRegistry({ stripe: { secretKey: "sk_test_wrong", webhookSecret: "whsec_x", apiBase: stub.url } });
    try {
      await offerModules(bad, ["tmux"]);
      const install = await registerInstall(bad.app);
      const res = await call(bad.app, signed(install, "POST", "/v1/checkout", { slug: "tmux" }));
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({ error: "REG_ERR_PAYMENT_PROVIDER" });
      expect(JSON.stringify(bad.logs)).not.toContain("sk_test_wrong");
    } finally {
      await bad.cleanup();
    }
  });

  it("fulfils from the success page once Stripe reports the session paid", async () => {
    const install = await registerInstall(reg.app);
    const res = await call(reg.app, signed(install, "POST", "/v1/checkout", { slug: "tmux" }));
    const { sessionId } = (await res.json()) as { sessionId: string };
    const pending = await reg.app.request(`/v1/checkout/success?session_id=${sessionId}`);
    expect(pending.status).toBe(202);
    const session = stub.sessions.get(sessionId);
    if (session) Object.assign(session, { payment_status: "paid", status: "complete", payment_intent: "pi_3Success" });
    const done = await reg.app.request(`/v1/checkout/success?session_id=${sessionId}`);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain("Payment received");
    const license = await call(reg.app, signed(install, "POST", "/v1/license"));
    const payload = JSON.parse(Buffer.from(((await license.json()) as { payload: string }).payload, "base64").toString()) as { modules: string[] };
    expect(payload.modules).toEqual(["tmux"]);
  });
});
