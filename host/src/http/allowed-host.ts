import { isIP } from "node:net";
import type { MiddlewareHandler } from "hono";
import { HOST_ERRORS, hostErrorBody } from "../errors/index.js";
import { headerOf } from "./request-info.js";

const LOOPBACK_NAMES = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** The lower-case host name of a Host header value (port dropped, IPv6 kept in brackets), or undefined. */
function hostnameOf(value: string | undefined): string | undefined {
  if (value === undefined || value === "" || /[\s/?#@\\]/.test(value)) return undefined;
  try {
    return new URL(`http://${value}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * True when a Host header names a host this server serves: a loopback name, an IP address, or a name in
 * `allowed` (lower-case names, no port), with any port.
 *
 * DNS rebinding (a page on evil.example whose name is made to resolve to 127.0.0.1 or a LAN address) can
 * only reach the host with its own name in the Host header; an IP address there means the browser's
 * origin is that address itself, which the same-origin policy already keeps apart from other sites. So IP
 * addresses pass (reaching the host by its LAN or container address needs no setting), and names must be
 * known.
 */
export function hostAllowed(value: string | undefined, allowed: ReadonlySet<string>): boolean {
  const name = hostnameOf(value);
  if (name === undefined) return false;
  if (LOOPBACK_NAMES.has(name) || allowed.has(name)) return true;
  return isIP(name.replace(/^\[(.*)\]$/, "$1")) !== 0;
}

/**
 * The host a request names: behind a trusted proxy its X-Forwarded-Host (the name the browser used; the
 * proxy's Host is often the upstream's own name), otherwise its Host header.
 */
export function requestedHost(host: string | undefined, forwardedHost: string | undefined, trustProxy: boolean): string | undefined {
  const forwarded = trustProxy ? forwardedHost?.split(",")[0]?.trim() : undefined;
  return forwarded || host;
}

/**
 * Refuses, on every route, a request whose Host (or, behind a trusted proxy, X-Forwarded-Host) is not one
 * {@link hostAllowed} accepts: 421 with HOST_ERR_HOST_NOT_ALLOWED, as JSON under /api and plain text
 * elsewhere.
 */
export function allowedHostGuard(allowed: ReadonlySet<string>, trustProxy: boolean): MiddlewareHandler {
  // Every request asks, and a host is reached by a handful of names: the verdict per Host value is kept
  // (bounded, so a client sending endless names cannot grow it) instead of parsing the value each time.
  const verdicts = new Map<string, boolean>();
  const allowedValue = (value: string | undefined): boolean => {
    if (value === undefined) return false;
    let ok = verdicts.get(value);
    if (ok === undefined) {
      ok = hostAllowed(value, allowed);
      if (verdicts.size >= 256) verdicts.clear();
      verdicts.set(value, ok);
    }
    return ok;
  };
  return async (c, next) => {
    // Over node:http the URL is built from the Host header; under app.request() (tests) it is the only source.
    const host = requestedHost(headerOf(c, "host") ?? new URL(c.req.url).host, headerOf(c, "x-forwarded-host"), trustProxy);
    if (allowedValue(host)) return next();
    const message = HOST_ERRORS.HOST_ERR_HOST_NOT_ALLOWED.message;
    if (c.req.path === "/api" || c.req.path.startsWith("/api/")) return c.json(hostErrorBody(c, "HOST_ERR_HOST_NOT_ALLOWED", message), 421);
    return c.text(`HOST_ERR_HOST_NOT_ALLOWED: ${message}\n`, 421);
  };
}
