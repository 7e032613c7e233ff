/**
 * Metrics against a real OpenSSH sshd on loopback, through the real host over HTTP. The SSH host is this
 * machine, so what the plugin reads over SSH is compared with /proc and statfs read directly here.
 */
import { spawn } from "node:child_process";
import { readFileSync, statfsSync } from "node:fs";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cpuPercent, parseCpuLine } from "../src/probe/index.js";
import { type PluginHost, startPluginHost } from "./harness.js";

let h: PluginHost;
beforeAll(async () => {
  h = await startPluginHost();
});
afterAll(async () => {
  await h?.close();
});

interface SampleBody {
  up: boolean;
  latest: { cpu: number | null; mem: number; disk: number; memTotal: number; memUsed: number; diskTotal: number; diskUsed: number };
  ticks: { total: number; idle: number };
  lastError: { code: string } | null;
}

const localTicks = () => parseCpuLine(readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "");
const meminfo = () => {
  const m = new Map<string, number>();
  for (const l of readFileSync("/proc/meminfo", "utf8").split("\n")) {
    const r = /^(\w+):\s+(\d+)/.exec(l);
    if (r?.[1] && r[2]) m.set(r[1], Number(r[2]) * 1024);
  }
  return m;
};
// These tests read the sample itself: they wait for it as long as the probe may take, even on a busy machine.
const sample = async (hostId = h.hostId) => h.api(`/sample?host=${encodeURIComponent(hostId)}&wait=30`, { method: "POST" });

describe("metrics against a real sshd", () => {
  it("reads CPU, memory and disk that match /proc and statfs on the same machine", async () => {
    // One busy process gives the CPU something to measure between the two samples.
    const busy = spawn(process.execPath, ["-e", "const end = Date.now() + 1500; while (Date.now() < end) {}"], { stdio: "ignore" });
    try {
      const before = localTicks();
      const first = (await (await sample()).json()) as SampleBody;
      await new Promise((r) => setTimeout(r, 800));
      const second = (await (await sample()).json()) as SampleBody;
      const after = localTicks();

      // The counters the plugin read lie between two direct reads of /proc/stat.
      for (const s of [first, second]) {
        expect(s.ticks.total).toBeGreaterThanOrEqual(before.total);
        expect(s.ticks.total).toBeLessThanOrEqual(after.total);
        expect(s.ticks.idle).toBeGreaterThanOrEqual(before.idle);
        expect(s.ticks.idle).toBeLessThanOrEqual(after.idle);
      }
      // CPU over the plugin's interval is close to CPU over the enclosing interval read here.
      const local = cpuPercent(before, after) ?? -1;
      expect(second.latest.cpu).not.toBeNull();
      expect(Math.abs((second.latest.cpu ?? 0) - local)).toBeLessThan(20);
    } finally {
      busy.kill();
    }

    const s = (await (await sample()).json()) as SampleBody;
    const mem = meminfo();
    expect(s.up).toBe(true);
    expect(s.latest.memTotal).toBe(mem.get("MemTotal"));
    const usedHere = (mem.get("MemTotal") ?? 0) - (mem.get("MemAvailable") ?? 0);
    expect(Math.abs(s.latest.memUsed - usedHere) / s.latest.memTotal).toBeLessThan(0.05);

    const fs = statfsSync("/");
    // df's size column: used + available to unprivileged users (reserved blocks excluded).
    const dfTotal = (fs.blocks - fs.bfree + fs.bavail) * fs.bsize;
    const dfUsed = (fs.blocks - fs.bfree) * fs.bsize;
    expect(Math.abs(s.latest.diskTotal - dfTotal) / dfTotal).toBeLessThan(0.01);
    expect(Math.abs(s.latest.diskUsed - dfUsed) / dfTotal).toBeLessThan(0.01);
    expect(s.latest.disk).toBeCloseTo((s.latest.diskUsed / s.latest.diskTotal) * 100, 0);
  });

  it("keeps the samples as history and shows the host up with sparkline points", async () => {
    await sample();
    const history = (await (await h.api(`/history?host=${h.hostId}&range=1h`)).json()) as { points: { cpu: number | null; mem: number | null }[] };
    expect(history.points.length).toBeGreaterThanOrEqual(2);
    expect(history.points.every((p) => p.mem !== null && p.mem > 0 && p.mem <= 100)).toBe(true);
    const day = (await (await h.api(`/history?host=${h.hostId}&range=24h`)).json()) as { points: unknown[] };
    expect(day.points.length).toBeGreaterThanOrEqual(1);
    const hosts = (await (await h.api("/hosts")).json()) as { hosts: { id: string; up: boolean; spark: unknown[] }[] };
    const me = hosts.hosts.find((x) => x.id === h.hostId);
    expect(me?.up).toBe(true);
    expect(me?.spark.length).toBeGreaterThanOrEqual(2);
    expect((await h.api("/history?host=nope&range=1h")).status).toBe(404);
    for (const wait of ["0", "31", "2.5", "soon"])
      expect(await (await h.api(`/sample?host=${h.hostId}&wait=${wait}`, { method: "POST" })).json()).toMatchObject({ error: "METRICS_ERR_BAD_REQUEST" });
    expect((await h.api(`/history?host=${h.hostId}&range=7d`)).status).toBe(400);
  });

  it("marks a host that does not answer as down with the reason", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", () => r()));
    const port = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));
    const add = await h.t.host.app.request("/api/hosts", {
      method: "POST",
      headers: { ...h.admin.headers, "content-type": "application/json" },
      body: JSON.stringify({ name: "gone", address: "127.0.0.1", port, user: "nobody", authMethod: "key", privateKey: h.sshd.privateKey }),
    });
    expect(add.status).toBe(201);
    const body = (await add.json()) as { id?: string; host?: { id: string } };
    const id = body.id ?? body.host?.id ?? "";
    const res = await sample(id);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: "METRICS_ERR_PROBE_FAILED" });
    const hosts = (await (await h.api("/hosts")).json()) as { hosts: { id: string; up: boolean | null; lastError: { code: string } | null }[] };
    const gone = hosts.hosts.find((x) => x.id === id);
    expect(gone?.up).toBe(false);
    expect(gone?.lastError?.code).toBe("HOST_ERR_SSH_UNREACHABLE");
  });
});
