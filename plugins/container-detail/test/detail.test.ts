/**
 * The detail API against a real dockerd: a container's inspect with its health check passing, limits,
 * restart policy, volume mount and labels, and its environment's names without their values; values only
 * for an admin who asks; the log searched whole and downloaded; an image's layers, history and containers;
 * a volume's users. The secret never shows in an answer that did not ask for it, nor in the host's log.
 */
import { TEST_IMAGE, type TestEngine } from "@archnest/docker/testing";
import { addMember } from "@archnest/host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ContainerDetail, ImageDetail, LogSearch, VolumeDetail } from "../src/server.js";
import { addSource, engineWithContainers, type PluginHost, SECRET, startPluginHost } from "./harness.js";

let h: PluginHost;
let engine: TestEngine;
let sid: string;

beforeAll(async () => {
  [engine, h] = await Promise.all([engineWithContainers(), startPluginHost({ licensed: ["container-detail"] })]);
  sid = (await addSource(h, engine)).id;
}, 240_000);

afterAll(async () => {
  await h?.close();
  await engine?.cleanup();
});

async function get<T>(path: string, headers?: Record<string, string>): Promise<{ status: number; body: T; text: string }> {
  const res = await h.request(`/api/plugins/container-detail${path}`, headers ? { headers } : {});
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text) as T, text };
}

describe("a container's detail", () => {
  it("shows state, health checks and their results, limits, restart policy, mounts and labels, and only the names of its environment", async () => {
    await expect.poll(async () => (await get<ContainerDetail>(`/sources/${sid}/containers/api`)).body.health?.status, { timeout: 20_000 }).toBe("healthy");
    const { status, body, text } = await get<ContainerDetail>(`/sources/${sid}/containers/api`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      name: "api",
      image: TEST_IMAGE,
      state: { status: "running", running: true, exitCode: 0 },
      restartPolicy: { name: "on-failure", maximumRetryCount: 3 },
      resources: { memoryBytes: 64 * 1024 * 1024, cpus: 0.5, pidsLimit: 100 },
      networkMode: "none",
      mounts: [{ type: "volume", name: "app-data", destination: "/data", readWrite: true }],
      env: [{ name: "DB_PASSWORD" }, { name: "MODE" }, { name: "EMPTY" }],
      labels: [
        { name: "com.example.team", value: "payments" },
        { name: "com.example.tier", value: "backend" },
      ],
    });
    expect(body.health).toMatchObject({ test: ["CMD-SHELL", "test -f /tmp/ready"], intervalMs: 500, timeoutMs: 1000, retries: 3, failingStreak: 0 });
    expect(body.health?.log.length).toBeGreaterThan(0);
    expect(body.health?.log.at(-1)?.exitCode).toBe(0);
    expect(body.state.startedAt).toBeGreaterThan(Date.now() - 120_000);
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain("production");
  });

  it("reveals the environment's values to an admin who asks, never to a member, and never logs them", async () => {
    const revealed = await get<{ env: { name: string; value: string }[] }>(`/sources/${sid}/containers/api/env`);
    expect(revealed.body.env).toEqual([
      { name: "DB_PASSWORD", value: SECRET },
      { name: "MODE", value: "production" },
      { name: "EMPTY", value: "" },
    ]);
    const member = await addMember(h.t.host, "detail-member", "member-password-1");
    const refused = await get<{ error: string }>(`/sources/${sid}/containers/api/env`, member.headers);
    expect(refused).toMatchObject({ status: 403, body: { error: "CONTAINER_DETAIL_ERR_FORBIDDEN" } });
    expect(refused.text).not.toContain(SECRET);
    // The member still sees the rest of the detail.
    expect((await get<ContainerDetail>(`/sources/${sid}/containers/api`, member.headers)).body.env.map((e) => e.name)).toContain("DB_PASSWORD");
    // The log lines are objects: searched as the JSON they are written as.
    const logs = h.t.lines.map((l) => JSON.stringify(l)).join("\n");
    expect(logs).toContain("docker");
    expect(logs).not.toContain(SECRET);
  });

  it("answers the engine's 404 for a container that is not there", async () => {
    expect(await get(`/sources/${sid}/containers/no-such-container`)).toMatchObject({ status: 404, body: { error: "DOCKER_ERR_NOT_FOUND" } });
  });
});

describe("a container's logs", () => {
  it("are searched whole, case-insensitively, with each match's line number, time and stream", async () => {
    const { body } = await get<LogSearch>(`/sources/${sid}/containers/api/logs/search?q=UPSTREAM%20timeout`);
    expect(body.scanned).toBe(40);
    // The engine reads stdout and stderr separately: in a burst their lines may come in either order.
    expect(body.matches.map((m) => m.text).sort()).toEqual([10, 20, 30, 40].map((i) => `request ${i} failed: upstream timeout`).sort());
    expect(new Set(body.matches.map((m) => m.line)).size).toBe(4);
    for (const m of body.matches) expect(m.line).toBeGreaterThanOrEqual(1);
    for (const m of body.matches) {
      expect(m.stream).toBe("stderr");
      expect(Date.parse(m.time ?? "")).toBeGreaterThan(0);
    }
    expect((await get<LogSearch>(`/sources/${sid}/containers/api/logs/search?q=request&tail=5`)).body).toMatchObject({ scanned: 5, truncated: false });
    expect(await get(`/sources/${sid}/containers/api/logs/search?q=`)).toMatchObject({ status: 400, body: { error: "CONTAINER_DETAIL_ERR_VALIDATION" } });
  });

  it("download as a text file named after the container, every line after its time", async () => {
    const res = await h.request(`/api/plugins/container-detail/sources/${sid}/containers/api/logs/download`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-disposition")).toBe('attachment; filename="api-logs.txt"');
    const lines = (await res.text()).trimEnd().split("\n");
    expect(lines).toHaveLength(40);
    for (const line of lines) expect(line).toMatch(/^\d{4}-\d{2}-\d{2}T[\d:.]+Z (request \d+ served|\[stderr\] request \d+0 failed: upstream timeout)$/);
    expect(lines.filter((l) => l.includes("[stderr]"))).toHaveLength(4);
    expect(lines.some((l) => l.endsWith(" request 1 served"))).toBe(true);
  });
});

describe("images and volumes", () => {
  it("show an image's layers, history and the containers made from it", async () => {
    const { body } = await get<ImageDetail>(`/sources/${sid}/images/${encodeURIComponent(TEST_IMAGE)}`);
    expect(body.tags).toEqual([TEST_IMAGE]);
    expect(body.layers.length).toBeGreaterThan(0);
    expect(body.history.length).toBeGreaterThan(0);
    expect(body.sizeBytes).toBeGreaterThan(0);
    expect(body.containers.map((c) => c.name).sort()).toEqual(["api", "batch"]);
  });

  it("show which containers mount a volume, and where", async () => {
    const { body } = await get<VolumeDetail>(`/sources/${sid}/volumes/app-data`);
    expect(body).toMatchObject({ name: "app-data", driver: "local", labels: [{ name: "backup", value: "nightly" }] });
    expect(body.usedBy).toEqual([expect.objectContaining({ name: "api", destination: "/data", readWrite: true, state: "running" })]);
  });
});

describe("without the license", () => {
  it("answers 402 and keeps nothing of its own", async () => {
    h.entitlements.set([]);
    await expect.poll(async () => (await h.request(`/api/plugins/container-detail/sources/${sid}/containers/api`)).status, { timeout: 15_000 }).toBe(402);
    const res = await h.request(`/api/plugins/container-detail/sources/${sid}/containers/api/env`);
    expect(res.status).toBe(402);
    expect(await res.text()).not.toContain(SECRET);
    h.entitlements.set(["container-detail"]);
    await expect.poll(async () => (await h.request(`/api/plugins/container-detail/sources/${sid}/containers/api`)).status, { timeout: 15_000 }).toBe(200);
  });
});
