import type { MiddlewareHandler } from "hono";
import { withDefaultHeaders } from "./default-headers.js";

const HASH = /^'?(sha256|sha384|sha512)-([A-Za-z0-9+/]+={0,2})'?$/;

/** Normalises CSP hash sources to the quoted form (`'sha256-...'`), refusing anything else. */
export function cspHashSources(hashes: readonly string[]): string[] {
  return hashes.map((h) => {
    const m = HASH.exec(h.trim());
    if (!m) throw new TypeError(`not a CSP hash source: ${h}`);
    return `'${m[1]}-${m[2]}'`;
  });
}

/**
 * The security headers of every page, with a strict Content-Security-Policy: scripts only from the
 * host itself plus the given inline-script hashes (the web app's import map); inline styles are allowed
 * for Solid's style props; images may come from https for favicons; nothing may frame the app.
 */
export function securityHeaderList(scriptHashes: readonly string[] = []): [string, string][] {
  const csp = [
    "default-src 'self'",
    `script-src ${["'self'", ...cspHashSources(scriptHashes)].join(" ")}`,
    "style-src 'self' 'unsafe-inline'",
    "connect-src 'self'",
    "img-src 'self' data: https:",
    "font-src 'self' data:",
    "frame-ancestors 'none'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
  ].join("; ");
  return [
    ["content-security-policy", csp],
    ["cross-origin-opener-policy", "same-origin"],
    ["cross-origin-resource-policy", "same-origin"],
    ["origin-agent-cluster", "?1"],
    ["permissions-policy", "camera=(), microphone=(), geolocation=()"],
    ["referrer-policy", "no-referrer"],
    // Without includeSubDomains: the host often shares a domain with services it does not speak for.
    ["strict-transport-security", "max-age=15552000"],
    ["x-content-type-options", "nosniff"],
    ["x-dns-prefetch-control", "off"],
    ["x-download-options", "noopen"],
    ["x-frame-options", "DENY"],
    ["x-permitted-cross-domain-policies", "none"],
    // The legacy XSS auditor is off: it opened more holes than it closed; the CSP does that job.
    ["x-xss-protection", "0"],
  ];
}

// The security headers that act on an API answer (JSON, server-sent events, plugin modules, downloads)
// rather than only on a page the browser renders, as the OWASP REST Security Cheat Sheet lists them, with
// Cross-Origin-Resource-Policy (no other site may load these answers) and Referrer-Policy.
const API_SECURITY_HEADERS = new Set([
  "content-security-policy",
  "cross-origin-resource-policy",
  "referrer-policy",
  "strict-transport-security",
  "x-content-type-options",
  "x-frame-options",
]);

/**
 * Security headers, set in one pass: under /api the ones that act on API answers, plus `apiHeaders`
 * (no-store); everywhere else all of securityHeaderList. A response that sets one of them itself keeps
 * its own: a route serving a downloadable page may send a stricter policy (`sandbox`), an API route its
 * own cache policy.
 */
export function securityHeaders(scriptHashes: readonly string[] = [], apiHeaders: readonly (readonly [string, string])[] = []): MiddlewareHandler {
  const headers = securityHeaderList(scriptHashes);
  const forApi = [...headers.filter(([name]) => API_SECURITY_HEADERS.has(name)), ...apiHeaders];
  return (c, next) => {
    const path = c.req.path;
    return withDefaultHeaders(c, path === "/api" || path.startsWith("/api/") ? forApi : headers, next);
  };
}
