/**
 * Server-side favicon fetching, once per site, kept in plugin storage as a data URL.
 *
 * Why the server and not the browser: the page's CSP and mixed content would block many icons, and
 * every person's browser would call out to every bookmarked site on every Glance load.
 *
 * What it may reach (server-side request forgery is the risk): the bookmarked URL's own host, whatever
 * address it has, because that is the place the person chose to link to (often a service on the LAN);
 * any other host (a redirect, an icon on a CDN) only when every address it resolves to is public. The
 * check runs in the socket's own DNS lookup, so a name cannot resolve to a public address for the check
 * and a private one for the connection. Each request has a short deadline and a size cap; only raster
 * images (PNG, ICO, GIF, JPEG, WebP) are kept, recognised by their bytes, never SVG (which can carry script).
 */
import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import http from "node:http";
import https from "node:https";
import { isIP } from "node:net";
import { isPrivateAddress } from "@archnest/sdk/plugin";

export const FAVICON_LIMITS = { pageBytes: 256 * 1024, iconBytes: 48 * 1024, requestMs: 3_000, totalMs: 6_000, redirects: 3 } as const;

// The one address rule of the SDK, the one ctx.fetch applies; re-exported for this module's tests.
export { isPrivateAddress };

export class FaviconRefused extends Error {}

/** A DNS lookup for node:http that refuses non-public addresses unless the host is the bookmarked one. */
function guardedLookup(trustedHost: string): NonNullable<http.RequestOptions["lookup"]> {
  return ((hostname: string, options: object, callback: (err: Error | null, address: string | LookupAddress[], family?: number) => void) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, "");
      const list = addresses as LookupAddress[];
      if (hostname.toLowerCase() !== trustedHost && list.some((a) => isPrivateAddress(a.address))) {
        return callback(new FaviconRefused(`${hostname} resolves to a non-public address`), "");
      }
      if ((options as { all?: boolean }).all) return callback(null, list);
      const first = list[0];
      if (!first) return callback(new FaviconRefused(`${hostname} has no address`), "");
      callback(null, first.address, first.family);
    });
  }) as NonNullable<http.RequestOptions["lookup"]>;
}

interface Fetched {
  url: URL;
  type: string;
  body: Buffer;
}

function fetchOnce(
  url: URL,
  trustedHost: string,
  maxBytes: number,
  deadline: number,
): Promise<{ status: number; location?: string; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
    // A literal IP never goes through lookup: check it here.
    if (isIP(host) && host !== trustedHost && isPrivateAddress(host)) return reject(new FaviconRefused(`${host} is not a public address`));
    const lib = url.protocol === "https:" ? https : http;
    const req = lib.get(
      url,
      {
        lookup: guardedLookup(trustedHost),
        timeout: Math.max(1, Math.min(FAVICON_LIMITS.requestMs, deadline - Date.now())),
        headers: { "user-agent": "ArchNest-Bookmarks/1 (favicon)", accept: "image/*,text/html;q=0.9,*/*;q=0.5" },
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          res.resume();
          return resolve({ status, type: "", body: Buffer.alloc(0), ...(res.headers.location && { location: res.headers.location }) });
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on("data", (c: Buffer) => {
          size += c.length;
          if (size > maxBytes) {
            chunks.push(c.subarray(0, c.length - (size - maxBytes)));
            res.destroy();
            return resolve({ status, type: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks) });
          }
          chunks.push(c);
        });
        res.on("end", () => resolve({ status, type: String(res.headers["content-type"] ?? ""), body: Buffer.concat(chunks) }));
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
  });
}

async function fetchFollowing(start: URL, trustedHost: string, maxBytes: number, deadline: number): Promise<Fetched | undefined> {
  let url = start;
  for (let hop = 0; hop <= FAVICON_LIMITS.redirects; hop++) {
    if (Date.now() >= deadline) return undefined;
    if (url.protocol !== "http:" && url.protocol !== "https:") return undefined;
    const res = await fetchOnce(url, trustedHost, maxBytes, deadline);
    if (res.location) {
      url = new URL(res.location, url);
      continue;
    }
    if (res.status !== 200) return undefined;
    return { url, type: res.type, body: res.body };
  }
  return undefined;
}

/** Recognises raster image formats by their first bytes; anything else (SVG, HTML) is refused. */
export function sniffImage(bytes: Buffer): string | undefined {
  if (bytes.length < 12) return undefined;
  if (bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))) return "image/png";
  if (bytes[0] === 0 && bytes[1] === 0 && (bytes[2] === 1 || bytes[2] === 2) && bytes[3] === 0) return "image/x-icon";
  if (bytes.subarray(0, 4).toString("latin1") === "GIF8") return "image/gif";
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "image/jpeg";
  if (bytes.subarray(0, 4).toString("latin1") === "RIFF" && bytes.subarray(8, 12).toString("latin1") === "WEBP") return "image/webp";
  return undefined;
}

/** The icon links of an HTML page's head, best first (`icon`, `shortcut icon`, then `apple-touch-icon`). */
export function iconLinks(html: string, base: URL): URL[] {
  const found: { rank: number; url: URL }[] = [];
  for (const m of html.matchAll(/<link\b[^>]*>/gi)) {
    const tag = m[0];
    const rel = /\brel\s*=\s*["']?([^"'>]+)/i.exec(tag)?.[1]?.toLowerCase() ?? "";
    const href = /\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
    const value = href?.[1] ?? href?.[2] ?? href?.[3];
    if (!value || !/\bicon\b/.test(rel)) continue;
    try {
      const url = new URL(value.replace(/&amp;/g, "&"), base);
      if (url.protocol === "http:" || url.protocol === "https:") found.push({ rank: rel.includes("apple-touch") ? 1 : 0, url });
    } catch {
      // An unparsable href is skipped.
    }
  }
  return found.sort((a, b) => a.rank - b.rank).map((f) => f.url);
}

/**
 * The favicon of a bookmarked page as a data URL, or undefined when there is none that qualifies.
 * Tries the page's `<link rel=icon>` first, then `/favicon.ico` of the bookmarked origin.
 */
export async function fetchFavicon(pageUrl: string): Promise<string | undefined> {
  const page = new URL(pageUrl);
  const trustedHost = page.hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  const deadline = Date.now() + FAVICON_LIMITS.totalMs;
  const candidates: URL[] = [];
  try {
    const html = await fetchFollowing(page, trustedHost, FAVICON_LIMITS.pageBytes, deadline);
    if (html && /html/i.test(html.type)) candidates.push(...iconLinks(html.body.toString("utf8"), html.url));
  } catch {
    // The page itself may refuse; /favicon.ico can still answer.
  }
  candidates.push(new URL("/favicon.ico", page));
  for (const url of candidates.slice(0, 4)) {
    try {
      const icon = await fetchFollowing(url, trustedHost, FAVICON_LIMITS.iconBytes + 1, deadline);
      if (!icon || icon.body.length > FAVICON_LIMITS.iconBytes) continue;
      const type = sniffImage(icon.body);
      if (type) return `data:${type};base64,${icon.body.toString("base64")}`;
    } catch {
      // Next candidate.
    }
  }
  return undefined;
}
