import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";

/**
 * The client's address. Behind a trusted reverse proxy it is the last X-Forwarded-For entry (the one the
 * proxy itself appended; earlier entries are whatever the client sent).
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const last = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
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
  return trustProxy && c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

/**
 * True when the request carries no Origin, or an Origin whose host is the host the request was sent to.
 * Browsers send Origin on every cross-origin and every unsafe request, so a forged form or fetch from
 * another site is refused here even before the CSRF token is checked.
 */
export function originAllowed(c: Context, trustProxy: boolean): boolean {
  const origin = c.req.header("origin");
  if (origin === undefined) return true;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = trustProxy ? c.req.header("x-forwarded-host")?.split(",")[0]?.trim() : undefined;
  const host = forwarded ?? c.req.header("host") ?? new URL(c.req.url).host;
  return originHost !== "" && originHost.toLowerCase() === host.toLowerCase();
}
