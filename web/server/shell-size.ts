import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";

/** One JavaScript file the first page load fetches, with its sizes in bytes. */
export interface ShellFile {
  path: string;
  bytes: number;
  gzip: number;
}

/**
 * The JavaScript a first visit loads before any plugin: the entry script, every module it statically
 * imports (Vite lists them as modulepreload links) and the shared runtime of the import map. Lazy pages
 * are not counted; they load on demand. For `npm run bench` (target: at most 80 KB gzip).
 */
export function shellInitialJs(dir: string): { files: ShellFile[]; bytes: number; gzip: number } {
  const html = readFileSync(join(dir, "index.html"), "utf8");
  const paths = new Set<string>();
  for (const m of html.matchAll(/<script[^>]*\bsrc="([^"]+\.js)"/g)) if (m[1]) paths.add(m[1]);
  for (const m of html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="([^"]+\.js)"/g)) if (m[1]) paths.add(m[1]);
  const map = /<script type="importmap">([\s\S]*?)<\/script>/.exec(html)?.[1];
  if (map) for (const p of Object.values((JSON.parse(map) as { imports: Record<string, string> }).imports)) paths.add(p);
  const files = [...paths].map((path) => {
    const body = readFileSync(join(dir, path.replace(/^\//, "")));
    return { path, bytes: body.length, gzip: gzipSync(body, { level: 9 }).length };
  });
  return { files, bytes: files.reduce((s, f) => s + f.bytes, 0), gzip: files.reduce((s, f) => s + f.gzip, 0) };
}
