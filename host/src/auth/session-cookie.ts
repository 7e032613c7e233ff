import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import { headerOf, isHttps } from "../http/request-info.js";

export const SESSION_COOKIE = "archnest_session";

export function readSessionCookie(c: Context): string | undefined {
  return tokenFromCookieHeader(headerOf(c, "cookie"));
}

/** HttpOnly (no script reads it), SameSite=Strict (no cross-site request carries it), Secure on https. */
export function writeSessionCookie(c: Context, token: string, maxAgeMs: number, trustProxy: boolean): void {
  setCookie(c, SESSION_COOKIE, token, { httpOnly: true, sameSite: "Strict", path: "/", secure: isHttps(c, trustProxy), maxAge: Math.floor(maxAgeMs / 1000) });
}

export function clearSessionCookie(c: Context, trustProxy: boolean): void {
  deleteCookie(c, SESSION_COOKIE, { httpOnly: true, sameSite: "Strict", path: "/", secure: isHttps(c, trustProxy) });
}

/** The session token from a raw Cookie header (for WebSocket upgrades, which bypass Hono). */
export function tokenFromCookieHeader(header: string | undefined): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim();
  }
  return undefined;
}
