import { describe, expect, it } from "vitest";
import { usageFromStats } from "./stats.js";

describe("usageFromStats", () => {
  it("computes CPU percent across CPUs and memory without page cache, as the docker CLI does", () => {
    const u = usageFromStats({
      cpu_stats: { cpu_usage: { total_usage: 2_000_000 }, system_cpu_usage: 20_000_000, online_cpus: 4 },
      precpu_stats: { cpu_usage: { total_usage: 1_000_000 }, system_cpu_usage: 10_000_000 },
      memory_stats: { usage: 10_000, limit: 1_000_000, stats: { inactive_file: 4_000 } },
    });
    expect(u).toEqual({ cpuPercent: 40, memoryBytes: 6_000, memoryLimit: 1_000_000 });
  });

  it("reports no CPU figure without a previous sample, and reads cgroup v1 cache", () => {
    const u = usageFromStats({
      cpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 100 },
      precpu_stats: { cpu_usage: {} },
      memory_stats: { usage: 500, stats: { total_inactive_file: 100 } },
    });
    expect(u).toEqual({ cpuPercent: null, memoryBytes: 400, memoryLimit: null });
  });
});
