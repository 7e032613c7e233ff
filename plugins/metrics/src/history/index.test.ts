import { describe, expect, it } from "vitest";
import { History } from "./index.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
/** A fake clock: samples are stamped from it, nothing reads the real time. */
function clock(start = Date.UTC(2025, 0, 1, 0, 0, 0)) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe("metrics history", () => {
  it("keeps every sample for the last hour and serves them as the 1 h series", () => {
    const c = clock();
    const h = new History();
    for (let i = 0; i < 4 * 60 * 2; i += 1) {
      h.add({ t: c.now(), cpu: i % 100, mem: 50, disk: 10 });
      c.advance(15_000);
    }
    // Two hours of 15 s samples: only the last hour stays raw (asked for at the newest sample's time).
    const at = c.now() - 15_000;
    const last = h.series(HOUR, at);
    expect(last.length).toBe(240);
    expect(last[0]?.t).toBeGreaterThan(at - HOUR);
    expect(last.at(-1)?.cpu).toBe((4 * 60 * 2 - 1) % 100);
  });

  it("averages each minute for the 24 h series and ignores samples where the host was down", () => {
    const c = clock();
    const h = new History();
    const closedAt: boolean[] = [];
    // Minute 0: cpu 10, 20, 30, 40 -> 25. Minute 1: 50, down, down, 70 -> 60.
    for (const cpu of [10, 20, 30, 40, 50, null, null, 70]) {
      closedAt.push(h.add({ t: c.now(), cpu, mem: cpu === null ? null : 40, disk: cpu === null ? null : 5 }));
      c.advance(15_000);
    }
    expect(closedAt).toEqual([false, false, false, false, true, false, false, false]);
    const day = h.series(24 * HOUR, c.now());
    expect(day.map((p) => p.cpu)).toEqual([25, 60]);
    expect(day.map((p) => p.mem)).toEqual([40, 40]);
    expect(day[1]?.t).toBe(day[0] ? day[0].t + MIN : Number.NaN);
  });

  it("forgets minute averages older than 24 hours, so memory stays bounded", () => {
    const c = clock();
    const h = new History();
    for (let i = 0; i < 30 * 60; i += 1) {
      // One sample a minute for 30 hours.
      h.add({ t: c.now(), cpu: 1, mem: 1, disk: 1 });
      c.advance(MIN);
    }
    const day = h.series(24 * HOUR, c.now());
    expect(day.length).toBeLessThanOrEqual(24 * 60 + 1);
    expect(day[0]?.t).toBeGreaterThanOrEqual(c.now() - 24 * HOUR - MIN);
    expect(h.size).toBeLessThanOrEqual(60 + 24 * 60 + 1);
  });

  it("round-trips through JSON, open minute included, and drops a sample older than the newest", () => {
    const c = clock();
    const h = new History();
    for (const cpu of [10, 30, 50]) {
      h.add({ t: c.now(), cpu, mem: 1, disk: 2 });
      c.advance(30_000);
    }
    expect(h.add({ t: c.now() - 5 * MIN, cpu: 99, mem: 99, disk: 99 })).toBe(false);
    const copy = History.fromJSON(JSON.parse(JSON.stringify(h.toJSON())));
    expect(copy.series(24 * HOUR, c.now())).toEqual(h.series(24 * HOUR, c.now()));
    expect(copy.series(HOUR, c.now())).toEqual(h.series(HOUR, c.now()));
    expect(History.fromJSON({ v: 2, raw: "nope" }).size).toBe(0);
  });
});
