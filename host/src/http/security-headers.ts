import { secureHeaders } from "hono/secure-headers";

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
 * Security headers on every response, with a strict Content-Security-Policy: scripts only from the host
 * itself plus the given inline-script hashes (the web app's import map); inline styles are allowed for
 * Solid's style props; images may come from https for favicons; nothing may frame the app.
 */
export function securityHeaders(scriptHashes: readonly string[] = []) {
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      scriptSrc: ["'self'", ...cspHashSources(scriptHashes)],
      styleSrc: ["'self'", "'unsafe-inline'"],
      connectSrc: ["'self'"],
      imgSrc: ["'self'", "data:", "https:"],
      fontSrc: ["'self'", "data:"],
      frameAncestors: ["'none'"],
      objectSrc: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'self'"],
    },
    xFrameOptions: "DENY",
    // Without includeSubDomains: the host often shares a domain with services it does not speak for.
    strictTransportSecurity: "max-age=15552000",
    referrerPolicy: "no-referrer",
    crossOriginResourcePolicy: "same-origin",
    crossOriginOpenerPolicy: "same-origin",
    permissionsPolicy: { camera: [], microphone: [], geolocation: [] },
  });
}
