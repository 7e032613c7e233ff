import { ApiError } from "@archnest/sdk/web";
import type { ProbeResult } from "../api/index.js";

/** What the UI knows about whether a host answers. */
export type HostStatus =
  | { state: "checking" }
  | { state: "up"; latencyMs: number; checkedAt: number }
  | { state: "down"; reason: string; code: string; checkedAt: number }
  /** The probe could not run for this person (members may not test connections). */
  | { state: "unknown"; reason: string; checkedAt: number };

export interface ProbeSchedulerOptions {
  probe(hostId: string): Promise<ProbeResult>;
  onChange(hostId: string, status: HostStatus): void;
  now?: () => number;
  /** The least time between two probes of one host. */
  intervalMs?: number;
}

export interface ProbeScheduler {
  /** Probes, in parallel and without waiting, every host not checked within the interval and not in flight. */
  refresh(hostIds: readonly string[]): void;
  /** Records a result obtained elsewhere (a "Test connection" click), which also counts as a check. */
  record(hostId: string, outcome: { ok: ProbeResult } | { error: unknown }): void;
  /** Drops a removed host, so a later host with the same id starts fresh. */
  forget(hostId: string): void;
}

/** One minute: a probe opens an SSH connection, so the status views check each host at most this often. */
export const PROBE_INTERVAL_MS = 60_000;

/**
 * Throttles the status probes (POST /api/hosts/:id/test) that Infrastructure and Glance share: each host is
 * probed at most once per interval however many views ask, all hosts at once, and a slow host never holds
 * up the others.
 */
export function createProbeScheduler(opts: ProbeSchedulerOptions): ProbeScheduler {
  const now = opts.now ?? Date.now;
  const interval = opts.intervalMs ?? PROBE_INTERVAL_MS;
  const lastChecked = new Map<string, number>();
  const inFlight = new Set<string>();
  const forgotten = new Set<string>();

  const settle = (hostId: string, outcome: { ok: ProbeResult } | { error: unknown }) => {
    const checkedAt = now();
    lastChecked.set(hostId, checkedAt);
    if ("ok" in outcome) return opts.onChange(hostId, { state: "up", latencyMs: outcome.ok.latencyMs, checkedAt });
    const err = outcome.error;
    if (err instanceof ApiError && (err.status === 403 || err.status === 401))
      return opts.onChange(hostId, { state: "unknown", reason: "Only admins can check connections.", checkedAt });
    const code = err instanceof ApiError ? err.code : "HTTP_0";
    const reason = err instanceof Error ? err.message : String(err);
    opts.onChange(hostId, { state: "down", reason, code, checkedAt });
  };

  return {
    refresh(hostIds) {
      for (const id of hostIds) {
        forgotten.delete(id);
        if (inFlight.has(id)) continue;
        const last = lastChecked.get(id);
        if (last !== undefined && now() - last < interval) continue;
        inFlight.add(id);
        if (last === undefined) opts.onChange(id, { state: "checking" });
        opts.probe(id).then(
          (ok) => {
            inFlight.delete(id);
            if (!forgotten.has(id)) settle(id, { ok });
          },
          (error: unknown) => {
            inFlight.delete(id);
            if (!forgotten.has(id)) settle(id, { error });
          },
        );
      }
    },
    record(hostId, outcome) {
      forgotten.delete(hostId);
      settle(hostId, outcome);
    },
    forget(hostId) {
      lastChecked.delete(hostId);
      forgotten.add(hostId);
    },
  };
}
