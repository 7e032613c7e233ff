import type { IncomingMessage } from "node:http";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/**
 * A request header (lower-case name). Over node:http it is read from Node's own parsed headers: asking the
 * Request for one builds a validated Headers copy of all of them, which the host's per-request checks
 * (request id, session cookie, CSRF token, origin) would otherwise pay on every request.
 */
export function headerOf(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming?.headers) {
    const value = incoming.headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  }
  return c.req.header(name);
}

/**
 * The client's address. Behind a trusted reverse proxy it is the last X-Forwarded-For entry (the one the
 * proxy itself appended; earlier entries are whatever the client sent).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const last = headerOf(c, "x-forwarded-for")?.split(",").at(-1)?.trim();
    if (last) return last;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // No socket under app.request() (tests, in-process calls).
    return "unknown";
  }
}

export function isHttps(c: Context, trustProxy: boolean): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  return trustProxy && headerOf(c, "x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

/**
 * True when there is no Origin, or the Origin's host is `host` (compared case-insensitively). A malformed
 * Origin, or one without a host (`null`), never matches.
 */
export function originMatches(origin: string | undefined, host: string | undefined): boolean {
  if (origin === undefined) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  return originHost !== "" && host !== undefined && originHost.toLowerCase() === host.toLowerCase();
}

/**
 * True when the request carries no Origin, or an Origin whose host is the host the request was sent to.
 * Browsers send Origin on every cross-origin and every unsafe request, so a forged form or fetch from
 * another site is refused here even before the CSRF token is checked.
 */
export function originAllowed(c: Context, trustProxy: boolean): boolean {
  const origin = headerOf(c, "origin");
  if (origin === undefined) return true;
  const forwarded = trustProxy ? headerOf(c, "x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  return originMatches(origin, forwarded ?? headerOf(c, "host") ?? new URL(c.req.url).host);
}
