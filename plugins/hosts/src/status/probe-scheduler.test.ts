import { ApiError } from "@archnest/sdk/web";
import { describe, expect, it } from "vitest";
import type { ProbeResult } from "../api/index.js";
import { createProbeScheduler, type HostStatus } from "./probe-scheduler.js";

function harness() {
  let clock = 1_000_000;
  const calls: string[] = [];
  const pending = new Map<string, { resolve: (r: ProbeResult) => void; reject: (e: unknown) => void }>();
  const seen: [string, HostStatus][] = [];
  const scheduler = createProbeScheduler({
    now: () => clock,
    intervalMs: 60_000,
    probe: (id) => {
      calls.push(id);
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
    onChange: (id, s) => seen.push([id, s]),
  });
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return { scheduler, calls, pending, seen, flush, advance: (ms: number) => (clock += ms) };
}

const ok = (latencyMs: number): ProbeResult => ({ ok: true, fingerprint: "SHA256:abc", latencyMs, firstUse: false });

describe("createProbeScheduler", () => {
  it("probes every host at once and shows checking until each answers on its own", async () => {
    const h = harness();
    h.scheduler.refresh(["a", "b"]);
    expect(h.calls).toEqual(["a", "b"]);
    expect(h.seen).toEqual([
      ["a", { state: "checking" }],
      ["b", { state: "checking" }],
    ]);
    h.pending.get("b")?.resolve(ok(12));
    await h.flush();
    expect(h.seen.at(-1)).toEqual(["b", { state: "up", latencyMs: 12, checkedAt: 1_000_000 }]);
    h.pending.get("a")?.reject(new ApiError(502, "HOST_ERR_SSH_UNREACHABLE", "connection refused", undefined));
    await h.flush();
    expect(h.seen.at(-1)).toEqual(["a", { state: "down", reason: "connection refused", code: "HOST_ERR_SSH_UNREACHABLE", checkedAt: 1_000_000 }]);
  });

  it("probes a host at most once per interval, however often views ask", async () => {
    const h = harness();
    h.scheduler.refresh(["a"]);
    h.scheduler.refresh(["a"]);
    expect(h.calls).toEqual(["a"]);
    h.pending.get("a")?.resolve(ok(5));
    await h.flush();
    h.advance(59_999);
    h.scheduler.refresh(["a"]);
    expect(h.calls).toEqual(["a"]);
    h.advance(1);
    h.scheduler.refresh(["a"]);
    expect(h.calls).toEqual(["a", "a"]);
    // A recheck keeps the last status on screen instead of flashing "checking".
    expect(h.seen.filter(([, s]) => s.state === "checking")).toHaveLength(1);
  });

  it("counts a manual test as a check, and a forbidden probe as unknown rather than down", async () => {
    const h = harness();
    h.scheduler.record("a", { ok: ok(3) });
    h.scheduler.refresh(["a"]);
    expect(h.calls).toEqual([]);
    h.scheduler.refresh(["m"]);
    h.pending.get("m")?.reject(new ApiError(403, "HOST_ERR_FORBIDDEN", "admins only", undefined));
    await h.flush();
    expect(h.seen.at(-1)?.[1].state).toBe("unknown");
  });

  it("ignores the answer for a host removed while its probe ran", async () => {
    const h = harness();
    h.scheduler.refresh(["gone"]);
    h.scheduler.forget("gone");
    h.pending.get("gone")?.resolve(ok(1));
    await h.flush();
    expect(h.seen).toEqual([["gone", { state: "checking" }]]);
  });
});
