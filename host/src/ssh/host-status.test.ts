import { describe, expect, it } from "vitest";
import { HostError } from "../errors/index.js";
import type { SshProbeResult } from "./connection-pool.js";
import { HostStatusBoard } from "./host-status.js";

function board(concurrency = 2) {
  let clock = 1000;
  const started: string[] = [];
  const pending = new Map<string, { resolve: (r: SshProbeResult) => void; reject: (e: unknown) => void }>();
  const connected = new Set<string>();
  const b = new HostStatusBoard({
    now: () => clock,
    ttlMs: 30_000,
    concurrency,
    connected: () => connected,
    probe: (id) => {
      started.push(id);
      return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
    },
  });
  const ok = (latencyMs: number): SshProbeResult => ({ ok: true, fingerprint: "SHA256:x", latencyMs });
  const tick = () => new Promise((r) => setTimeout(r, 0));
  return { b, started, pending, connected, ok, tick, advance: (ms: number) => (clock += ms) };
}

describe("HostStatusBoard", () => {
  it("tests at most `concurrency` hosts at once, never one host twice, and answers checking for the rest when the wait ends", async () => {
    const h = board(2);
    const first = await h.b.statuses(["a", "b", "c"], 0);
    expect(first.map((s) => s.state)).toEqual(["checking", "checking", "checking"]);
    expect(h.started).toEqual(["a", "b"]);
    await h.b.statuses(["a", "b", "c"], 0);
    expect(h.started).toEqual(["a", "b"]);
    h.pending.get("a")?.resolve(h.ok(7));
    await h.tick();
    expect(h.started).toEqual(["a", "b", "c"]);
    h.pending.get("b")?.reject(new HostError("HOST_ERR_SSH_UNREACHABLE", "connection refused"));
    h.pending.get("c")?.resolve(h.ok(9));
    const all = await h.b.statuses(["a", "b", "c"], 1000);
    expect(all).toEqual([
      { id: "a", state: "up", latencyMs: 7, checkedAt: 1000, via: "probe" },
      { id: "b", state: "down", code: "HOST_ERR_SSH_UNREACHABLE", reason: "connection refused", checkedAt: 1000 },
      { id: "c", state: "up", latencyMs: 9, checkedAt: 1000, via: "probe" },
    ]);
  });

  it("keeps an answer for the TTL, answers connected hosts without a test, and forgets on request", async () => {
    const h = board();
    const p = h.b.statuses(["a"], 5000);
    await h.tick();
    h.pending.get("a")?.resolve(h.ok(3));
    expect(await p).toEqual([{ id: "a", state: "up", latencyMs: 3, checkedAt: 1000, via: "probe" }]);
    h.advance(29_999);
    await h.b.statuses(["a"], 0);
    expect(h.started).toEqual(["a"]);
    h.advance(1);
    h.connected.add("a");
    expect(await h.b.statuses(["a"], 0)).toEqual([{ id: "a", state: "up", latencyMs: 3, checkedAt: 31_000, via: "connection" }]);
    expect(h.started).toEqual(["a"]);
    h.connected.clear();
    h.b.forget("a");
    expect((await h.b.statuses(["a"], 0))[0]?.state).toBe("checking");
    expect(h.started).toEqual(["a", "a"]);
  });
});
