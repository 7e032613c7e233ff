import { existsSync } from "node:fs";
import { basename, dirname, join, relative, resolve } from "node:path";
import { SdkError } from "@archnest/sdk";
import { readPluginPackage } from "@archnest/sdk/node";
import { pluginWebConfig } from "@archnest/sdk/vite";
import { build as esbuild } from "esbuild";
import type { Args } from "../args.js";
import { type CliIo, line } from "../io.js";

function sourceFor(dir: string, entry: string, kind: "server" | "web"): string {
  const base = entry.replace(/^dist\//, "src/").replace(/\.m?js$/, "");
  const candidates = kind === "server" ? [".ts", ".js", ".mts"] : [".tsx", ".ts", ".jsx", ".js"];
  for (const ext of candidates) {
    const p = join(dir, base + ext);
    if (existsSync(p)) return p;
  }
  throw new SdkError("SDK_ERR_USAGE", `No source for the ${kind} entry ${entry}: expected ${base}${candidates[0]} (the build maps dist/x.js to src/x.ts).`);
}

/**
 * Builds a plugin's entries by convention: `archnest.server: dist/server.js` from src/server.ts, bundled
 * for Node (dependencies such as hono bundled in, so the package runs without node_modules), and
 * `archnest.web: dist/web.js` from src/web.tsx, an ES module compiled with Solid's JSX transform whose
 * shared runtime modules stay external for the host's import map.
 */
export async function buildPlugin(dir: string, opts: { quiet?: boolean; minify?: boolean } = {}): Promise<{ server?: string; web?: string }> {
  const pkg = readPluginPackage(dir);
  const out: { server?: string; web?: string } = {};
  const m = pkg.archnest;
  if (m.server) {
    const outfile = join(dir, m.server);
    await esbuild({
      entryPoints: [sourceFor(dir, m.server, "server")],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      // The SDK's definePlugin is bundled too: the tag it stamps is what the host reads.
      logLevel: "silent",
      legalComments: "none",
      minify: opts.minify ?? false,
      // Native addons cannot be inlined; CommonJS dependencies (dockerode's ssh2) load them inside
      // try/catch and fall back to JavaScript, so leaving them out keeps the bundle self-contained.
      external: ["*.node"],
      // CommonJS dependencies bundled into an ES module still call require() for Node's built-ins and
      // read __dirname/__filename (ssh2's WebAssembly loader does); ESM has none of them, so the
      // banner defines them from import.meta.url.
      banner: {
        js: [
          "// Built with archnest-plugin build",
          'import { createRequire as __archnestCreateRequire } from "node:module";',
          'import { fileURLToPath as __archnestFileURLToPath } from "node:url";',
          "const require = __archnestCreateRequire(import.meta.url);",
          "const __filename = __archnestFileURLToPath(import.meta.url);",
          'const __dirname = __archnestFileURLToPath(new URL(".", import.meta.url));',
        ].join("\n"),
      },
    });
    out.server = outfile;
  }
  if (m.web) {
    const { build: viteBuild } = await import("vite");
    const outfile = join(dir, m.web);
    const config = await pluginWebConfig({
      root: dir,
      entry: relative(dir, sourceFor(dir, m.web, "web")),
      outDir: dirname(m.web),
      fileName: basename(m.web),
      minify: opts.minify ?? true,
    });
    // The server entry shares the output folder: never empty it.
    await viteBuild({ ...config, configFile: false, logLevel: opts.quiet ? "silent" : "warn", build: { ...config.build, emptyOutDir: false } });
    out.web = outfile;
  }
  return out;
}

export async function build(args: Args, io: CliIo): Promise<number> {
  const dir = resolve(io.cwd, args.positionals[1] ?? ".");
  const built = await buildPlugin(dir, { quiet: true });
  if (args.values.json) line(io.stdout, JSON.stringify({ ok: true, ...built }));
  else for (const [kind, file] of Object.entries(built)) line(io.stdout, `Built ${kind} entry ${file}`);
  return 0;
}
