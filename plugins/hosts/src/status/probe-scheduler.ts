import { ApiError } from "@archnest/sdk/web";
import type { ProbeResult } from "../api/index.js";

/** What the UI knows about whether a host answers. */
export type HostStatus =
  | { state: "checking" }
  /** `latencyMs` is null when a live connection answered (no new connection was timed). */
  | { state: "up"; latencyMs: number | null; checkedAt: number }
  | { state: "down"; reason: string; code: string; checkedAt: number }
  /** The check could not run for this person (signed out). */
  | { state: "unknown"; reason: string; checkedAt: number };

/** One host's answer in GET /api/hosts/status. */
export type StatusAnswer =
  | { id: string; state: "up"; latencyMs: number | null; checkedAt: number; via: "connection" | "probe" }
  | { id: string; state: "down"; code: string; reason: string; checkedAt: number }
  | { id: string; state: "checking" };

export interface ProbeSchedulerOptions {
  /** One request for many hosts (GET /api/hosts/status?ids=...). */
  fetchStatuses(hostIds: readonly string[]): Promise<readonly StatusAnswer[]>;
  onChange(hostId: string, status: HostStatus): void;
  now?: () => number;
  /** The least time between two checks of one host. */
  intervalMs?: number;
  /** How soon hosts the host is still testing are asked about again. */
  retryMs?: number;
  setTimer?: (fn: () => void, ms: number) => unknown;
}

export interface ProbeScheduler {
  /** Checks, in one request and without waiting, every host not checked within the interval and not in flight. */
  refresh(hostIds: readonly string[]): void;
  /** Records a result obtained elsewhere (a "Test connection" click), which also counts as a check. */
  record(hostId: string, outcome: { ok: ProbeResult } | { error: unknown }): void;
  /** Drops a removed host, so a later host with the same id starts fresh. */
  forget(hostId: string): void;
}

/** Thirty seconds: the host keeps a connection test's answer this long, so asking more often gains nothing. */
export const PROBE_INTERVAL_MS = 30_000;
const RETRY_MS = 1000;

/**
 * Throttles the status checks that Infrastructure and Glance share: the hosts due for a check go out in one
 * request to GET /api/hosts/status, which answers at once for hosts with a live connection and tests the
 * others on the server (sharing each answer between page loads). Hosts it is still testing come back as
 * `checking` and are asked about again shortly, so a slow host never holds up the others.
 */
export function createProbeScheduler(opts: ProbeSchedulerOptions): ProbeScheduler {
  const now = opts.now ?? Date.now;
  const interval = opts.intervalMs ?? PROBE_INTERVAL_MS;
  const retry = opts.retryMs ?? RETRY_MS;
  const setTimer = opts.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const lastChecked = new Map<string, number>();
  const inFlight = new Set<string>();
  const forgotten = new Set<string>();

  const settle = (hostId: string, outcome: { ok: ProbeResult } | { error: unknown }) => {
    const checkedAt = now();
    lastChecked.set(hostId, checkedAt);
    if ("ok" in outcome) return opts.onChange(hostId, { state: "up", latencyMs: outcome.ok.latencyMs, checkedAt });
    const err = outcome.error;
    if (err instanceof ApiError && (err.status === 403 || err.status === 401))
      return opts.onChange(hostId, { state: "unknown", reason: "Signed out: sign in again to see the status.", checkedAt });
    const code = err instanceof ApiError ? err.code : "HTTP_0";
    const reason = err instanceof Error ? err.message : String(err);
    opts.onChange(hostId, { state: "down", reason, code, checkedAt });
  };

  const ask = (ids: string[]) => {
    opts.fetchStatuses(ids).then(
      (answers) => {
        const byId = new Map(answers.map((a) => [a.id, a]));
        const again: string[] = [];
        for (const id of ids) {
          const a = byId.get(id);
          if (forgotten.has(id) || !a) {
            inFlight.delete(id);
            continue;
          }
          if (a.state === "checking") {
            again.push(id);
            continue;
          }
          inFlight.delete(id);
          const checkedAt = now();
          lastChecked.set(id, checkedAt);
          opts.onChange(
            id,
            a.state === "up" ? { state: "up", latencyMs: a.latencyMs, checkedAt } : { state: "down", reason: a.reason, code: a.code, checkedAt },
          );
        }
        if (again.length > 0)
          setTimer(() => {
            const still = again.filter((id) => !forgotten.has(id));
            if (still.length > 0) ask(still);
          }, retry);
      },
      (error: unknown) => {
        for (const id of ids) {
          inFlight.delete(id);
          if (!forgotten.has(id)) settle(id, { error });
        }
      },
    );
  };

  return {
    refresh(hostIds) {
      const due: string[] = [];
      for (const id of hostIds) {
        forgotten.delete(id);
        if (inFlight.has(id)) continue;
        const last = lastChecked.get(id);
        if (last !== undefined && now() - last < interval) continue;
        inFlight.add(id);
        if (last === undefined) opts.onChange(id, { state: "checking" });
        due.push(id);
      }
      if (due.length > 0) ask(due);
    },
    record(hostId, outcome) {
      forgotten.delete(hostId);
      settle(hostId, outcome);
    },
    forget(hostId) {
      lastChecked.delete(hostId);
      inFlight.delete(hostId);
      forgotten.add(hostId);
    },
  };
}
