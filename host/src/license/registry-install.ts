import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import semver from "semver";
import { moduleRequiredBody } from "../plugins/limits.js";
import { PluginError } from "../plugins/plugin-errors.js";
import type { PluginRecord } from "../plugins/plugin-repo.js";
import type { InstallOptions, PluginRuntime } from "../plugins/runtime.js";
import type { RegistryClient } from "./registry-client.js";

/** Splits `@scope/name@^1.2.0` into name and range (a bare name means the latest). */
export function parseRef(ref: string): { name: string; range: string } {
  const at = ref.lastIndexOf("@");
  if (at > 0) return { name: ref.slice(0, at), range: ref.slice(at + 1) || "*" };
  return { name: ref, range: "*" };
}

/** The path of a package's metadata on the registry (`/@scope/name`, as the registry routes it). */
export function packumentPath(name: string): string {
  return `/${name}`;
}

/** The highest published version of `name` within `range`. */
export async function resolveVersion(
  registry: RegistryClient,
  name: string,
  range: string,
  revokedReason: (name: string, version: string) => string | undefined = () => undefined,
): Promise<string> {
  const res = await registry.get(packumentPath(name));
  if (res.status === 404) throw new PluginError("HOST_ERR_PACKAGE_NOT_FOUND", `The registry has no package ${name}.`);
  if (res.status !== 200) throw new PluginError("HOST_ERR_REGISTRY_UNREACHABLE", `The registry answered ${res.status} for ${name}.`);
  const published = Object.keys((res.body as { versions?: Record<string, unknown> }).versions ?? {});
  const versions = published.filter((v) => revokedReason(name, v) === undefined);
  const best = semver.maxSatisfying(versions, range);
  const revoked = semver.maxSatisfying(published, range);
  if (!best && revoked) {
    throw new PluginError("HOST_ERR_VERSION_REVOKED", `${name}@${revoked} was revoked: ${revokedReason(name, revoked)}; no other version matches ${range}.`);
  }
  if (!best) throw new PluginError("HOST_ERR_PACKAGE_NOT_FOUND", `No version of ${name} matches ${range} (published: ${versions.join(", ") || "none"}).`);
  return best;
}

/**
 * Installs from the registry: resolves the range, downloads the tarball with a signed request (a paid
 * module's tarball comes only to a licensed install), streams it to a temp file with progress, and hands
 * it to the runtime, which verifies it like any other package.
 */
export function registryInstaller(registry: RegistryClient, runtime: PluginRuntime, revokedReason?: (name: string, version: string) => string | undefined) {
  return async (ref: string, options: InstallOptions): Promise<PluginRecord> => {
    const { name, range } = parseRef(ref);
    const version = await resolveVersion(registry, name, range, revokedReason);
    if (options.onlyIfNewer) {
      const current = (await runtime.list()).find((p) => p.packageName === name);
      if (current && !semver.gt(version, current.version)) return current;
    }
    const res = await registry.download(`/v1/tarballs/${name}/${version}`);
    if (res.status === 402) {
      const body = (await res.json().catch(() => ({}))) as { module?: string };
      const module = body.module ?? "unknown";
      throw new PluginError("HOST_ERR_MODULE_REQUIRED", `${name} needs the ${module} module.`, [module], 402, moduleRequiredBody(module, runtime.purchaseBase));
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
      return await runtime.install(file, options);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  };
}
