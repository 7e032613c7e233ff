/**
 * @archnest/web/serve: how the host serves the built web app. Node only; the browser never loads this.
 *
 * The host calls {@link loadWebApp} once at start, passes `cspScriptHashes` into its Content-Security-
 * Policy (they allow the inline import map and nothing else inline), and routes every GET that is not
 * an API call through `handle`. Hashed files under /assets and /shared are cached for good; index.html
 * is revalidated so a new build is picked up at once; unknown paths get index.html (SPA routes).
 */
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { extname, join, normalize, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".woff2": "font/woff2",
  ".json": "application/json",
  ".webmanifest": "application/manifest+json",
};

/** Files of the build the browser never needs: the CSP hashes and this serving code (built to dist/server). */
const isPrivate = (rel: string): boolean => rel === "csp-hashes.json" || rel.startsWith("server/") || rel.startsWith(`server${sep}`);

/** The web app not built yet (or built elsewhere): the host should say how to build it. */
export class WebAppMissingError extends Error {
  readonly code = "WEB_ERR_NOT_BUILT";
  constructor(dir: string) {
    super(`The web app is not built: ${join(dir, "index.html")} is missing. Run \`npm run build\` (or \`npx turbo run build --filter=@archnest/web\`).`);
  }
}

export interface WebApp {
  /** The folder served. */
  dir: string;
  /** CSP `script-src` sources for the inline import map (`'sha256-...'`). */
  cspScriptHashes: string[];
  /** A response for a GET or HEAD of the app, or undefined when the path is not the app's (API, unknown file). */
  handle(request: Request): Response | undefined;
}

export { type ShellFile, shellInitialJs } from "./shell-size.js";

function cacheControl(rel: string): string {
  return rel.startsWith("assets/") || rel.startsWith("shared/") ? "public, max-age=31536000, immutable" : "no-cache";
}

/** Reads a built web app (default: this package's dist/) and returns its handler. */
export function loadWebApp(dir: string = resolveDefaultDir()): WebApp {
  const root = resolve(dir);
  const indexFile = join(root, "index.html");
  if (!existsSync(indexFile)) throw new WebAppMissingError(root);
  const hashesFile = join(root, "csp-hashes.json");
  const cspScriptHashes = existsSync(hashesFile) ? ((JSON.parse(readFileSync(hashesFile, "utf8")) as { scriptSrc?: string[] }).scriptSrc ?? []) : [];

  const send = (file: string, size: number, rel: string, head: boolean): Response => {
    const headers = { "content-type": TYPES[extname(file)] ?? "application/octet-stream", "content-length": String(size), "cache-control": cacheControl(rel) };
    return new Response(head ? null : (Readable.toWeb(createReadStream(file)) as ReadableStream), { headers });
  };

  return {
    dir: root,
    cspScriptHashes,
    handle(request) {
      if (request.method !== "GET" && request.method !== "HEAD") return undefined;
      const head = request.method === "HEAD";
      let pathname: string;
      try {
        pathname = decodeURIComponent(new URL(request.url).pathname);
      } catch {
        return undefined;
      }
      if (pathname === "/api" || pathname.startsWith("/api/") || pathname.includes("\0")) return undefined;
      const rel = normalize(pathname).replace(/^[/\\]+/, "");
      const file = join(root, rel);
      if (rel && !rel.split(/[/\\]/).includes("..") && file.startsWith(root + sep) && !isPrivate(rel)) {
        const st = existsSync(file) ? statSync(file) : undefined;
        if (st?.isFile()) return send(file, st.size, rel, head);
      }
      // A path with a file extension that does not exist is a missing asset, not a page.
      if (extname(rel) !== "" && extname(rel) !== ".html") return undefined;
      return send(indexFile, statSync(indexFile).size, "index.html", head);
    },
  };
}

/** Where `npm run build -w web` writes the app. */
export function resolveDefaultDir(): string {
  // From source (web/server/index.ts) and from the build (web/dist/server/index.js) alike.
  const here = fileURLToPath(new URL(".", import.meta.url));
  return here.includes(`${sep}dist${sep}server`) ? join(here, "..") : join(here, "..", "dist");
}
