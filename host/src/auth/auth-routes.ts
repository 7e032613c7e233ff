import { randomBytes, randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { RequestUser } from "@archnest/sdk/plugin";
import { count, eq } from "drizzle-orm";
import type { Context, Hono } from "hono";
import { z } from "zod";
import type { Db } from "../db/index.js";
import { users } from "../db/schema.js";
import { HostError } from "../errors/index.js";
import type { AppEnv } from "../http/app-env.js";
import type { BodyLimits } from "../http/body-limit.js";
import { readJson } from "../http/read-json.js";
import { clientAddress } from "../http/request-info.js";
import { checkPasswordPolicy, hashPassword, needsRehash, PASSWORD_MAX_LENGTH, verifyPassword } from "./password.js";
import { FailureLimiter } from "./rate-limit.js";
import { clearSessionCookie, writeSessionCookie } from "./session-cookie.js";
import type { Session, SessionStore } from "./session-store.js";
import type { SetupCode } from "./setup-code.js";

/**
 * How sign-in guessing is held back. Failures from one client address are refused outright once over the
 * limit; failures against one account only slow that account's answers down, so guesses from elsewhere
 * can never lock the real admin out (OWASP Authentication Cheat Sheet, "Account lockout").
 */
export interface LoginRateLimits {
  /** Failures per client address inside the window before 429 (default 50). */
  perAddress: number;
  /** Default 15 minutes. */
  windowMs: number;
  /** Failures against one account inside the window that cost nothing (default 3). */
  freeFailuresPerUser: number;
  /** The delay after the free failures; it doubles with each further failure (default 250 ms). */
  userDelayBaseMs: number;
  /** The longest delay, whatever the failure count (default 3 s). */
  userDelayMaxMs: number;
}

export const DEFAULT_LOGIN_RATE_LIMITS: LoginRateLimits = {
  perAddress: 50,
  windowMs: 15 * 60 * 1000,
  freeFailuresPerUser: 3,
  userDelayBaseMs: 250,
  userDelayMaxMs: 3000,
};

/** The delay before answering an attempt on an account with `failures` recent failures. */
export function accountDelayMs(failures: number, limits: LoginRateLimits): number {
  const over = failures - limits.freeFailuresPerUser;
  if (over < 0) return 0;
  return Math.min(limits.userDelayMaxMs, limits.userDelayBaseMs * 2 ** Math.min(over, 30));
}

export interface AuthRoutesOptions {
  db: Db;
  sessions: SessionStore;
  bodyLimits: BodyLimits;
  trustProxy: boolean;
  rateLimits: LoginRateLimits;
  /** The first-run setup code; POST /api/setup needs it. */
  setupCode: SetupCode;
  now: () => number;
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const username = z.string().trim().toLowerCase().regex(USERNAME, "1 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit");
const password = z
  .string()
  .min(1, "required")
  .max(PASSWORD_MAX_LENGTH * 4, "too long");
export const credentials = z.strictObject({ username, password });
// The code is checked by the route itself so that a missing one answers 403 like a wrong one.
export const setupRequest = credentials.extend({ setupCode: z.string().max(200).optional() });
export const passwordChange = z.strictObject({ currentPassword: password, newPassword: password });

// Small bodies only: nothing here needs more, and scrypt should never see megabytes.
const SMALL_BODY = { maxBytes: 16 * 1024 };

function publicUser(row: { id: string; username: string; role: "admin" | "member" }): RequestUser {
  return { id: row.id, username: row.username, role: row.role };
}

/** Registers /api/setup and /api/auth/*. The session guard must already be in place on /api/*. */
export function registerAuthRoutes(app: Hono<AppEnv>, options: AuthRoutesOptions): void {
  const { db, sessions, trustProxy, setupCode, rateLimits } = options;
  const now = options.now;
  options.bodyLimits.route("POST", "/api/setup", SMALL_BODY);
  options.bodyLimits.route("POST", "/api/auth/*", SMALL_BODY);
  // Remembers enough failures per account to reach the longest delay; it never refuses by itself.
  const byUser = new FailureLimiter({ limit: rateLimits.freeFailuresPerUser + 32, windowMs: rateLimits.windowMs, now });
  const byAddress = new FailureLimiter({ limit: rateLimits.perAddress, windowMs: rateLimits.windowMs, now });
  // Unknown usernames are checked against this hash so a login costs the same whether or not the user exists.
  const dummyHash = hashPassword(randomBytes(16).toString("hex"));

  const signIn = async (c: Context<AppEnv>, user: RequestUser): Promise<{ user: RequestUser; csrfToken: string }> => {
    const { token, session } = await sessions.create(user);
    writeSessionCookie(c, token, sessions.ttlMs, trustProxy);
    return { user, csrfToken: session.csrfToken };
  };

  const userCount = async (): Promise<number> => {
    const [row] = await db.select({ n: count() }).from(users);
    return row?.n ?? 0;
  };

  const refuseIfLimited = (address: string): void => {
    const waitMs = byAddress.retryAfterMs(address);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      throw new HostError("HOST_ERR_RATE_LIMITED", `too many failed attempts; try again in ${seconds} seconds`, {
        headers: { "Retry-After": String(seconds) },
      });
    }
  };

  /**
   * Counts the attempt against the account before its outcome is known and waits out the account's
   * delay. The count and the stamp are taken with no await between them, so a burst of parallel guesses
   * sees its own earlier guesses and slows down as a sequence would.
   */
  const slowDown = async (account: string): Promise<{ stamp: number; failures: number; delayMs: number }> => {
    const failures = byUser.failures(account);
    const stamp = byUser.fail(account);
    const delayMs = accountDelayMs(failures, rateLimits);
    if (delayMs > 0) await sleep(delayMs);
    return { stamp, failures, delayMs };
  };

  app.get("/api/setup", async (c) => c.json({ needsSetup: (await userCount()) === 0 }));

  app.post("/api/setup", async (c) => {
    if ((await userCount()) > 0) throw new HostError("HOST_ERR_SETUP_DONE");
    const body = await readJson(c, setupRequest);
    if (!setupCode.matches(body.setupCode)) {
      c.get("log").warn("setup refused: wrong or missing setup code", { address: clientAddress(c, trustProxy) });
      throw new HostError(
        "HOST_ERR_SETUP_CODE",
        body.setupCode === undefined ? "the setup code is missing" : "the setup code is wrong; use the one the host printed when it last started",
      );
    }
    checkPasswordPolicy(body.password);
    const passwordHash = await hashPassword(body.password);
    const user = { id: randomUUID(), username: body.username, role: "admin" as const };
    // Checked again inside a write transaction: two racing setups create one admin, the other gets 409.
    await db.transaction(async (tx) => {
      const [row] = await tx.select({ n: count() }).from(users);
      if ((row?.n ?? 0) > 0) throw new HostError("HOST_ERR_SETUP_DONE");
      await tx.insert(users).values({ ...user, passwordHash, createdAt: now() });
    });
    setupCode.consume();
    c.get("log").info("admin created", { userId: user.id, username: user.username });
    return c.json(await signIn(c, user), 201);
  });

  app.post("/api/auth/login", async (c) => {
    const body = await readJson(c, credentials);
    const address = clientAddress(c, trustProxy);
    // Tells the web app to open the setup page; GET /api/setup already says as much to anyone.
    if ((await userCount()) === 0) throw new HostError("HOST_ERR_SETUP_REQUIRED");
    // The address check and its pessimistic count run with no await between them, and the attempt counts
    // as a failure until the (slow) password check succeeds: a burst of parallel guesses cannot all slip in
    // before the first failure is recorded.
    refuseIfLimited(address);
    const addressStamp = byAddress.fail(address);
    const { failures, delayMs } = await slowDown(body.username);
    const [row] = await db.select().from(users).where(eq(users.username, body.username));
    const ok = (await verifyPassword(body.password, row?.passwordHash ?? (await dummyHash))) && row !== undefined;
    if (!ok || !row) {
      c.get("log").warn("login failed", { username: body.username, address, recentFailures: failures + 1, delayMs });
      throw new HostError("HOST_ERR_LOGIN_FAILED", "wrong username or password");
    }
    // The right password clears the account's slowdown whatever the failure count: guesses made
    // elsewhere never keep the real user out.
    byUser.reset(body.username);
    byAddress.forgive(address, addressStamp);
    if (needsRehash(row.passwordHash))
      await db
        .update(users)
        .set({ passwordHash: await hashPassword(body.password) })
        .where(eq(users.id, row.id));
    c.get("log").info("login", { userId: row.id, address });
    return c.json(await signIn(c, publicUser(row)));
  });

  app.post("/api/auth/logout", async (c) => {
    await sessions.revoke(c.get("session").id);
    clearSessionCookie(c, trustProxy);
    return c.body(null, 204);
  });

  app.get("/api/auth/me", (c) => c.json({ user: c.get("user"), csrfToken: c.get("session").csrfToken }));

  app.post("/api/auth/password", async (c) => {
    const body = await readJson(c, passwordChange);
    const me = c.get("user");
    const session: Session = c.get("session");
    const { stamp } = await slowDown(me.username);
    const [row] = await db.select().from(users).where(eq(users.id, me.id));
    if (!row || !(await verifyPassword(body.currentPassword, row.passwordHash))) {
      throw new HostError("HOST_ERR_PASSWORD_WRONG", "the current password is wrong");
    }
    byUser.forgive(me.username, stamp);
    checkPasswordPolicy(body.newPassword);
    await db
      .update(users)
      .set({ passwordHash: await hashPassword(body.newPassword) })
      .where(eq(users.id, me.id));
    // Other devices signed in with the old password are signed out; this one stays.
    await sessions.revokeUser(me.id, session.id);
    c.get("log").info("password changed", { userId: me.id });
    return c.body(null, 204);
  });
}
