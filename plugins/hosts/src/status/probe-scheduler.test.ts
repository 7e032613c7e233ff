import { ApiError } from "@archnest/sdk/web";
import { describe, expect, it } from "vitest";
import type { ProbeResult } from "../api/index.js";
import { createProbeScheduler, type HostStatus, type StatusAnswer } from "./probe-scheduler.js";

function harness() {
  let clock = 1_000_000;
  const calls: string[][] = [];
  const pending: { ids: readonly string[]; resolve: (r: StatusAnswer[]) => void; reject: (e: unknown) => void }[] = [];
  const timers: (() => void)[] = [];
  const seen: [string, HostStatus][] = [];
  const scheduler = createProbeScheduler({
    now: () => clock,
    intervalMs: 30_000,
    fetchStatuses: (ids) => {
      calls.push([...ids]);
      return new Promise((resolve, reject) => pending.push({ ids, resolve, reject }));
    },
    onChange: (id, s) => seen.push([id, s]),
    setTimer: (fn) => timers.push(fn),
  });
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return { scheduler, calls, pending, timers, seen, flush, advance: (ms: number) => (clock += ms) };
}

const up = (id: string, latencyMs: number | null): StatusAnswer => ({
  id,
  state: "up",
  latencyMs,
  checkedAt: 1,
  via: latencyMs === null ? "connection" : "probe",
});
const ok = (latencyMs: number): ProbeResult => ({ ok: true, fingerprint: "SHA256:abc", latencyMs });

describe("createProbeScheduler", () => {
  it("asks about every due host in one request and shows checking until the answer", async () => {
    const h = harness();
    h.scheduler.refresh(["a", "b"]);
    expect(h.calls).toEqual([["a", "b"]]);
    expect(h.seen).toEqual([
      ["a", { state: "checking" }],
      ["b", { state: "checking" }],
    ]);
    h.pending[0]?.resolve([up("b", 12), { id: "a", state: "down", code: "HOST_ERR_SSH_UNREACHABLE", reason: "connection refused", checkedAt: 1 }]);
    await h.flush();
    expect(h.seen.slice(2)).toEqual([
      ["a", { state: "down", reason: "connection refused", code: "HOST_ERR_SSH_UNREACHABLE", checkedAt: 1_000_000 }],
      ["b", { state: "up", latencyMs: 12, checkedAt: 1_000_000 }],
    ]);
  });

  it("asks again shortly about hosts still being tested, without holding up the others", async () => {
    const h = harness();
    h.scheduler.refresh(["fast", "slow"]);
    h.pending[0]?.resolve([up("fast", null), { id: "slow", state: "checking" }]);
    await h.flush();
    expect(h.seen.at(-1)).toEqual(["fast", { state: "up", latencyMs: null, checkedAt: 1_000_000 }]);
    // The slow host stays in flight: a view refreshing meanwhile does not ask twice.
    h.scheduler.refresh(["fast", "slow"]);
    expect(h.calls).toEqual([["fast", "slow"]]);
    expect(h.timers).toHaveLength(1);
    h.timers[0]?.();
    expect(h.calls.at(-1)).toEqual(["slow"]);
    h.pending[1]?.resolve([up("slow", 40)]);
    await h.flush();
    expect(h.seen.at(-1)).toEqual(["slow", { state: "up", latencyMs: 40, checkedAt: 1_000_000 }]);
  });

  it("checks a host at most once per interval, however often views ask", async () => {
    const h = harness();
    h.scheduler.refresh(["a"]);
    h.scheduler.refresh(["a"]);
    expect(h.calls).toEqual([["a"]]);
    h.pending[0]?.resolve([up("a", 5)]);
    await h.flush();
    h.advance(29_999);
    h.scheduler.refresh(["a"]);
    expect(h.calls).toEqual([["a"]]);
    h.advance(1);
    h.scheduler.refresh(["a"]);
    expect(h.calls).toEqual([["a"], ["a"]]);
    // A recheck keeps the last status on screen instead of flashing "checking".
    expect(h.seen.filter(([, s]) => s.state === "checking")).toHaveLength(1);
  });

  it("counts a manual test as a check, and a signed-out answer as unknown rather than down", async () => {
    const h = harness();
    h.scheduler.record("a", { ok: ok(3) });
    h.scheduler.refresh(["a"]);
    expect(h.calls).toEqual([]);
    h.scheduler.refresh(["m"]);
    h.pending[0]?.reject(new ApiError(401, "HOST_ERR_UNAUTHENTICATED", "sign in", undefined));
    await h.flush();
    expect(h.seen.at(-1)?.[1].state).toBe("unknown");
  });

  it("ignores the answer for a host removed while it was checked", async () => {
    const h = harness();
    h.scheduler.refresh(["gone"]);
    h.scheduler.forget("gone");
    h.pending[0]?.resolve([up("gone", 1)]);
    await h.flush();
    expect(h.seen).toEqual([["gone", { state: "checking" }]]);
  });
});
