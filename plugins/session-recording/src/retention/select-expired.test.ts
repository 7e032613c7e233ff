import { describe, expect, it } from "vitest";
import type { Recording } from "../store/index.js";
import { selectExpired } from "./select-expired.js";

const DAY = 24 * 60 * 60 * 1000;
const NOW = Date.UTC(2026, 11, 4);

const rec = (id: string, ageDays: number, bytes: number, state: Recording["state"] = "done"): Recording => ({
  id,
  sessionId: `s-${id}`,
  host: { id: "h", name: "web-1" },
  person: { id: "u", username: "ana" },
  startedAt: NOW - ageDays * DAY,
  durationMs: 60_000,
  bytes,
  cols: 80,
  rows: 24,
  input: false,
  state,
});

describe("selectExpired", () => {
  it("deletes every recording past the age limit, oldest first", () => {
    const all = [rec("new", 1, 10), rec("old", 40, 10), rec("older", 100, 10)];
    expect(selectExpired(all, { maxAgeDays: 30, maxTotalBytes: 0 }, NOW).map((r) => r.id)).toEqual(["older", "old"]);
  });

  it("deletes the oldest until the total fits the size limit, and no more", () => {
    const all = [rec("a", 1, 300), rec("b", 2, 300), rec("c", 3, 300), rec("d", 4, 300)];
    expect(selectExpired(all, { maxAgeDays: 0, maxTotalBytes: 700 }, NOW).map((r) => r.id)).toEqual(["d", "c"]);
    expect(selectExpired(all, { maxAgeDays: 0, maxTotalBytes: 1200 }, NOW)).toEqual([]);
  });

  it("counts what the age limit removes before applying the size limit", () => {
    const all = [rec("a", 1, 500), rec("b", 2, 500), rec("c", 50, 500)];
    expect(selectExpired(all, { maxAgeDays: 30, maxTotalBytes: 1000 }, NOW).map((r) => r.id)).toEqual(["c"]);
  });

  it("never deletes a recording still being written, and keeps everything when both limits are off", () => {
    const all = [rec("live", 400, 5000, "recording"), rec("a", 1, 10)];
    expect(selectExpired(all, { maxAgeDays: 30, maxTotalBytes: 100 }, NOW).map((r) => r.id)).toEqual(["a"]);
    expect(selectExpired(all, { maxAgeDays: 0, maxTotalBytes: 0 }, NOW)).toEqual([]);
  });
});
