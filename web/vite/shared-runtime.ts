/**
 * The shared runtime of the shell and every plugin (docs/architecture.md section 2, web side): `solid-js`,
 * `solid-js/web`, `solid-js/store` and `@archnest/sdk/web` are built once as separate entries under
 * `shared/`, stay bare imports everywhere else, and an inline import map in index.html points each
 * specifier at its one file. Two Solid runtimes on one page would split reactivity (a signal from one is
 * invisible to the other), so nothing, not the shell and not a plugin, may bundle its own copy.
 *
 * The import map is the page's only inline script; its sha256 goes to `dist/csp-hashes.json` so the host
 * can allow exactly it in `script-src` and nothing else inline.
 */
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import type { SHARED_WEB_MODULES } from "@archnest/sdk/vite";
import type { Plugin } from "vite";

const require = createRequire(import.meta.url);
// solid-js's "node" export resolves to dist/server.cjs; its package root is two folders up.
const solidRoot = dirname(dirname(require.resolve("solid-js")));
const sdkRoot = fileURLToPath(new URL("../../sdk/core", import.meta.url));

/**
 * Specifier → entry name (the file becomes `shared/<name>-<hash>.js`) and source file. Keyed by the SDK's
 * list of shared modules, so a specifier added there and not built here fails the typecheck.
 */
export const SHARED_ENTRIES = {
  "solid-js": { name: "solid-js", file: join(solidRoot, "dist/solid.js") },
  "solid-js/web": { name: "solid-js-web", file: join(solidRoot, "web/dist/web.js") },
  "solid-js/store": { name: "solid-js-store", file: join(solidRoot, "store/dist/store.js") },
  "@archnest/sdk/web": { name: "archnest-sdk-web", file: join(sdkRoot, "src/web/index.ts") },
} as const satisfies Record<(typeof SHARED_WEB_MODULES)[number], { name: string; file: string }>;

const SPECIFIERS = new Set(Object.keys(SHARED_ENTRIES));
const ENTRY_NAMES = new Set<string>(Object.values(SHARED_ENTRIES).map((e) => e.name));

/** True for a specifier the import map provides (kept external in every build). */
export function isSharedSpecifier(id: string): boolean {
  return SPECIFIERS.has(id);
}

/** Rolldown inputs for the shared entries, keyed by entry name. */
export function sharedInputs(): Record<string, string> {
  return Object.fromEntries(Object.values(SHARED_ENTRIES).map((e) => [e.name, e.file]));
}

/** Output file name of a chunk: shared entries under shared/, the rest under assets/. */
export function entryFileName(chunk: { name: string }): string {
  return ENTRY_NAMES.has(chunk.name) ? "shared/[name]-[hash].js" : "assets/[name]-[hash].js";
}

/** The sha256 CSP source of an inline script's exact text. */
export function cspHash(scriptText: string): string {
  return `'sha256-${createHash("sha256").update(scriptText, "utf8").digest("base64")}'`;
}

/** Inline scripts (no src) of an HTML document, text exactly as the browser hashes it. */
export function inlineScripts(html: string): string[] {
  return [...html.matchAll(/<script(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/g)].map((m) => m[1] ?? "");
}

/** The Vite plugin: writes the import map into index.html and csp-hashes.json beside it. */
export function sharedRuntime(): Plugin {
  let outDir = "dist";
  return {
    name: "archnest:shared-runtime",
    apply: "build",
    configResolved(config) {
      outDir = config.build.outDir.startsWith("/") ? config.build.outDir : join(config.root, config.build.outDir);
    },
    transformIndexHtml: {
      order: "post",
      handler(html, ctx) {
        const imports: Record<string, string> = {};
        const preloads: string[] = [];
        for (const [specifier, entry] of Object.entries(SHARED_ENTRIES)) {
          const chunk = Object.values(ctx.bundle ?? {}).find((c) => c.type === "chunk" && c.isEntry && c.name === entry.name);
          if (!chunk) throw new Error(`shared runtime entry ${entry.name} is missing from the bundle`);
          imports[specifier] = `/${chunk.fileName}`;
          // Fetch the runtime in parallel with the shell instead of discovering it import by import.
          preloads.push(`<link rel="modulepreload" crossorigin href="/${chunk.fileName}">`);
        }
        const map = JSON.stringify({ imports });
        // The import map must come before any module script or modulepreload, so it opens <head>.
        return html.replace(/<head>/, `<head>\n    <script type="importmap">${map}</script>\n    ${preloads.join("\n    ")}`);
      },
    },
    closeBundle() {
      const html = readFileSync(join(outDir, "index.html"), "utf8");
      const scripts = inlineScripts(html);
      const hashes = { scriptSrc: scripts.map(cspHash) };
      writeFileSync(join(outDir, "csp-hashes.json"), `${JSON.stringify(hashes, null, 2)}\n`);
    },
  };
}
