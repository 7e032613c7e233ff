import type { Recording } from "../store/index.js";

/** The admin's retention settings: 0 turns a limit off. */
export interface RetentionPolicy {
  maxAgeDays: number;
  maxTotalBytes: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The finished recordings to delete, oldest first: every one older than the age limit, then as many of
 * the oldest as it takes to bring the total under the size limit. Recordings still being written count
 * towards the total but are never chosen: the session is still running.
 */
export function selectExpired(recordings: readonly Recording[], policy: RetentionPolicy, now: number): Recording[] {
  const oldestFirst = [...recordings].sort((a, b) => a.startedAt - b.startedAt);
  const chosen = new Set<Recording>();
  if (policy.maxAgeDays > 0) {
    const cutoff = now - policy.maxAgeDays * DAY_MS;
    for (const r of oldestFirst) if (r.state !== "recording" && r.startedAt + r.durationMs < cutoff) chosen.add(r);
  }
  if (policy.maxTotalBytes > 0) {
    let total = oldestFirst.reduce((sum, r) => sum + (chosen.has(r) ? 0 : r.bytes), 0);
    for (const r of oldestFirst) {
      if (total <= policy.maxTotalBytes) break;
      if (chosen.has(r) || r.state === "recording") continue;
      chosen.add(r);
      total -= r.bytes;
    }
  }
  return oldestFirst.filter((r) => chosen.has(r));
}
