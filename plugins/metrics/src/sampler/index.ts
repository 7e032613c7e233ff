/**
 * Samples every SSH host on a timer while the plugin runs and keeps each host's {@link History}. A tick
 * starts only after the previous one finished and waits for each host at most {@link SAMPLE_DEADLINE_MS}:
 * a slow host never stacks samples (its sample under way is shared) nor holds the others up, and its last
 * good reading is shown marked stale with its age until the sample lands. One host failing marks that host
 * down and records a gap, the others carry on.
 */
import type { Json, PluginLogger, PluginSsh, PluginStorage, SshHostSummary } from "@archnest/sdk/plugin";
import { isSshError } from "@archnest/sdk/plugin";
import { MetricsError } from "../errors/index.js";
import { History } from "../history/index.js";
import { type CpuTicks, FIRST_PROBE_COMMAND, PROBE_COMMAND, type Probe, parseProbe, percent } from "../probe/index.js";

/** The newest reading of a host, as the page and the widget show it. */
export interface Latest {
  t: number;
  cpu: number | null;
  mem: number | null;
  disk: number | null;
  memUsed: number;
  memTotal: number;
  diskUsed: number;
  diskTotal: number;
}

/**
 * How current a host's reading is: `ok` (the newest sample is current), `stale` (a sample is overdue: the
 * reading shown is the last good one, `ageMs` old), `late` (the first sample is overdue: nothing to show
 * yet), `pending` (the first sample is under way), `down` (the last sample failed; `lastError` says why).
 */
export type SampleState = "ok" | "stale" | "late" | "pending" | "down";

/** What the plugin knows about one host right now. */
export interface HostState {
  id: string;
  name: string;
  address: string;
  /** null before the first sample. */
  up: boolean | null;
  lastError: { code: string; message: string } | null;
  latest: Latest | null;
  state: SampleState;
  /** True when `latest` is the last good reading of a host whose newer sample is overdue. */
  stale: boolean;
  /** How old `latest` is, in milliseconds (null without a reading). */
  ageMs: number | null;
}

/**
 * How long a request waits for one host's sample. Shorter than a page's patience (and than the probe's own
 * SSH timeout): past it the answer is the last good reading marked stale, while the sample carries on and
 * lands in the history when the host answers.
 */
export const SAMPLE_DEADLINE_MS = 5_000;

export interface SamplerDeps {
  ssh: Pick<PluginSsh, "hosts" | "exec">;
  storage: Pick<PluginStorage, "get" | "set" | "delete">;
  log: PluginLogger;
  now?: () => number;
}

type StoredState = Omit<HostState, "state" | "stale" | "ageMs">;

interface Tracked {
  state: StoredState;
  history: History;
  ticks?: { at: number; ticks: CpuTicks } | undefined;
  inflight?: Promise<{ probe: Probe; state: HostState }> | undefined;
  /** When the sample under way started. */
  inflightSince?: number | undefined;
}

const key = (hostId: string) => `history:${hostId}`;

export class Sampler {
  private readonly hosts = new Map<string, Tracked>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private running = false;
  private intervalMs = 15_000;
  private readonly now: () => number;

  constructor(private readonly deps: SamplerDeps) {
    this.now = deps.now ?? Date.now;
  }

  /** Starts sampling every `intervalMs` (the first tick runs at once). */
  start(intervalMs: number): void {
    this.intervalMs = intervalMs;
    if (this.running) return;
    this.running = true;
    this.schedule(0);
  }

  /** Changes the interval from the next tick on. */
  setInterval(intervalMs: number): void {
    this.intervalMs = intervalMs;
  }

  /** Stops the timer and writes every history to storage. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.hosts.values()].map((h) => h.inflight));
    await Promise.allSettled([...this.hosts.keys()].map((id) => this.persist(id)));
  }

  private schedule(delay: number): void {
    if (!this.running) return;
    this.timer = setTimeout(() => {
      void this.tick().finally(() => this.schedule(this.intervalMs));
    }, delay);
    this.timer.unref?.();
  }

  /** Samples every host once (in parallel). */
  async tick(): Promise<void> {
    let hosts: SshHostSummary[];
    try {
      hosts = await this.syncHosts();
    } catch (err) {
      this.deps.log.warn("cannot list SSH hosts", { error: String(err) });
      return;
    }
    await Promise.allSettled(hosts.map((h) => this.sampleWithin(h.id, SAMPLE_DEADLINE_MS)));
  }

  /** Brings the tracked hosts in line with the host list; a removed host's history is deleted. */
  async syncHosts(list?: SshHostSummary[]): Promise<SshHostSummary[]> {
    const hosts = list ?? (await this.deps.ssh.hosts());
    const ids = new Set(hosts.map((h) => h.id));
    for (const id of [...this.hosts.keys()]) {
      if (!ids.has(id)) {
        this.hosts.delete(id);
        await this.deps.storage.delete(key(id)).catch(() => false);
      }
    }
    for (const h of hosts) {
      const t = this.hosts.get(h.id);
      if (t) {
        t.state.name = h.name;
        t.state.address = h.address;
      } else {
        const stored = await this.deps.storage.get(key(h.id)).catch(() => undefined);
        this.hosts.set(h.id, {
          state: { id: h.id, name: h.name, address: h.address, up: null, lastError: null, latest: null },
          history: History.fromJSON(stored),
        });
      }
    }
    return hosts;
  }

  /** Every tracked host's state, by name. */
  states(): HostState[] {
    return [...this.hosts.values()].map((h) => this.view(h)).sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * A host's state with how current it is. A reading counts as stale when a sample has been under way
   * longer than the deadline, or when none landed for two intervals plus the deadline (the timer fell behind).
   */
  private view(t: Tracked, waitedPastDeadline = false): HostState {
    const now = this.now();
    const state = structuredClone(t.state);
    // A caller that waited out its deadline with the sample still under way knows it is overdue; the
    // clock here may read a millisecond short of the deadline its timer already reached.
    const overdue = t.inflightSince !== undefined && (waitedPastDeadline || now - t.inflightSince >= SAMPLE_DEADLINE_MS);
    const ageMs = state.latest ? Math.max(0, now - state.latest.t) : null;
    const behind = ageMs !== null && ageMs > 2 * this.intervalMs + SAMPLE_DEADLINE_MS;
    let sampleState: SampleState;
    if (state.up === false) sampleState = "down";
    else if (state.latest === null) sampleState = overdue ? "late" : "pending";
    else sampleState = overdue || behind ? "stale" : "ok";
    return { ...state, state: sampleState, stale: sampleState === "stale", ageMs };
  }

  /** A host's history, or undefined for an unknown host. */
  history(hostId: string): History | undefined {
    return this.hosts.get(hostId)?.history;
  }

  /** Samples one host now; a sample already under way is shared rather than doubled. */
  async sample(hostId: string): Promise<{ probe: Probe; state: HostState }> {
    let tracked = this.hosts.get(hostId);
    if (!tracked) {
      await this.syncHosts();
      tracked = this.hosts.get(hostId);
      if (!tracked) throw new MetricsError("METRICS_ERR_HOST_NOT_FOUND", `No SSH host with id "${hostId}".`);
    }
    const t = tracked;
    if (!t.inflight) {
      t.inflightSince = this.now();
      t.inflight = this.measure(hostId, t).finally(() => {
        t.inflight = undefined;
        t.inflightSince = undefined;
      });
    }
    return t.inflight;
  }

  /**
   * Samples one host, waiting at most `ms`. A sample that lands in time (or fails in time) is answered as
   * {@link sample} would; past the deadline the answer is the host's state as it stands, marked `stale`
   * (or `late` without any reading), while the sample carries on in the background.
   */
  async sampleWithin(hostId: string, ms: number): Promise<{ probe?: Probe; state: HostState; late: boolean }> {
    const running = this.sample(hostId);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), ms);
    });
    try {
      const done = await Promise.race([running, deadline]);
      if (done !== "late") return { ...done, late: false };
      // The sample's own failure, if it comes later, is recorded in the host's state; nobody awaits it here.
      running.catch(() => undefined);
      const t = this.hosts.get(hostId);
      if (!t) throw new MetricsError("METRICS_ERR_HOST_NOT_FOUND", `No SSH host with id "${hostId}".`);
      return { state: this.view(t, true), late: true };
    } finally {
      clearTimeout(timer);
    }
  }

  private async measure(hostId: string, t: Tracked): Promise<{ probe: Probe; state: HostState }> {
    const started = this.now();
    // A previous reading more than five intervals old says little about now: read the CPU twice instead.
    const prev = t.ticks && started - t.ticks.at <= 5 * this.intervalMs ? t.ticks.ticks : undefined;
    try {
      const res = await this.deps.ssh.exec(hostId, prev ? PROBE_COMMAND : FIRST_PROBE_COMMAND, {
        timeoutMs: Math.min(20_000, Math.max(5_000, this.intervalMs)),
        maxOutputBytes: 64 * 1024,
      });
      if (res.code !== 0) {
        throw new MetricsError(
          "METRICS_ERR_PROBE_FAILED",
          `The probe exited with ${res.code ?? res.signal}: ${res.stderr.trim().slice(0, 200) || "no output"}`,
        );
      }
      const probe = parseProbe(res.stdout, prev);
      const at = this.now();
      t.ticks = { at, ticks: probe.ticks };
      const latest: Latest = {
        t: at,
        cpu: probe.cpu,
        mem: percent(probe.memUsed, probe.memTotal),
        disk: percent(probe.diskUsed, probe.diskTotal),
        memUsed: probe.memUsed,
        memTotal: probe.memTotal,
        diskUsed: probe.diskUsed,
        diskTotal: probe.diskTotal,
      };
      t.state.up = true;
      t.state.lastError = null;
      t.state.latest = latest;
      if (t.history.add({ t: at, cpu: latest.cpu, mem: latest.mem, disk: latest.disk })) await this.persist(hostId);
      return { probe, state: { ...structuredClone(t.state), state: "ok", stale: false, ageMs: 0 } };
    } catch (err) {
      const code = err instanceof MetricsError || isSshError(err) ? err.code : "METRICS_ERR_PROBE_FAILED";
      const message = err instanceof Error ? err.message : String(err);
      t.state.up = false;
      t.state.lastError = { code, message };
      t.ticks = undefined;
      if (t.history.add({ t: this.now(), cpu: null, mem: null, disk: null })) await this.persist(hostId);
      if (err instanceof MetricsError) throw err;
      throw new MetricsError("METRICS_ERR_PROBE_FAILED", message, { cause: err });
    }
  }

  private async persist(hostId: string): Promise<void> {
    const h = this.hosts.get(hostId);
    if (!h) return;
    try {
      await this.deps.storage.set(key(hostId), h.history.toJSON() as unknown as Json);
    } catch (err) {
      this.deps.log.warn("cannot store metrics history", { hostId, error: String(err) });
    }
  }
}
