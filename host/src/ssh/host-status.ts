import { HostError } from "../errors/index.js";
import type { SshProbeResult } from "./connection-pool.js";

/** Whether a host answers, as GET /api/hosts/status reports it. */
export type HostStatusView =
  | { id: string; state: "up"; latencyMs: number | null; checkedAt: number; via: "connection" | "probe" }
  | { id: string; state: "down"; code: string; reason: string; checkedAt: number }
  | { id: string; state: "checking" };

export interface HostStatusBoardOptions {
  /** A one-off connection test (opens and closes its own connection). */
  probe(hostId: string): Promise<SshProbeResult>;
  /** The hosts with a live pooled connection right now: they are up without a probe. */
  connected(): ReadonlySet<string>;
  now?: () => number;
  /** How long a probe's answer stands (default 30 s). */
  ttlMs?: number;
  /** Probes running at once (default 8): a page of 50 hosts does not open 50 handshakes at the same moment. */
  concurrency?: number;
}

type Settled = Exclude<HostStatusView, { state: "checking" }>;

/**
 * The status of every SSH host for the status views (Glance, Infrastructure), in one request: a host with a
 * live pooled connection is up at once; otherwise a connection test answers, and its result is kept for a
 * while so page loads and views share it. Tests of one host never overlap, at most `concurrency` run at
 * once, and a caller waits a bounded time: hosts still being tested come back as `checking`, so a host that
 * does not answer never holds up the others.
 */
export class HostStatusBoard {
  private readonly cache = new Map<string, Settled>();
  private readonly inFlight = new Map<string, Promise<void>>();
  private readonly waiting: (() => void)[] = [];
  private running = 0;
  private readonly now: () => number;
  private readonly ttl: number;
  private readonly concurrency: number;

  constructor(private readonly opts: HostStatusBoardOptions) {
    this.now = opts.now ?? Date.now;
    this.ttl = opts.ttlMs ?? 30_000;
    this.concurrency = opts.concurrency ?? 8;
  }

  /** The status of each host, waiting at most `waitMs` for the tests it had to start. */
  async statuses(hostIds: readonly string[], waitMs: number): Promise<HostStatusView[]> {
    const connected = this.opts.connected();
    const pending: Promise<void>[] = [];
    for (const id of hostIds) {
      if (connected.has(id) || this.fresh(id)) continue;
      pending.push(this.test(id));
    }
    if (pending.length > 0) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([Promise.allSettled(pending), new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]);
      clearTimeout(timer);
    }
    const live = this.opts.connected();
    return hostIds.map((id): HostStatusView => {
      const cached = this.cache.get(id);
      if (live.has(id)) return { id, state: "up", latencyMs: cached?.state === "up" ? cached.latencyMs : null, checkedAt: this.now(), via: "connection" };
      return cached ?? { id, state: "checking" };
    });
  }

  /**
   * Tests one host now, outside the concurrency limit (the admin's "Test connection"), and keeps the answer
   * for the status views; the test's own error is rethrown.
   */
  async testNow(hostId: string): Promise<SshProbeResult> {
    try {
      const ok = await this.opts.probe(hostId);
      this.cache.set(hostId, this.settle(hostId, { ok }));
      return ok;
    } catch (error) {
      // A removed host has nothing to report.
      if (error instanceof HostError && error.code === "HOST_ERR_SSH_HOST_NOT_FOUND") this.forget(hostId);
      else this.cache.set(hostId, this.settle(hostId, { error }));
      throw error;
    }
  }

  /** Forgets a host's status (removed, or its address or credentials changed). */
  forget(hostId: string): void {
    this.cache.delete(hostId);
  }

  private fresh(id: string): boolean {
    const c = this.cache.get(id);
    return c !== undefined && this.now() - c.checkedAt < this.ttl;
  }

  private settle(id: string, outcome: { ok: SshProbeResult } | { error: unknown }): Settled {
    const checkedAt = this.now();
    if ("ok" in outcome) return { id, state: "up", latencyMs: outcome.ok.latencyMs, checkedAt, via: "probe" };
    const err = outcome.error;
    const code = err instanceof HostError ? err.code : "HOST_ERR_SSH_UNREACHABLE";
    const reason = err instanceof Error ? err.message : "the connection test failed";
    return { id, state: "down", code, reason, checkedAt };
  }

  private test(id: string): Promise<void> {
    let p = this.inFlight.get(id);
    if (p) return p;
    p = this.slot()
      .then(() => this.testNow(id))
      .then(
        () => undefined,
        () => undefined,
      )
      .finally(() => {
        this.inFlight.delete(id);
        this.running -= 1;
        this.waiting.shift()?.();
      });
    this.inFlight.set(id, p);
    return p;
  }

  private slot(): Promise<void> {
    this.running += 1;
    if (this.running <= this.concurrency) return Promise.resolve();
    return new Promise((resolve) => this.waiting.push(resolve));
  }
}
