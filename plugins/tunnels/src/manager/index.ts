/**
 * Runs saved tunnels: start and stop by hand, live state and counters, the last error. A supervisor
 * (the `tunnel-autostart` module, through the `tunnels` service) hears when a tunnel marked auto-start
 * drops or is stopped by a person, and shows its pending retries here.
 */
import type { Json, PluginLogger, PluginSsh, PluginStorage, SshTunnel } from "@archnest/sdk/plugin";
import { isSshError } from "@archnest/sdk/plugin";
import type { TunnelDefinition, TunnelInput } from "../definition/index.js";
import { TunnelsError } from "../errors/index.js";
import type { TunnelRetry, TunnelSupervisor } from "../service/api.js";

export type TunnelState = "stopped" | "starting" | "running" | "failed" | "retrying";

/** A tunnel as the page shows it: its definition plus what it is doing now. */
export interface TunnelView extends TunnelDefinition {
  state: TunnelState;
  /** The port actually bound while running (differs from bindPort when that was 0). */
  port: number | null;
  bytesIn: number;
  bytesOut: number;
  connections: number;
  totalConnections: number;
  lastError: { code: string; message: string; at: number } | null;
  startedAt: number | null;
  /** The next attempt to reopen it (state `retrying`), set by the auto-start supervisor. */
  retry: TunnelRetry | null;
}

interface Live {
  state: TunnelState;
  tunnel?: SshTunnel | undefined;
  /** Counters of the last run, kept after it stops so the page still shows what moved. */
  last: { bytesIn: number; bytesOut: number; connections: number; totalConnections: number };
  lastError: TunnelView["lastError"];
  startedAt: number | null;
  retry: TunnelRetry | null;
  /** Bumped on every start and stop, so a late callback of an older run changes nothing. */
  generation: number;
}

export interface ManagerDeps {
  ssh: Pick<PluginSsh, "hosts" | "forwardLocal" | "forwardRemote">;
  storage: Pick<PluginStorage, "get" | "set" | "delete" | "list">;
  log: PluginLogger;
  onChange?: () => void;
}

const KEY = "tunnel:";

export class TunnelManager {
  private readonly live = new Map<string, Live>();
  private disposed = false;
  private supervisor: TunnelSupervisor | undefined;

  constructor(private readonly deps: ManagerDeps) {}

  private async defs(): Promise<TunnelDefinition[]> {
    const rows = await this.deps.storage.list<TunnelDefinition & { [k: string]: Json }>(KEY);
    return rows.map((r) => r.value as TunnelDefinition).sort((a, b) => a.createdAt - b.createdAt);
  }

  private async def(id: string): Promise<TunnelDefinition> {
    const d = await this.deps.storage.get<TunnelDefinition & { [k: string]: Json }>(`${KEY}${id}`);
    if (!d) throw new TunnelsError("TUNNELS_ERR_NOT_FOUND", `No tunnel with id "${id}".`);
    return d as TunnelDefinition;
  }

  private entry(id: string): Live {
    let l = this.live.get(id);
    if (!l) {
      l = {
        state: "stopped",
        last: { bytesIn: 0, bytesOut: 0, connections: 0, totalConnections: 0 },
        lastError: null,
        startedAt: null,
        retry: null,
        generation: 0,
      };
      this.live.set(id, l);
    }
    return l;
  }

  private view(d: TunnelDefinition): TunnelView {
    const l = this.entry(d.id);
    const s = l.tunnel && !l.tunnel.closed ? l.tunnel.stats() : undefined;
    return {
      ...d,
      state: l.state,
      port: l.state === "running" && l.tunnel ? l.tunnel.port : null,
      bytesIn: s?.bytesIn ?? l.last.bytesIn,
      bytesOut: s?.bytesOut ?? l.last.bytesOut,
      connections: s?.connections ?? 0,
      totalConnections: s?.totalConnections ?? l.last.totalConnections,
      lastError: s?.lastError ? { code: s.lastErrorCode ?? "HOST_ERR_SSH_ERROR", message: s.lastError, at: l.lastError?.at ?? Date.now() } : l.lastError,
      startedAt: l.startedAt,
      retry: l.state === "retrying" ? l.retry : null,
    };
  }

  /** True while a supervisor (the auto-start module) is registered. */
  supervised(): boolean {
    return this.supervisor !== undefined;
  }

  /** Registers the auto-start supervisor; only one at a time. */
  registerSupervisor(supervisor: TunnelSupervisor): { dispose(): void } {
    if (this.supervisor) throw new Error("a tunnel supervisor is registered already");
    this.supervisor = supervisor;
    this.deps.onChange?.();
    return {
      dispose: () => {
        if (this.supervisor !== supervisor) return;
        this.supervisor = undefined;
        // Nobody retries any more: what waited for a retry shows as failed, with its last error.
        for (const l of this.live.values()) {
          if (l.state !== "retrying") continue;
          l.state = "failed";
          l.retry = null;
        }
        this.deps.onChange?.();
      },
    };
  }

  /** Shows (or clears) the supervisor's next attempt on a tunnel that is not running. */
  setRetry(id: string, retry: TunnelRetry | null): void {
    const l = this.live.get(id);
    if (!l || l.state === "running" || l.state === "starting") return;
    l.retry = retry;
    l.state = retry ? "retrying" : l.lastError ? "failed" : "stopped";
    this.deps.onChange?.();
  }

  async list(): Promise<TunnelView[]> {
    return (await this.defs()).map((d) => this.view(d));
  }

  async get(id: string): Promise<TunnelView> {
    return this.view(await this.def(id));
  }

  private async checkHost(hostId: string): Promise<void> {
    if (!(await this.deps.ssh.hosts()).some((h) => h.id === hostId)) throw new TunnelsError("TUNNELS_ERR_HOST_NOT_FOUND", `No SSH host with id "${hostId}".`);
  }

  async create(input: TunnelInput): Promise<TunnelView> {
    await this.checkHost(input.hostId);
    const d: TunnelDefinition = { id: crypto.randomUUID(), ...input, autoStart: false, createdAt: Date.now() };
    await this.deps.storage.set(`${KEY}${d.id}`, { ...d });
    return this.view(d);
  }

  async update(id: string, input: TunnelInput): Promise<TunnelView> {
    const d = await this.def(id);
    const l = this.entry(id);
    if (l.state === "running" || l.state === "starting") throw new TunnelsError("TUNNELS_ERR_RUNNING", "Stop the tunnel before changing it.");
    if (input.hostId !== d.hostId) await this.checkHost(input.hostId);
    const next = { ...d, ...input };
    await this.deps.storage.set(`${KEY}${id}`, { ...next });
    return this.view(next);
  }

  async setAutoStart(id: string, enabled: boolean): Promise<TunnelView> {
    const d = { ...(await this.def(id)), autoStart: enabled };
    await this.deps.storage.set(`${KEY}${id}`, { ...d });
    return this.view(d);
  }

  async remove(id: string): Promise<void> {
    await this.def(id);
    await this.stop(id);
    await this.deps.storage.delete(`${KEY}${id}`);
    this.live.delete(id);
  }

  /** Opens the tunnel; resolves once it listens, or throws TUNNELS_ERR_START_FAILED with the SSH reason. */
  async start(id: string): Promise<TunnelView> {
    const d = await this.def(id);
    const l = this.entry(id);
    if (l.state === "running" || l.state === "starting") return this.view(d);
    l.retry = null;
    l.generation += 1;
    const gen = l.generation;
    l.state = "starting";
    this.deps.onChange?.();
    let tunnel: SshTunnel;
    try {
      tunnel =
        d.kind === "local"
          ? await this.deps.ssh.forwardLocal(d.hostId, { bindHost: d.bindHost, bindPort: d.bindPort, targetHost: d.targetHost, targetPort: d.targetPort })
          : await this.deps.ssh.forwardRemote(d.hostId, {
              remoteBindHost: d.bindHost,
              remoteBindPort: d.bindPort,
              targetHost: d.targetHost,
              targetPort: d.targetPort,
            });
    } catch (err) {
      const code = isSshError(err) ? err.code : "HOST_ERR_SSH_FORWARD_FAILED";
      const message = err instanceof Error ? err.message : String(err);
      if (gen === l.generation) {
        l.state = "failed";
        l.lastError = { code, message, at: Date.now() };
        this.deps.onChange?.();
      }
      throw new TunnelsError("TUNNELS_ERR_START_FAILED", message, code);
    }
    if (gen !== l.generation || this.disposed) {
      // Stopped (or unloaded) while it was opening.
      await tunnel.close().catch(() => undefined);
      return this.view(d);
    }
    l.tunnel = tunnel;
    l.state = "running";
    l.startedAt = Date.now();
    l.lastError = null;
    tunnel.onError((e) => {
      if (gen === l.generation) l.lastError = { code: e.code, message: e.message, at: Date.now() };
    });
    tunnel.onClose((e) => {
      if (gen !== l.generation) return;
      l.last = this.counters(tunnel);
      l.tunnel = undefined;
      l.state = "failed";
      l.lastError = { code: e?.code ?? "HOST_ERR_SSH_DISCONNECTED", message: e?.message ?? "The tunnel closed.", at: Date.now() };
      this.deps.onChange?.();
      if (this.supervisor && !this.disposed) {
        const { code, message } = l.lastError;
        void this.def(id).then(
          (def) => def.autoStart && this.supervisor?.dropped(this.view(def), { code, message }),
          () => undefined,
        );
      }
    });
    this.deps.onChange?.();
    return this.view(d);
  }

  private counters(t: SshTunnel) {
    const s = t.stats();
    return { bytesIn: s.bytesIn, bytesOut: s.bytesOut, connections: 0, totalConnections: s.totalConnections };
  }

  /** Closes the tunnel and every connection through it. Stopping a stopped tunnel is fine. */
  async stop(id: string): Promise<TunnelView | undefined> {
    const l = this.live.get(id);
    if (l) {
      l.generation += 1;
      l.retry = null;
      const t = l.tunnel;
      l.tunnel = undefined;
      if (t) {
        l.last = this.counters(t);
        await t.close().catch((err: unknown) => this.deps.log.warn("tunnel close failed", { id, error: String(err) }));
      }
      l.state = "stopped";
      l.startedAt = null;
      this.deps.onChange?.();
    }
    if (!this.disposed) this.supervisor?.stopped(id);
    const d = await this.def(id).catch(() => undefined);
    return d && this.view(d);
  }

  /** Stops everything (the plugin is unloading). */
  async dispose(): Promise<void> {
    this.disposed = true;
    await Promise.allSettled([...this.live.keys()].map((id) => this.stop(id)));
  }
}
