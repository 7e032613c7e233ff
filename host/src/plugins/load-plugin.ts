import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { isDefinedPlugin, type PluginManifest, SDK_API_VERSION } from "@archnest/sdk";
import { readPluginDir } from "@archnest/sdk/node";
import type { PluginLogger } from "@archnest/sdk/plugin";
import { verifyRelease } from "@archnest/sdk/trust";
import semver from "semver";
import { type ContextDeps, createPluginContext, PluginInstance } from "./plugin-context.js";
import { PluginError } from "./plugin-errors.js";
import type { PluginRecord } from "./plugin-repo.js";
import type { TrustStore } from "./trust-store.js";

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

/** What starting an installed plugin came to: running, or the failure to record (nothing left running). */
export type StartOutcome =
  | { ok: true; instance: PluginInstance }
  | { ok: false; code: string; message: string }
  /** Its signing key is no longer in the trusted keyring. */
  | { ok: false; untrusted: true };

export interface StartOptions {
  trust: Pick<TrustStore, "keyring" | "ownerOf">;
  now: Date;
  deps: ContextDeps;
  timeoutMs: number;
  log: PluginLogger;
  /** The running instances by id: the new one is there while its setup runs, and is taken out if it fails. */
  instances: Map<string, PluginInstance>;
}

/**
 * Starts one installed plugin from its folder: the files on disk are verified again against their
 * signature and today's keyring before any of them runs, a trusted publisher's key may sign free plugins
 * only, then the server entry's setup runs, time-boxed. A failed setup's instance is disposed.
 */
export async function startInstalledPlugin(rec: PluginRecord, m: PluginManifest, dir: string, opts: StartOptions): Promise<StartOutcome> {
  try {
    const verified = verifyRelease(await readPluginDir(dir), await opts.trust.keyring(), opts.now);
    await checkPublisherModule(opts.trust, verified.signer.keyid, rec.packageName, verified.statement.module);
  } catch (err) {
    const code = (err as { code?: string }).code ?? "HOST_ERR_PLUGIN_VERIFY_FAILED";
    if (code === "SDK_ERR_KEY_UNKNOWN") return { ok: false, untrusted: true };
    if (code === "HOST_ERR_PUBLISHER_PAID_MODULE") return { ok: false, code, message: (err as Error).message };
    return { ok: false, code, message: `The installed files failed verification: ${(err as Error).message}` };
  }
  const instance = new PluginInstance(rec, m, dir);
  opts.instances.set(rec.id, instance);
  try {
    await loadPlugin(instance, opts.deps, opts.timeoutMs);
  } catch (err) {
    opts.instances.delete(rec.id);
    await instance.dispose("plugin failed to start");
    const code = err instanceof PluginError ? err.code : "HOST_ERR_PLUGIN_SETUP_FAILED";
    opts.log.error("plugin failed to start", { code, error: (err as Error).message });
    return { ok: false, code, message: err instanceof PluginError ? err.message : `setup threw: ${(err as Error).message}` };
  }
  return { ok: true, instance };
}

/** Paid modules stay under the official root: a key from a trusted publisher signs free plugins only. */
export async function checkPublisherModule(trust: Pick<TrustStore, "ownerOf">, keyid: string, name: string, module: string): Promise<void> {
  if (module === "free") return;
  const owner = await trust.ownerOf(keyid);
  if (owner) {
    throw new PluginError(
      "HOST_ERR_PUBLISHER_PAID_MODULE",
      `${name} is signed by the publisher "${owner.name}" (${owner.fingerprint}) but needs the paid module "${module}"; paid modules are signed under the official root only.`,
    );
  }
}
