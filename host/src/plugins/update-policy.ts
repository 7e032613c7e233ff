import semver from "semver";
import type { PluginRecord, UpdatePolicy } from "./plugin-repo.js";

/** The record change that sets a policy; pinning remembers the policy it replaced, so an unpin restores it. */
export function policyChange(rec: Pick<PluginRecord, "policy">, policy: UpdatePolicy): Partial<PluginRecord> | undefined {
  if (policy !== "pinned") return { policy, pinnedFrom: null };
  return rec.policy === "pinned" ? undefined : { policy, pinnedFrom: rec.policy };
}

/** The record change that lifts a pin: the policy set before it (`minor` when none was recorded). */
export function unpinChange(rec: Pick<PluginRecord, "policy" | "pinnedFrom">): Partial<PluginRecord> | undefined {
  return rec.policy === "pinned" ? { policy: rec.pinnedFrom ?? "minor", pinnedFrom: null } : undefined;
}

/**
 * Anti-rollback (docs/architecture.md section 3): the version an install may not go below, or undefined.
 * Never older than the highest version seen in its major, and never in a lower major than the highest
 * seen, except to move forward within the major an admin rolled back into (back on 1.0.0 from 2.0.0, it
 * may update to 1.1.0; never to 0.9.0, nor to a 1.x older than one this host has seen).
 */
export function rollbackFloor(opts: {
  version: string;
  installed: string | undefined;
  seen: string | undefined;
  seenInMajor: string | undefined;
}): string | undefined {
  const { version, installed, seen, seenInMajor } = opts;
  const movesForward = installed !== undefined && semver.gt(version, installed) && semver.major(version) === semver.major(installed);
  if (seenInMajor && semver.lt(version, seenInMajor)) return seenInMajor;
  if (seen && semver.lt(version, seen) && !movesForward) return seen;
  return undefined;
}

/** The versions to keep for rollback after installing `current`: newest first, at most `keep`. */
export function keptVersions(candidates: readonly string[], current: string, keep: number): string[] {
  return [...new Set(candidates)].filter((v) => v !== current).slice(0, keep);
}
