/**
 * CPU and memory from one `GET /containers/{id}/stats?stream=false` answer, computed the way the
 * `docker stats` CLI does (docker/cli, cli/command/container/stats_helpers.go).
 */

/** The parts of the Engine's stats answer used here (cgroup v1 and v2 differ in the memory fields). */
export interface EngineStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number; percpu_usage?: number[] }; system_cpu_usage?: number; online_cpus?: number };
  precpu_stats?: { cpu_usage?: { total_usage?: number }; system_cpu_usage?: number };
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
}

export interface ContainerUsage {
  /** Percent of one CPU (200 means two CPUs busy); null when the engine gave no previous sample. */
  cpuPercent: number | null;
  /** Bytes in use, page cache excluded; null when the engine reports none. */
  memoryBytes: number | null;
  memoryLimit: number | null;
}

export function usageFromStats(s: EngineStats): ContainerUsage {
  const cpu = s.cpu_stats;
  const pre = s.precpu_stats;
  let cpuPercent: number | null = null;
  const total = cpu?.cpu_usage?.total_usage;
  const preTotal = pre?.cpu_usage?.total_usage;
  const system = cpu?.system_cpu_usage;
  const preSystem = pre?.system_cpu_usage;
  if (total !== undefined && preTotal !== undefined && system !== undefined && preSystem !== undefined && preSystem > 0) {
    const cpuDelta = total - preTotal;
    const systemDelta = system - preSystem;
    const cpus = cpu?.online_cpus ?? cpu?.cpu_usage?.percpu_usage?.length ?? 1;
    cpuPercent = systemDelta > 0 && cpuDelta >= 0 ? Math.round((cpuDelta / systemDelta) * cpus * 100 * 100) / 100 : 0;
  }
  const mem = s.memory_stats;
  let memoryBytes: number | null = null;
  if (typeof mem?.usage === "number") {
    // cgroup v2 reports inactive_file, v1 total_inactive_file; the CLI subtracts it as reclaimable cache.
    const st = mem.stats ?? {};
    const cache = st.inactive_file ?? st.total_inactive_file ?? 0;
    memoryBytes = Math.max(0, mem.usage - (cache < mem.usage ? cache : 0));
  }
  return { cpuPercent, memoryBytes, memoryLimit: typeof mem?.limit === "number" ? mem.limit : null };
}
