import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isDefinedPlugin, type PluginManifest, SDK_API_VERSION } from "@archnest/sdk";
import semver from "semver";
import { type ContextDeps, createPluginContext, type PluginInstance } from "./plugin-context.js";
import { PluginError } from "./plugin-errors.js";

/** The host implements SDK API majors listed here; a plugin tagged with another major is refused. */
const SUPPORTED_TAG_MAJORS = new Set([1]);

/** Refuses a package this host cannot load, before anything of it is installed. */
export function checkCompatible(m: PluginManifest, name: string, pkgType: unknown): void {
  // Node decides a .js file's module system from package.json: a server entry must load as ESM.
  if (m.server?.endsWith(".js") && pkgType !== "module") {
    throw new PluginError(
      "HOST_ERR_PLUGIN_ENTRY_INVALID",
      `${name}'s server entry ${m.server} is not an ES module: set "type": "module" in package.json or name it .mjs.`,
    );
  }
  if (!semver.satisfies(SDK_API_VERSION, m.sdk)) {
    throw new PluginError("HOST_ERR_SDK_INCOMPATIBLE", `${name} was built for SDK ${m.sdk}; this host implements SDK ${SDK_API_VERSION}.`, [`sdk ${m.sdk}`]);
  }
}

/**
 * Imports a verified plugin's server entry and runs its `setup` against a fresh context, time-boxed.
 * Throws a PluginError (or what setup threw); the caller disposes the instance and marks it failed.
 */
export async function loadPlugin(instance: PluginInstance, deps: ContextDeps, timeoutMs: number): Promise<void> {
  const m = instance.manifest;
  if (!m.server) return;
  let timer: NodeJS.Timeout | undefined;
  try {
    const mod = (await import(pathToFileURL(join(instance.dir, m.server)).href)) as { default?: unknown };
    const def = mod.default;
    if (!isDefinedPlugin(def)) throw new PluginError("HOST_ERR_PLUGIN_ENTRY_INVALID", `${m.server} does not default-export definePlugin(...).`);
    const tagMajor = semver.major(semver.coerce(def.sdk) ?? "0.0.0");
    if (!SUPPORTED_TAG_MAJORS.has(tagMajor))
      throw new PluginError("HOST_ERR_SDK_INCOMPATIBLE", `The plugin was built with SDK ${def.sdk}; this host supports SDK 1.x.`);
    const ctx = createPluginContext(instance, deps);
    await mkdir(ctx.plugin.dataDir, { recursive: true });
    await Promise.race([
      Promise.resolve(def.setup(ctx)),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new PluginError("HOST_ERR_PLUGIN_SETUP_TIMEOUT", `setup did not finish within ${timeoutMs} ms.`)), timeoutMs);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
