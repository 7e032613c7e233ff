import type { PluginLogger } from "@archnest/sdk/plugin";
import type { TunnelSupervisor, TunnelsService } from "@archnest/tunnels/service";
import { type BackoffOptions, backoffDelay } from "./backoff.js";

export interface SupervisorDeps {
  tunnels: Pick<TunnelsService, "list" | "start" | "setRetry">;
  /** Read at every scheduling, so a changed setting applies to the next wait. */
  backoff: () => BackoffOptions;
  log: PluginLogger;
  now?: () => number;
  random?: () => number;
  /** A tunnel that ran this long before dropping starts again from attempt 1 (default 30 s). */
  stableMs?: number;
}

interface Pending {
  attempt: number;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * Starts the tunnels marked auto-start when it begins, and reopens one that drops: attempt after attempt
 * with capped, jittered exponential backoff, until it runs again, a person stops it, or auto-start is
 * turned off for it. Each pending attempt is shown on the tunnel (`retrying`, when, which attempt).
 */
export class AutoStartSupervisor implements TunnelSupervisor {
  private readonly pending = new Map<string, Pending>();
  /** The attempt that brought a tunnel back and when, to tell a flapping tunnel from a stable one. */
  private readonly recovered = new Map<string, { attempt: number; at: number }>();
  private disposed = false;
  private readonly now: () => number;

  constructor(private readonly deps: SupervisorDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Opens every tunnel marked auto-start that is not running; one that fails is retried with backoff. */
  async boot(): Promise<void> {
    for (const t of await this.deps.tunnels.list()) {
      if (!t.autoStart || t.state === "running" || t.state === "starting" || this.pending.has(t.id)) continue;
      await this.attempt(t.id, 0);
    }
  }

  dropped(tunnel: { id: string }, error: { code: string; message: string }): void {
    if (this.disposed) return;
    const before = this.recovered.get(tunnel.id);
    const stable = before === undefined || this.now() - before.at >= (this.deps.stableMs ?? 30_000);
    const attempt = stable ? 1 : before.attempt + 1;
    this.deps.log.info("auto-start tunnel dropped; reopening with backoff", { tunnel: tunnel.id, code: error.code, attempt });
    this.schedule(tunnel.id, attempt);
  }

  stopped(id: string): void {
    this.cancel(id);
    this.recovered.delete(id);
  }

  /** Cancels every pending attempt (the plugin is unloading or its license lapsed). */
  dispose(): void {
    this.disposed = true;
    for (const id of [...this.pending.keys()]) this.cancel(id);
  }

  private cancel(id: string): void {
    const p = this.pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    this.pending.delete(id);
  }

  private schedule(id: string, attempt: number): void {
    this.cancel(id);
    const delay = backoffDelay(attempt, this.deps.backoff(), this.deps.random);
    const timer = setTimeout(() => {
      if (this.pending.get(id)?.timer !== timer) return;
      this.pending.delete(id);
      void this.attempt(id, attempt);
    }, delay);
    timer.unref?.();
    this.pending.set(id, { attempt, timer });
    this.deps.tunnels.setRetry(id, { attempt, at: this.now() + delay });
  }

  /** Tries to open the tunnel; `attempt` 0 is the start at boot. */
  private async attempt(id: string, attempt: number): Promise<void> {
    if (this.disposed) return;
    const t = (await this.deps.tunnels.list()).find((x) => x.id === id);
    if (!t?.autoStart) {
      // Removed, or auto-start turned off meanwhile: back to manual.
      if (t) this.deps.tunnels.setRetry(id, null);
      return;
    }
    try {
      await this.deps.tunnels.start(id);
      this.recovered.set(id, { attempt, at: this.now() });
      if (attempt > 0) this.deps.log.info("auto-start tunnel is back", { tunnel: id, attempt });
    } catch (err) {
      if (this.disposed) return;
      this.deps.log.warn("auto-start attempt failed", { tunnel: id, attempt, error: err instanceof Error ? err.message : String(err) });
      this.schedule(id, attempt + 1);
    }
  }
}
