import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { SDK_API_VERSION } from "@archnest/sdk/plugin";
import semver from "semver";
import { type PackageRef, packumentPath, tarballPath } from "../plugins/package-ref.js";
import { PluginError } from "../plugins/plugin-errors.js";
import type { RegistryInstallOutcome } from "../plugins/routes.js";
import type { InstallOptions, PluginRuntime } from "../plugins/runtime.js";
import type { RegistryClient } from "./registry-client.js";

type Packument = { versions?: Record<string, { archnest?: { sdk?: unknown } } | undefined> };

/** True when a published version's manifest declares an SDK range this host implements. */
function compatible(manifest: { archnest?: { sdk?: unknown } } | undefined): boolean {
  const range = manifest?.archnest?.sdk;
  return typeof range === "string" && semver.validRange(range) !== null && semver.satisfies(SDK_API_VERSION, range);
}

/**
 * The highest published version of `name` within `range` that is not revoked and was built for an SDK
 * this host implements: a newer release for another SDK major never blocks the ones this host can run.
 */
export async function resolveVersion(
  registry: RegistryClient,
  { name, range }: PackageRef,
  revokedReason: (name: string, version: string) => string | undefined = () => undefined,
): Promise<string> {
  const res = await registry.get(packumentPath(name));
  if (res.status === 404) throw new PluginError("HOST_ERR_PACKAGE_NOT_FOUND", `The registry has no package ${name}.`);
  if (res.status !== 200) throw new PluginError("HOST_ERR_REGISTRY_UNREACHABLE", `The registry answered ${res.status} for ${name}.`);
  const manifests = (res.body as Packument).versions ?? {};
  const published = Object.keys(manifests).filter((v) => semver.valid(v) !== null);
  const inRange = published.filter((v) => semver.satisfies(v, range));
  const runnable = inRange.filter((v) => compatible(manifests[v]));
  const best = semver.maxSatisfying(
    runnable.filter((v) => revokedReason(name, v) === undefined),
    range,
  );
  if (best) return best;
  const revoked = semver.maxSatisfying(runnable, range);
  if (revoked) {
    throw new PluginError("HOST_ERR_VERSION_REVOKED", `${name}@${revoked} was revoked: ${revokedReason(name, revoked)}; no other version matches ${range}.`);
  }
  const newest = semver.maxSatisfying(inRange, range);
  if (newest) {
    const sdk = String(manifests[newest]?.archnest?.sdk);
    throw new PluginError("HOST_ERR_SDK_INCOMPATIBLE", `No version of ${name} within ${range} runs on SDK ${SDK_API_VERSION}; ${newest} needs SDK ${sdk}.`, [
      `sdk ${sdk}`,
    ]);
  }
  throw new PluginError("HOST_ERR_PACKAGE_NOT_FOUND", `No version of ${name} matches ${range} (published: ${published.join(", ") || "none"}).`);
}

/**
 * Installs from the registry: resolves the range, downloads the tarball with a signed request (a paid
 * module's tarball comes only to a licensed install), streams it to a temp file with progress, and hands
 * it to the runtime, which verifies it like any other package. Every path requested is built here from a
 * validated name and version, on the registry's own origin.
 */
export function registryInstaller(registry: RegistryClient, runtime: PluginRuntime, revokedReason?: (name: string, version: string) => string | undefined) {
  return async (ref: PackageRef, options: InstallOptions): Promise<RegistryInstallOutcome> => {
    const { name } = ref;
    const version = await resolveVersion(registry, ref, revokedReason);
    if (options.onlyIfNewer) {
      const current = (await runtime.list()).find((p) => p.packageName === name);
      if (current && !semver.gt(version, current.version)) return { plugin: current, changed: false };
    }
    const res = await registry.download(tarballPath(name, version));
    if (res.status === 402) {
      const body = (await res.json().catch(() => ({}))) as { module?: string };
      const module = body.module ?? "unknown";
      throw new PluginError("HOST_ERR_MODULE_REQUIRED", `${name} needs the ${module} module.`, [module], 402, { ...runtime.gate.body(module) });
    }
    if (res.status !== 200 || !res.body) throw new PluginError("HOST_ERR_REGISTRY_UNREACHABLE", `The registry answered ${res.status} for ${name}@${version}.`);
    const total = Number(res.headers.get("content-length") ?? "0");
    await mkdir(runtime.tmpDir, { recursive: true, mode: 0o700 });
    const dir = await mkdtemp(join(runtime.tmpDir, "download-"));
    const file = join(dir, "package.tgz");
    try {
      let seen = 0;
      const meter = new Transform({
        transform(chunk: Buffer, _e, cb) {
          seen += chunk.length;
          if (total > 0) options.onProgress?.("download", seen / total);
          cb(null, chunk);
        },
      });
      await pipeline(Readable.fromWeb(res.body as import("node:stream/web").ReadableStream), meter, createWriteStream(file));
      return { plugin: await runtime.install(file, options), changed: true };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
