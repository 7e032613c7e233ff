import { randomBytes } from "node:crypto";
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import type Stripe from "stripe";
import { z } from "zod";
import { findModule, formatPrice, isAvailable, purchasable, purchasableNow } from "../catalog/index.js";
import { checkoutSessions, installs, purchases, stripeEvents } from "../db/schema.js";
import { RegistryError } from "../errors/index.js";
import { html, readJson } from "../http.js";
import { page } from "../pages/index.js";
import type { AppEnv, Services } from "../services.js";

export const checkoutBody = z.object({
  slug: z.string().min(1).max(100),
  /** Where the success page links back to (the host's Module Store). */
  returnUrl: z
    .string()
    .max(2000)
    .refine((u) => /^https?:\/\//.test(u) && URL.canParse(u), "must be an http(s) URL")
    .optional(),
});

function idOf(value: string | { id: string } | null | undefined): string | null {
  if (!value) return null;
  return typeof value === "string" ? value : value.id;
}

/** The webhook's body cap: Stripe's event payloads stay far below this. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

export const DEV_CHECKOUT_BANNER = "Development checkout — no payment is taken";

/** Checkout (Stripe or the development page), the success page, and the Stripe webhook. */
export function purchaseRoutes(svc: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { publicUrl } = svc.config;

  app.post("/v1/checkout", async (c) => {
    if (svc.config.checkout === "unavailable") throw new RegistryError("REG_ERR_CHECKOUT_UNCONFIGURED");
    const install = await svc.installAuth.authenticate(c);
    const body = await readJson(c, checkoutBody);
    const item = purchasable(body.slug);
    if (!item) throw new RegistryError("REG_ERR_UNKNOWN_SLUG", `No module or bundle is called ${body.slug}.`);
    // Whatever a client shows: nothing is sold that cannot be delivered today.
    if (!purchasableNow(item.slug, await svc.packages.publishedModules())) {
      throw new RegistryError("REG_ERR_MODULE_UNAVAILABLE", `${item.name} is not available yet: no package delivers it. It cannot be bought until it is.`, {
        slug: item.slug,
      });
    }
    const owned = new Set(await svc.purchases.modulesOf(install.id));
    if (item.modules.every((m) => owned.has(m))) throw new RegistryError("REG_ERR_ALREADY_OWNED");
    let id: string;
    let url: string;
    if (svc.stripe) {
      let session: Stripe.Checkout.Session;
      try {
        session = await svc.stripe.checkout.sessions.create({
          mode: "payment",
          line_items: [
            {
              quantity: 1,
              price_data: { currency: "usd", unit_amount: item.priceCents, product_data: { name: `ArchNest: ${item.name}`, metadata: { slug: item.slug } } },
            },
          ],
          metadata: { installId: install.id, slug: item.slug },
          client_reference_id: install.id,
          success_url: `${publicUrl}/v1/checkout/success?session_id={CHECKOUT_SESSION_ID}`,
          cancel_url: `${publicUrl}/v1/checkout/cancel`,
        });
      } catch (err) {
        svc.logger.log({ level: "error", msg: "stripe checkout failed", requestId: c.get("requestId"), error: (err as Error).message });
        throw new RegistryError("REG_ERR_PAYMENT_PROVIDER");
      }
      if (!session.url) throw new RegistryError("REG_ERR_PAYMENT_PROVIDER", "Stripe returned a session without a URL.");
      id = session.id;
      url = session.url;
    } else {
      id = `dev_cs_${randomBytes(16).toString("base64url")}`;
      url = `${publicUrl}/dev/checkout/${id}`;
    }
    await svc.db.insert(checkoutSessions).values({
      id,
      installId: install.id,
      slug: item.slug,
      amountCents: item.priceCents,
      provider: svc.stripe ? "stripe" : "dev",
      returnUrl: body.returnUrl ?? null,
      createdAt: svc.now().getTime(),
    });
    return c.json({ url, sessionId: id, slug: item.slug, price: formatPrice(item.priceCents), provider: svc.stripe ? "stripe" : "dev" }, 201);
  });

  const sessionRow = async (id: string) => (await svc.db.select().from(checkoutSessions).where(eq(checkoutSessions.id, id)))[0];

  app.get("/v1/checkout/success", async (c) => {
    const id = c.req.query("session_id") ?? "";
    const session = await sessionRow(id);
    if (!session) return c.html(page("Unknown checkout", "<p>This checkout session is not known to the registry.</p>"), 404);
    let paid = false;
    if (session.provider === "stripe" && svc.stripe) {
      try {
        const remote = await svc.stripe.checkout.sessions.retrieve(id);
        if (remote.payment_status === "paid") {
          await svc.purchases.fulfil(id, { paymentIntent: idOf(remote.payment_intent) });
          paid = true;
        }
      } catch (err) {
        svc.logger.log({ level: "error", msg: "stripe retrieve failed", requestId: c.get("requestId"), error: (err as Error).message });
        throw new RegistryError("REG_ERR_PAYMENT_PROVIDER");
      }
    } else {
      paid = (await svc.db.select({ id: purchases.id }).from(purchases).where(eq(purchases.sessionId, id))).length > 0;
    }
    const back = session.returnUrl ? `<p><a href="${html(session.returnUrl)}">Back to ArchNest</a></p>` : "";
    const item = purchasable(session.slug);
    return paid
      ? c.html(page("Payment received", `<p>${html(item?.name ?? session.slug)} is unlocked. ArchNest picks it up at its next license refresh.</p>${back}`))
      : c.html(page("Payment processing", `<p>The payment is not confirmed yet; the module unlocks as soon as it is.</p>${back}`), 202);
  });

  app.get("/v1/checkout/cancel", (c) => c.html(page("Checkout cancelled", "<p>Nothing was charged. You can close this page.</p>")));

  // The development checkout: only when asked for (never beside Stripe), clearly marked, and fulfilled by
  // the same code.
  const devSession = async (id: string) => {
    const session = svc.config.checkout === "development" ? await sessionRow(id) : undefined;
    if (session?.provider !== "dev") throw new RegistryError("REG_ERR_CHECKOUT_UNAVAILABLE");
    return session;
  };
  app.get("/dev/checkout/:id", async (c) => {
    const session = await devSession(c.req.param("id"));
    const item = purchasable(session.slug);
    let modules = "";
    if (item && item.modules.length > 1) {
      // A bundle says what arrives now and what its license covers later, as the store does.
      const published = await svc.packages.publishedModules();
      const names = (now: boolean) =>
        item.modules
          .map(findModule)
          .filter((m) => m !== undefined && isAvailable(m, published) === now)
          .map((m) => html(m?.name ?? ""))
          .join(", ");
      const [now, later] = [names(true), names(false)];
      modules = `${now ? `<p>Available now: ${now}</p>` : ""}${later ? `<p>Coming later (included when released): ${later}</p>` : ""}`;
    }
    return c.html(
      page(
        `Buy ${item?.name ?? session.slug}`,
        `<p>Price: <strong>${formatPrice(session.amountCents)}</strong> (one-time)</p>${modules}<p>Install: <code>${html(session.installId)}</code></p>
<form method="post" action="/dev/checkout/${html(session.id)}/pay"><button type="submit">Pay ${formatPrice(session.amountCents)}</button></form>`,
        DEV_CHECKOUT_BANNER,
      ),
    );
  });
  app.post("/dev/checkout/:id/pay", async (c) => {
    const session = await devSession(c.req.param("id"));
    await svc.purchases.fulfil(session.id);
    svc.logger.log({ level: "info", msg: "dev checkout paid", requestId: c.get("requestId"), installId: session.installId, slug: session.slug });
    return c.redirect(`/v1/checkout/success?session_id=${encodeURIComponent(session.id)}`, 303);
  });

  app.post("/v1/stripe/webhook", async (c) => {
    const { stripe } = svc;
    const secret = svc.config.stripe?.webhookSecret;
    if (!stripe || !secret) throw new RegistryError("REG_ERR_NOT_FOUND", "Stripe is not configured on this registry.");
    // The signature covers the raw bytes, so they are passed on untouched, never decoded and re-encoded.
    const raw = Buffer.from(await c.req.arrayBuffer());
    let event: Stripe.Event;
    try {
      event = stripe.webhooks.constructEvent(raw, c.req.header("stripe-signature") ?? "", secret);
    } catch {
      throw new RegistryError("REG_ERR_WEBHOOK_SIGNATURE");
    }
    const recorded = await svc.db.insert(stripeEvents).values({ id: event.id, type: event.type, createdAt: svc.now().getTime() }).onConflictDoNothing();
    if (recorded.rowsAffected === 0) return c.json({ received: true, duplicate: true });
    try {
      await handleEvent(svc, event);
    } catch (err) {
      // Forget the event so Stripe's retry processes it again.
      await svc.db.delete(stripeEvents).where(eq(stripeEvents.id, event.id));
      throw err;
    }
    svc.logger.log({ level: "info", msg: "stripe event", requestId: c.get("requestId"), eventId: event.id, type: event.type });
    return c.json({ received: true });
  });

  return app;
}

async function handleEvent(svc: Services, event: Stripe.Event): Promise<void> {
  switch (event.type) {
    case "checkout.session.completed":
    case "checkout.session.async_payment_succeeded": {
      const session = event.data.object;
      // completed with payment_status "unpaid" is a delayed payment method: async_payment_succeeded follows.
      if (event.type === "checkout.session.completed" && session.payment_status === "unpaid") return;
      await adoptSession(svc, session);
      await svc.purchases.fulfil(session.id, { paymentIntent: idOf(session.payment_intent) });
      return;
    }
    case "charge.refunded": {
      const charge = event.data.object;
      const pi = idOf(charge.payment_intent);
      if (charge.refunded && pi) await svc.purchases.refund(pi, charge.id);
      return;
    }
    default:
      return;
  }
}

/** A paid session this registry has no row for (created before a database restore): its Stripe-signed metadata says who bought what. */
async function adoptSession(svc: Services, session: Stripe.Checkout.Session): Promise<void> {
  const installId = session.metadata?.installId;
  const slug = session.metadata?.slug;
  const item = slug ? purchasable(slug) : undefined;
  if (!installId || !item) return;
  const [install] = await svc.db.select({ id: installs.id }).from(installs).where(eq(installs.id, installId));
  if (!install) return;
  await svc.db
    .insert(checkoutSessions)
    .values({
      id: session.id,
      installId,
      slug: item.slug,
      amountCents: session.amount_total ?? item.priceCents,
      provider: "stripe",
      createdAt: svc.now().getTime(),
    })
    .onConflictDoNothing();
}
