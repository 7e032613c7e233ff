/**
 * What one sample reads on a host, in one SSH exec: the aggregate `cpu` line of /proc/stat, the memory
 * lines of /proc/meminfo and `df -P -k /` (POSIX output, 1024-byte blocks, so the columns never wrap).
 * CPU use is a rate, so it needs two readings of /proc/stat: the sampler keeps the previous reading per
 * host and passes it in; the first sample of a host reads /proc/stat twice, half a second apart.
 */
import { MetricsError } from "../errors/index.js";

/** Jiffies counted by /proc/stat since boot: everything, and the part spent idle (idle + iowait). */
export interface CpuTicks {
  total: number;
  idle: number;
}

/** One reading of a host. Bytes are bytes; `cpu` is busy percent over the interval since `previous`. */
export interface Probe {
  ticks: CpuTicks;
  /** Busy percent (0-100) since the previous reading, or null when there is none to compare with. */
  cpu: number | null;
  memTotal: number;
  memUsed: number;
  diskTotal: number;
  diskUsed: number;
}

/** Read every time: the CPU line, memory and the root filesystem. */
export const PROBE_COMMAND =
  "export LC_ALL=C; head -n1 /proc/stat; grep -E '^(MemTotal|MemFree|MemAvailable|Buffers|Cached):' /proc/meminfo; df -P -k / | tail -n1";

/** The first sample of a host: an extra CPU line half a second earlier gives it a rate at once. */
export const FIRST_PROBE_COMMAND = `head -n1 /proc/stat; sleep 0.5; ${PROBE_COMMAND}`;

/** The aggregate `cpu` line: user nice system idle iowait irq softirq steal [guest guest_nice]. */
export function parseCpuLine(line: string): CpuTicks {
  const fields = line.trim().split(/\s+/);
  if (fields[0] !== "cpu" || fields.length < 5) throw new MetricsError("METRICS_ERR_PROBE_PARSE", `Not a /proc/stat cpu line: "${line.slice(0, 80)}".`);
  const n = fields.slice(1).map(Number);
  if (n.some((v) => !Number.isFinite(v) || v < 0)) throw new MetricsError("METRICS_ERR_PROBE_PARSE", "The /proc/stat cpu line holds non-numbers.");
  // guest and guest_nice are already counted in user and nice (proc(5)), so only the first 8 add up.
  const total = n.slice(0, 8).reduce((a, b) => a + b, 0);
  const idle = (n[3] ?? 0) + (n[4] ?? 0);
  return { total, idle };
}

/** Busy percent between two readings; null when the counters did not move or went back (a reboot). */
export function cpuPercent(before: CpuTicks, after: CpuTicks): number | null {
  const total = after.total - before.total;
  const idle = after.idle - before.idle;
  if (total <= 0 || idle < 0 || idle > total) return null;
  return Math.round(((total - idle) / total) * 1000) / 10;
}

/** Parses the output of {@link PROBE_COMMAND} (or {@link FIRST_PROBE_COMMAND}). */
export function parseProbe(stdout: string, previous?: CpuTicks): Probe {
  const lines = stdout.split("\n").filter((l) => l.trim() !== "");
  const cpuLines = lines.filter((l) => l.startsWith("cpu "));
  const last = cpuLines.at(-1);
  if (!last) throw new MetricsError("METRICS_ERR_PROBE_PARSE", "No cpu line in /proc/stat output.");
  const ticks = parseCpuLine(last);
  const first = cpuLines.length > 1 && cpuLines[0] ? parseCpuLine(cpuLines[0]) : previous;
  const mem = new Map<string, number>();
  for (const l of lines) {
    const m = /^(\w+):\s+(\d+)\s*kB/.exec(l);
    if (m?.[1] && m[2]) mem.set(m[1], Number(m[2]) * 1024);
  }
  const memTotal = mem.get("MemTotal");
  if (!memTotal) throw new MetricsError("METRICS_ERR_PROBE_PARSE", "No MemTotal in /proc/meminfo output.");
  // MemAvailable (Linux 3.14+) is the kernel's own estimate; older kernels get the classic free+buffers+cached.
  const available = mem.get("MemAvailable") ?? (mem.get("MemFree") ?? 0) + (mem.get("Buffers") ?? 0) + (mem.get("Cached") ?? 0);
  const dfLine = lines.at(-1) ?? "";
  const df = dfLine.trim().split(/\s+/);
  // Filesystem 1024-blocks Used Available Capacity Mounted-on; the name may hold spaces, so read from the end.
  const used = Number(df.at(-4));
  const avail = Number(df.at(-3));
  if (df.length < 6 || !Number.isFinite(used) || !Number.isFinite(avail) || !df.at(-2)?.endsWith("%")) {
    throw new MetricsError("METRICS_ERR_PROBE_PARSE", `Not a df -P line: "${dfLine.slice(0, 80)}".`);
  }
  return {
    ticks,
    cpu: first ? cpuPercent(first, ticks) : null,
    memTotal,
    memUsed: Math.max(0, memTotal - available),
    // df's own Capacity is used / (used + available): blocks reserved for root count as neither.
    diskTotal: (used + avail) * 1024,
    diskUsed: used * 1024,
  };
}

/** Percent with one decimal, as charts show it. */
export function percent(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 1000) / 10 : null;
}
