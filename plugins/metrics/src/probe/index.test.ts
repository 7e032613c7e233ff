import { describe, expect, it } from "vitest";
import { cpuPercent, parseCpuLine, parseProbe } from "./index.js";

const OUTPUT = `cpu  100 0 100 700 100 0 0 0 0 0
cpu  200 0 200 1300 100 0 0 0 0 0
MemTotal:        8000000 kB
MemFree:         1000000 kB
MemAvailable:    6000000 kB
Buffers:          100000 kB
Cached:          2000000 kB
/dev/root        100000000  40000000  50000000  45% /
`;

describe("metrics probe", () => {
  it("reads CPU busy percent from two cpu lines, memory from MemAvailable and disk like df's capacity", () => {
    const p = parseProbe(OUTPUT);
    // delta: total 800, idle 600 -> 25% busy
    expect(p.cpu).toBe(25);
    expect(p.memTotal).toBe(8_000_000 * 1024);
    expect(p.memUsed).toBe(2_000_000 * 1024);
    expect(p.diskUsed).toBe(40_000_000 * 1024);
    expect(p.diskTotal).toBe(90_000_000 * 1024);
  });

  it("uses the previous reading when only one cpu line came back, and none means no rate yet", () => {
    const single = OUTPUT.split("\n").slice(1).join("\n");
    expect(parseProbe(single, parseCpuLine("cpu  100 0 100 700 100 0 0 0 0 0")).cpu).toBe(25);
    expect(parseProbe(single).cpu).toBeNull();
  });

  it("treats counters that went back (a reboot) as no rate, and refuses output that is not Linux", () => {
    expect(cpuPercent({ total: 1000, idle: 500 }, { total: 10, idle: 5 })).toBeNull();
    expect(() => parseProbe("hello\n")).toThrow(expect.objectContaining({ code: "METRICS_ERR_PROBE_PARSE" }));
    expect(() => parseProbe("cpu  1 2 3 4 5 6 7 8\nMemTotal: 10 kB\nnot df\n")).toThrow(expect.objectContaining({ code: "METRICS_ERR_PROBE_PARSE" }));
  });
});
