// A local HTTP server that answers as Stripe's API reference documents for the Checkout Sessions
// endpoints the registry uses (https://docs.stripe.com/api/checkout/sessions/create and /retrieve):
// form-encoded requests with a Bearer secret key, JSON Session objects back, and Stripe's error shape.
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface StubRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  form: URLSearchParams;
}

export interface StripeStub {
  url: string;
  requests: StubRequest[];
  sessions: Map<string, Record<string, unknown>>;
  close(): Promise<void>;
}

export const STUB_SECRET_KEY = "sk_test_51ArchNestContractTestKey";

function sessionObject(id: string, form: URLSearchParams): Record<string, unknown> {
  const amount = Number(form.get("line_items[0][price_data][unit_amount]") ?? "0") * Number(form.get("line_items[0][quantity]") ?? "1");
  const created = Math.floor(Date.now() / 1000);
  const metadata: Record<string, string> = {};
  for (const [k, v] of form) {
    const m = k.match(/^metadata\[(.+)\]$/);
    if (m?.[1]) metadata[m[1]] = v;
  }
  return {
    id,
    object: "checkout.session",
    after_expiration: null,
    allow_promotion_codes: null,
    amount_subtotal: amount,
    amount_total: amount,
    automatic_tax: { enabled: false, liability: null, status: null },
    billing_address_collection: null,
    cancel_url: form.get("cancel_url"),
    client_reference_id: form.get("client_reference_id"),
    client_secret: null,
    consent: null,
    consent_collection: null,
    created,
    currency: form.get("line_items[0][price_data][currency]"),
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: null,
    customer_creation: "if_required",
    customer_details: null,
    customer_email: null,
    expires_at: created + 86_400,
    invoice: null,
    invoice_creation: { enabled: false, invoice_data: {} },
    livemode: false,
    locale: null,
    metadata,
    mode: form.get("mode"),
    payment_intent: null,
    payment_link: null,
    payment_method_collection: "if_required",
    payment_method_configuration_details: null,
    payment_method_options: { card: { request_three_d_secure: "automatic" } },
    payment_method_types: ["card"],
    payment_status: "unpaid",
    phone_number_collection: { enabled: false },
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: "open",
    submit_type: null,
    subscription: null,
    success_url: form.get("success_url"),
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: "hosted",
    url: `https://checkout.stripe.com/c/pay/${id}#fidkdWxOYHwnPyd1blpxYHZxWjA0`,
  };
}

function stripeError(message: string, type: string, param?: string) {
  return { error: { type, message, ...(param && { param }), request_log_url: "https://dashboard.stripe.com/test/logs/req_stub" } };
}

export async function startStripeStub(): Promise<StripeStub> {
  const requests: StubRequest[] = [];
  const sessions = new Map<string, Record<string, unknown>>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const url = new URL(req.url ?? "/", "http://stub");
      requests.push({ method: req.method ?? "", path: url.pathname, headers: req.headers, form });
      const send = (status: number, body: unknown) => {
        res.writeHead(status, {
          "content-type": "application/json",
          "request-id": `req_${randomBytes(7).toString("hex")}`,
          "stripe-version": "2026-01-28.clover",
        });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${STUB_SECRET_KEY}`) {
        return send(401, stripeError("Invalid API Key provided: sk_test_****", "invalid_request_error"));
      }
      if (req.method === "POST" && url.pathname === "/v1/checkout/sessions") {
        for (const required of ["mode", "success_url"]) {
          if (!form.get(required)) return send(400, stripeError(`Missing required param: ${required}.`, "invalid_request_error", required));
        }
        const id = `cs_test_a1${randomBytes(24).toString("hex")}`;
        const session = sessionObject(id, form);
        sessions.set(id, session);
        return send(200, session);
      }
      const m = url.pathname.match(/^\/v1\/checkout\/sessions\/([A-Za-z0-9_]+)$/);
      if (req.method === "GET" && m?.[1]) {
        const session = sessions.get(m[1]);
        if (!session) return send(404, stripeError(`No such checkout.session: '${m[1]}'`, "invalid_request_error", "session"));
        return send(200, session);
      }
      return send(404, stripeError(`Unrecognized request URL (${req.method}: ${url.pathname}).`, "invalid_request_error"));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    sessions,
    close: () => new Promise((r) => server.close(() => r())),
  };
}
