import { mkdtemp } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import type { Keyring, VerifiedRelease } from "@archnest/sdk";
import { verifyPluginTarball } from "@archnest/sdk/node";
import semver from "semver";
import { type DependencyNode, unmetDependencies } from "./dependencies.js";
import { checkCompatible } from "./load-plugin.js";
import { PluginError } from "./plugin-errors.js";
import type { PluginRecord, PluginSource } from "./plugin-repo.js";
import { keptVersions, rollbackFloor } from "./update-policy.js";

/** What an install may carry besides the package. */
export interface InstallOptions {
  source: PluginSource;
  /** Permissions the admin accepted for this install (core plugins are granted what they declare). */
  acceptPermissions?: readonly string[];
  /** An explicit admin downgrade to a signed, unrevoked older version. */
  allowDowngrade?: boolean;
  onProgress?: (phase: "download" | "verify" | "activate", progress: number) => void;
  /** For updates: when the newest allowed version is the installed one, leave it and answer it. */
  onlyIfNewer?: boolean;
}

/**
 * Verifies a package while extracting it into a fresh staging folder. A refusal is a PluginError with the
 * SDK's code; an unknown signing key is explained (whose key, and the step that trusts it) when it can be.
 */
export async function stagePackage(
  tarball: string | Readable,
  opts: {
    keyring: Keyring;
    stagingDir: string;
    now: Date;
    onProgress?: InstallOptions["onProgress"];
    explainUnknownKey?: ((keyid: string) => Promise<{ message: string; details: string[] }>) | undefined;
  },
): Promise<{ stage: string; release: VerifiedRelease }> {
  const stage = await mkdtemp(join(opts.stagingDir, "install-"));
  const outcome = await verifyPluginTarball(tarball, {
    trust: { rootKeys: [], keyring: opts.keyring },
    stageDir: stage,
    now: opts.now,
    onProgress: (read, total) => opts.onProgress?.("verify", total ? read / total : 0),
  });
  if (!outcome.ok) {
    const keyid = outcome.code === "SDK_ERR_KEY_UNKNOWN" ? outcome.details[0] : undefined;
    if (keyid && opts.explainUnknownKey) {
      const { message, details } = await opts.explainUnknownKey(keyid);
      throw new PluginError(outcome.code, message, details, 422);
    }
    throw new PluginError(outcome.code, outcome.message, outcome.details, 422);
  }
  return { stage, release: outcome.release };
}

/** What the host knows when it decides whether a verified package may be installed. */
export interface Admission {
  release: VerifiedRelease;
  /** The `type` field of the staged package.json (a `.js` server entry must be an ES module). */
  packageType: unknown;
  existing: PluginRecord | undefined;
  /** The installed plugins, for the dependency check. */
  installed: Map<string, DependencyNode>;
  /** The highest version seen of this plugin, and within the package's major. */
  seen: string | undefined;
  seenInMajor: string | undefined;
  revokedReason: string | undefined;
  options: InstallOptions;
}

/**
 * Every check between a verified package and the disk, in the order people meet them: the id, the same
 * version again, compatibility, revocation, dependencies, anti-rollback, permissions. Answers the
 * permissions granted.
 */
export function admitPackage(a: Admission): Set<string> {
  const { pkg } = a.release;
  const m = pkg.archnest;
  if (a.existing && a.existing.packageName !== pkg.name) {
    throw new PluginError("HOST_ERR_PLUGIN_ID_TAKEN", `The plugin id "${m.id}" is used by ${a.existing.packageName}.`);
  }
  if (a.existing && a.existing.version === pkg.version) throw new PluginError("HOST_ERR_ALREADY_INSTALLED", `${pkg.name}@${pkg.version} is already installed.`);
  checkCompatible(m, pkg.name, a.packageType);
  if (a.revokedReason) throw new PluginError("HOST_ERR_VERSION_REVOKED", `${pkg.name}@${pkg.version} was revoked: ${a.revokedReason}`);
  const unmet = unmetDependencies({ id: m.id, version: pkg.version, active: true, dependencies: m.dependencies }, a.installed);
  if (unmet.length > 0) throw new PluginError("HOST_ERR_DEPENDENCIES_UNMET", `${pkg.name} cannot be installed: ${unmet.join("; ")}.`, unmet);
  if (!a.options.allowDowngrade) {
    const floor = rollbackFloor({ version: pkg.version, installed: a.existing?.version, seen: a.seen, seenInMajor: a.seenInMajor });
    if (floor) throw new PluginError("HOST_ERR_ROLLBACK_REFUSED", `${pkg.name}@${pkg.version} is older than ${floor}, which this host has already installed.`);
  }
  const accepted = new Set(a.options.source === "core" ? m.permissions : [...(a.options.acceptPermissions ?? []), ...(a.existing?.grantedPermissions ?? [])]);
  const missing = m.permissions.filter((p) => !accepted.has(p));
  if (missing.length > 0) {
    throw new PluginError("HOST_ERR_PERMISSIONS_NOT_ACCEPTED", `${pkg.name} asks for permissions that were not accepted: ${missing.join(", ")}.`, missing);
  }
  return accepted;
}

/** The record an admitted package is installed as; an update keeps the admin's choices of the one before. */
export function installRecord(
  a: Pick<Admission, "release" | "existing" | "seen" | "options">,
  accepted: ReadonlySet<string>,
  keepVersions: number,
  now: number,
): PluginRecord {
  const { release, existing, seen, options } = a;
  const { pkg, signer } = release;
  const m = pkg.archnest;
  return {
    id: m.id,
    packageName: pkg.name,
    version: pkg.version,
    previousVersions: existing ? keptVersions([existing.version, ...existing.previousVersions], pkg.version, keepVersions) : [],
    highestSeenVersion: seen && semver.gt(seen, pkg.version) ? seen : pkg.version,
    // Keep the state the admin chose: a disabled plugin stays disabled across an update.
    state: existing?.state === "disabled" ? "disabled" : "active",
    error: null,
    errorCode: null,
    policy: existing?.policy ?? "minor",
    pinnedFrom: existing?.pinnedFrom ?? null,
    source: options.source,
    module: m.module,
    signerKeyid: signer.keyid,
    signerName: signer.name,
    permissions: [...m.permissions],
    grantedPermissions: m.permissions.filter((p) => accepted.has(p)),
    manifest: release.statement ? { name: pkg.name, version: pkg.version, archnest: m } : {},
    installedAt: existing?.installedAt ?? now,
    updatedAt: now,
  };
}
