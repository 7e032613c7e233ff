import { hash, randomBytes } from "node:crypto";
import type { RequestUser } from "@archnest/sdk/plugin";
import { and, eq, lt, ne } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { sessions, users } from "../db/schema.js";

export const SESSION_TTL_MS = 30 * 24 * 60 * 60 * 1000;
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export interface Session {
  /** SHA-256 (hex) of the token; the token itself is never stored. */
  id: string;
  user: RequestUser;
  csrfToken: string;
  createdAt: number;
  expiresAt: number;
  lastSeenAt: number;
}

export interface SessionStoreOptions {
  now?: () => number;
  ttlMs?: number;
  /** How often a used session's expiry is pushed forward in the database (and its cookie re-sent). */
  touchEveryMs?: number;
  maxCached?: number;
}

export function sessionIdOf(token: string): string {
  return hash("sha256", token, "hex");
}

/**
 * Server-side sessions with a sliding expiry. Lookups are served from a small in-memory cache that is
 * re-checked against the database at every touch, so authentication costs no query on most requests
 * while a revoked session is refused at once (revocation goes through this store).
 */
export class SessionStore {
  readonly #db: Db;
  readonly #now: () => number;
  readonly #ttl: number;
  readonly #touchEvery: number;
  readonly #maxCached: number;
  readonly #cache = new Map<string, Session>();

  constructor(db: Db, options: SessionStoreOptions = {}) {
    this.#db = db;
    this.#now = options.now ?? Date.now;
    this.#ttl = options.ttlMs ?? SESSION_TTL_MS;
    this.#touchEvery = options.touchEveryMs ?? 60_000;
    this.#maxCached = options.maxCached ?? 5_000;
  }

  get ttlMs(): number {
    return this.#ttl;
  }

  #remember(session: Session): void {
    this.#cache.delete(session.id);
    this.#cache.set(session.id, session);
    while (this.#cache.size > this.#maxCached) {
      const first = this.#cache.keys().next();
      if (first.done) break;
      this.#cache.delete(first.value);
    }
  }

  /** Starts a session for the user; the returned token goes into the cookie and nowhere else. */
  async create(user: RequestUser): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString("base64url");
    const now = this.#now();
    const session: Session = {
      id: sessionIdOf(token),
      user,
      csrfToken: randomBytes(32).toString("base64url"),
      createdAt: now,
      expiresAt: now + this.#ttl,
      lastSeenAt: now,
    };
    await this.#db.insert(sessions).values({
      id: session.id,
      userId: user.id,
      csrfToken: session.csrfToken,
      createdAt: now,
      expiresAt: session.expiresAt,
      lastSeenAt: now,
    });
    this.#remember(session);
    return { token, session };
  }

  /**
   * The live session for a cookie token, or undefined. `refreshed` is true when its expiry just moved
   * forward, so the caller re-sends the cookie with a fresh Max-Age.
   */
  async lookup(token: string): Promise<{ session: Session; refreshed: boolean } | undefined> {
    if (!TOKEN_SHAPE.test(token)) return undefined;
    const id = sessionIdOf(token);
    const now = this.#now();
    const cached = this.#cache.get(id);
    if (cached && cached.expiresAt > now && now - cached.lastSeenAt < this.#touchEvery) return { session: cached, refreshed: false };

    const [row] = await this.#db
      .select({ s: sessions, u: { id: users.id, username: users.username, role: users.role } })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.id, id));
    if (!row || row.s.expiresAt <= now) {
      this.#cache.delete(id);
      if (row) await this.#db.delete(sessions).where(eq(sessions.id, id));
      return undefined;
    }
    const session: Session = { id, user: row.u, csrfToken: row.s.csrfToken, createdAt: row.s.createdAt, expiresAt: now + this.#ttl, lastSeenAt: now };
    await this.#db.update(sessions).set({ expiresAt: session.expiresAt, lastSeenAt: now }).where(eq(sessions.id, id));
    this.#remember(session);
    return { session, refreshed: true };
  }

  async revoke(sessionId: string): Promise<void> {
    this.#cache.delete(sessionId);
    await this.#db.delete(sessions).where(eq(sessions.id, sessionId));
  }

  /** Ends every session of a user except `keepSessionId` (after a password change). */
  async revokeUser(userId: string, keepSessionId?: string): Promise<void> {
    for (const [id, s] of this.#cache) if (s.user.id === userId && id !== keepSessionId) this.#cache.delete(id);
    const where = keepSessionId === undefined ? eq(sessions.userId, userId) : and(eq(sessions.userId, userId), ne(sessions.id, keepSessionId));
    await this.#db.delete(sessions).where(where);
  }

  /** Deletes expired rows; returns how many. */
  async prune(): Promise<number> {
    const now = this.#now();
    for (const [id, s] of this.#cache) if (s.expiresAt <= now) this.#cache.delete(id);
    const gone = await this.#db.delete(sessions).where(lt(sessions.expiresAt, now)).returning({ id: sessions.id });
    return gone.length;
  }
}
