import { describe, expect, it } from "vitest";
import { timeTicks } from "./time-ticks.js";

const utc = (t: number) => new Date(t).toISOString().slice(11, 16);
const at = (hhmmss: string) => Date.parse(`2026-03-01T${hhmmss}Z`);

describe("time axis ticks", () => {
  it("labels a fresh host's two minutes with distinct minutes, not repeats of the same one", () => {
    const ticks = timeTicks(at("08:13:20"), at("08:15:10"), 6, 0, utc);
    expect(ticks.map(utc)).toEqual(["08:14", "08:15"]);
  });

  it("puts the ticks of an hour on round minutes, within the room given", () => {
    const ticks = timeTicks(at("07:12:31"), at("08:12:31"), 6, 0, utc);
    expect(ticks.map(utc)).toEqual(["07:15", "07:30", "07:45", "08:00"]);
    expect(timeTicks(at("07:12:31"), at("08:12:31"), 3, 0, utc).map(utc)).toEqual(["07:30", "08:00"]);
  });

  it("keeps every label distinct for any span and width", () => {
    for (const spanMin of [1, 2, 3, 7, 59, 60, 61, 360, 1439, 1440]) {
      for (const max of [2, 3, 4, 6, 10]) {
        const from = at("08:13:20");
        const labels = timeTicks(from, from + spanMin * 60_000, max, 0, utc).map(utc);
        expect(labels.length).toBeLessThanOrEqual(max);
        expect(new Set(labels).size).toBe(labels.length);
      }
    }
  });

  it("meets the same time of day once on a range of exactly 24 hours", () => {
    const labels = timeTicks(at("09:00:00"), at("09:00:00") + 24 * 3_600_000, 10, 0, utc).map(utc);
    expect(labels.filter((l) => l === "09:00")).toHaveLength(1);
  });

  it("aligns hour steps to the local clock", () => {
    // UTC+05:30: the local hours fall on UTC half hours.
    const ticks = timeTicks(at("00:00:00"), at("12:00:00"), 5, 5.5 * 3_600_000, utc);
    expect(ticks.map(utc)).toEqual(["00:30", "03:30", "06:30", "09:30"]);
  });
});
