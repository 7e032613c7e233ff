import { and, eq, gt, inArray, isNull, or, sql } from "drizzle-orm";
import { expandSlugs } from "../catalog/index.js";
import type { RegistryDb } from "../db/index.js";
import { checkoutSessions, installs, purchases, refunds, transfers } from "../db/schema.js";
import { RegistryError } from "../errors/index.js";

const YEAR_MS = 365 * 86_400_000;

/**
 * How long gated delivery may trust what it last read of an install's purchases. This instance empties
 * the cache whenever it writes a purchase, refund or transfer; the bound is for a change written by
 * another registry instance sharing the database (a libsql server), which shows within this time.
 */
export const OWNERSHIP_CACHE_MS = 5_000;
const OWNERSHIP_CACHE_MAX = 50_000;

/** The outcome of {@link Purchases.fulfil}. */
export type FulfilOutcome = { fulfilled: true; installId: string; slug: string; revoked: boolean } | { fulfilled: false; reason: "unknown_session" };

/** Purchases: the registry's database is the source of truth for what an install owns (docs/architecture.md section 4). */
export interface Purchases {
  /**
   * The module slugs an install's live purchases grant, bundles expanded. `cached` (gated delivery) may
   * answer from a per-install cache kept {@link OWNERSHIP_CACHE_MS}; every purchase, refund and transfer
   * this instance records empties it as soon as its write settles, so the next request sees the change.
   */
  modulesOf(installId: string, opts?: { cached?: boolean }): Promise<readonly string[]>;
  /**
   * Grants the purchase of one paid checkout session. Idempotent: the webhook events and the success page
   * all call it, any number of times, in any order, and at most one purchase results.
   */
  fulfil(sessionId: string, facts?: { paymentIntent?: string | null }): Promise<FulfilOutcome>;
  /** Revokes the purchase paid by a refunded payment intent, now or when its checkout event arrives later. */
  refund(paymentIntent: string, chargeId: string): Promise<void>;
  /** Moves every purchase of one install to another, at most once a year per install. */
  transfer(from: string, to: string): Promise<{ moved: number }>;
}

export function createPurchases(db: RegistryDb, now: () => Date): Purchases {
  // Prepared once: every gated download and every license runs it.
  const liveSlugs = db
    .select({ slug: purchases.slug })
    .from(purchases)
    .where(and(eq(purchases.installId, sql.placeholder("installId")), isNull(purchases.revokedAt)))
    .prepare();
  // Reading purchases was the largest database cost of a gated download after the nonce write.
  const owned = new Map<string, { slugs: readonly string[]; until: number }>();
  // Emptied once a write has settled (committed or not), and the generation bumped, so that a read which
  // overlapped the write cannot put what it saw back.
  let generation = 0;
  async function changing<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      generation += 1;
      owned.clear();
    }
  }

  async function read(installId: string): Promise<readonly string[]> {
    const rows = await liveSlugs.all({ installId });
    return expandSlugs(rows.map((r) => r.slug));
  }

  return {
    async modulesOf(installId, opts = {}) {
      if (!opts.cached) return read(installId);
      const at = Date.now();
      const hit = owned.get(installId);
      if (hit && hit.until > at) return hit.slugs;
      const started = generation;
      const slugs = await read(installId);
      if (started === generation) {
        if (owned.size >= OWNERSHIP_CACHE_MAX) owned.clear();
        owned.set(installId, { slugs, until: at + OWNERSHIP_CACHE_MS });
      }
      return slugs;
    },

    async fulfil(sessionId, facts = {}) {
      const [session] = await db.select().from(checkoutSessions).where(eq(checkoutSessions.id, sessionId));
      if (!session) return { fulfilled: false, reason: "unknown_session" };
      const at = now().getTime();
      const paymentIntent = facts.paymentIntent ?? null;
      // One batch runs as one transaction: the unique session id makes the insert idempotent, and a
      // refund recorded before this checkout event (events arrive out of order) revokes it at once.
      await changing(
        db.batch([
          db.insert(purchases).values({ sessionId, installId: session.installId, slug: session.slug, paymentIntent, createdAt: at }).onConflictDoNothing(),
          db
            .update(purchases)
            .set({ paymentIntent: sql`coalesce(${purchases.paymentIntent}, ${paymentIntent})` })
            .where(eq(purchases.sessionId, sessionId)),
          db
            .update(purchases)
            .set({ revokedAt: at, revokeReason: "refunded" })
            .where(
              and(
                eq(purchases.sessionId, sessionId),
                isNull(purchases.revokedAt),
                inArray(purchases.paymentIntent, db.select({ pi: refunds.paymentIntent }).from(refunds)),
              ),
            ),
        ]),
      );
      const [row] = await db.select().from(purchases).where(eq(purchases.sessionId, sessionId));
      return { fulfilled: true, installId: row?.installId ?? session.installId, slug: session.slug, revoked: row?.revokedAt != null };
    },

    async refund(paymentIntent, chargeId) {
      const at = now().getTime();
      await changing(
        db.batch([
          db.insert(refunds).values({ paymentIntent, chargeId, createdAt: at }).onConflictDoNothing(),
          db
            .update(purchases)
            .set({ revokedAt: at, revokeReason: "refunded" })
            .where(and(eq(purchases.paymentIntent, paymentIntent), isNull(purchases.revokedAt))),
        ]),
      );
    },

    async transfer(from, to) {
      if (from === to) throw new RegistryError("REG_ERR_TRANSFER_INVALID", "An install cannot transfer to itself.");
      const found = await db
        .select({ id: installs.id })
        .from(installs)
        .where(inArray(installs.id, [from, to]));
      if (found.length !== 2) throw new RegistryError("REG_ERR_TRANSFER_INVALID", "Both installs must be registered.");
      const at = now().getTime();
      // Either side having taken part in a transfer within the year blocks another, so purchases cannot
      // hop A -> B -> C to get around the limit.
      const recent = await db
        .select({ id: transfers.id })
        .from(transfers)
        .where(
          and(
            gt(transfers.at, at - YEAR_MS),
            or(eq(transfers.fromInstall, from), eq(transfers.toInstall, from), eq(transfers.fromInstall, to), eq(transfers.toInstall, to)),
          ),
        );
      if (recent.length > 0) throw new RegistryError("REG_ERR_TRANSFER_LIMIT");
      const [, moved] = await changing(
        db.batch([
          db.insert(transfers).values({ fromInstall: from, toInstall: to, at }),
          db.update(purchases).set({ installId: to }).where(eq(purchases.installId, from)),
        ]),
      );
      return { moved: moved.rowsAffected };
    },
  };
}
