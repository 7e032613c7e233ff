/**
 * @archnest/sdk/vite: builds a plugin's web entry the way the host serves it. The result is one ES module
 * whose shared imports (`solid-js`, `solid-js/web`, `solid-js/store`, `@archnest/sdk/web`) stay bare, so
 * the host's import map resolves them to the one copy the shell uses. Bundling a second Solid runtime
 * would break reactivity across the slot boundary, which is why these four are never bundled.
 */
import type { PluginOption, UserConfig } from "vite";

/** The module specifiers the host provides through its import map. */
export const SHARED_WEB_MODULES = ["solid-js", "solid-js/web", "solid-js/store", "@archnest/sdk/web"] as const;

/** Options of {@link pluginWebConfig}. */
export interface PluginWebConfigOptions {
  /** The plugin's folder (where package.json is). Defaults to the current directory. */
  root?: string;
  /** The web entry, relative to `root`. Defaults to `src/web/index.tsx`. */
  entry?: string;
  /** Output folder, relative to `root`. Defaults to `dist/web`. */
  outDir?: string;
  /** Output file name; the manifest's `archnest.web` must point at `<outDir>/<fileName>`. Defaults to `index.js`. */
  fileName?: string;
  /** Extra Vite plugins, added after Solid's JSX compiler. */
  plugins?: PluginOption[];
  /** Minify the output (default true). */
  minify?: boolean;
}

/**
 * Returns a Vite config that builds a plugin's web entry as an ES module for the ArchNest shell: Solid's
 * JSX compiled for the browser, the shared runtime left external, no hashed names (the host adds the
 * version to the URL). Needs `vite` and `vite-plugin-solid` installed beside the plugin.
 *
 * @example
 * ```ts
 * // vite.config.ts of a plugin
 * import { pluginWebConfig } from "@archnest/sdk/vite";
 * export default pluginWebConfig({ entry: "src/web/index.tsx" });
 * ```
 */
export async function pluginWebConfig(options: PluginWebConfigOptions = {}): Promise<UserConfig> {
  const { default: solid } = await import("vite-plugin-solid");
  const root = options.root ?? process.cwd();
  const shared = new Set<string>(SHARED_WEB_MODULES);
  return {
    root,
    logLevel: "warn",
    plugins: [solid({ ssr: false }), ...(options.plugins ?? [])],
    resolve: { conditions: ["browser", "module", "import", "default"] },
    build: {
      outDir: options.outDir ?? "dist/web",
      emptyOutDir: true,
      target: "es2022",
      minify: options.minify ?? true,
      sourcemap: false,
      copyPublicDir: false,
      lib: { entry: options.entry ?? "src/web/index.tsx", formats: ["es"], fileName: () => options.fileName ?? "index.js" },
      rolldownOptions: { external: (id: string) => shared.has(id) },
    },
  };
}
