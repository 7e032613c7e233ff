import { timingSafeEqual } from "node:crypto";
import { CSRF_HEADER } from "@archnest/sdk/web";
import type { MiddlewareHandler } from "hono";
import { HostError } from "../errors/index.js";
import type { AppEnv } from "../http/app-env.js";
import { headerOf, originAllowed } from "../http/request-info.js";
import { readSessionCookie, writeSessionCookie } from "./session-cookie.js";
import type { SessionStore } from "./session-store.js";

// The header name is the SDK's, which the browser side sets, so the two cannot drift apart.
export { CSRF_HEADER };

/** The only /api routes reachable without a session. Everything else under /api, present or future, needs one. */
export const PUBLIC_API_ROUTES: ReadonlySet<string> = new Set(["GET /api/setup", "HEAD /api/setup", "POST /api/setup", "POST /api/auth/login"]);

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function isUnsafeMethod(method: string): boolean {
  return !SAFE_METHODS.has(method.toUpperCase());
}

function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Registered on `/api/*` before any /api route, so routes added later are protected without opting in.
 * A cookie session is required (401 HOST_ERR_UNAUTHENTICATED otherwise). Unsafe methods must also carry
 * the session's CSRF token in x-archnest-csrf and, when the browser sent an Origin, come from this host
 * (403 HOST_ERR_CSRF): the synchronizer-token pattern on top of SameSite=Strict.
 */
export function sessionGuard(sessions: SessionStore, trustProxy: boolean): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const method = c.req.method.toUpperCase();
    const unsafe = isUnsafeMethod(method);
    if (PUBLIC_API_ROUTES.has(`${method} ${c.req.path}`)) {
      // Login and setup carry no session yet; a cross-origin Origin is still refused (login CSRF).
      if (unsafe && !originAllowed(c, trustProxy)) throw new HostError("HOST_ERR_CSRF", "the request came from another origin");
      return next();
    }
    const token = readSessionCookie(c);
    const found = token === undefined ? undefined : await sessions.lookup(token);
    if (!found) throw new HostError("HOST_ERR_UNAUTHENTICATED", "sign in first");
    if (unsafe) {
      if (!originAllowed(c, trustProxy)) throw new HostError("HOST_ERR_CSRF", "the request came from another origin");
      if (!sameToken(headerOf(c, CSRF_HEADER), found.session.csrfToken)) throw new HostError("HOST_ERR_CSRF", `the ${CSRF_HEADER} header is missing or wrong`);
    }
    c.set("user", found.session.user);
    c.set("session", found.session);
    if (found.refreshed && token !== undefined) writeSessionCookie(c, token, sessions.ttlMs, trustProxy);
    await next();
  };
}

/** Refuses users without `role` with 403 HOST_ERR_FORBIDDEN; use after the session guard. */
export function requireRole(role: "admin" | "member"): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.get("user");
    if (!user) throw new HostError("HOST_ERR_UNAUTHENTICATED", "sign in first");
    if (role === "admin" && user.role !== "admin") throw new HostError("HOST_ERR_FORBIDDEN", "this needs an admin");
    await next();
  };
}
