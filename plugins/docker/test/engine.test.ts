// The Docker plugin against a real Docker engine (dockerd from Debian's docker.io, started by this test
// on its own socket and data root): sources, containers and their actions, followed logs, usage, images,
// volumes and networks, and the plain error an engine that went away leaves behind.
import { type AddressInfo, createServer, type Socket } from "node:net";
import { createTestContext, type TestContext } from "@archnest/sdk/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import plugin from "../src/server.js";
import { createContainer, importBusyboxImage, startEngine, TEST_IMAGE, type TestEngine } from "./dockerd.js";

let engine: TestEngine;
let t: TestContext;
let sourceId: string;

const json = (body: unknown): RequestInit => ({ method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
const get = async <T = Record<string, unknown>>(path: string) => {
  const res = await t.request(path);
  return { status: res.status, body: (await res.json()) as T };
};

interface Container {
  id: string;
  name: string;
  state: string;
  status: string;
  image: string;
}

beforeAll(async () => {
  engine = await startEngine();
  await importBusyboxImage(engine);
  t = await createTestContext(plugin, { id: "docker", permissions: ["docker", "storage", "secrets"], caps: { "docker-sources": 1 } });
}, 180_000);

afterAll(async () => {
  await t?.dispose();
  await engine?.cleanup();
});

/** Reads an NDJSON log stream until `until` returns true for the lines so far, then cancels it. */
async function readLogLines(res: Response, until: (lines: { stream: string; text: string }[]) => boolean): Promise<{ stream: string; text: string }[]> {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffered = "";
  const lines: { stream: string; text: string }[] = [];
  while (!until(lines)) {
    const { value, done } = await reader.read();
    if (done) break;
    buffered += decoder.decode(value, { stream: true });
    const parts = buffered.split("\n");
    buffered = parts.pop() ?? "";
    for (const p of parts) if (p) lines.push(JSON.parse(p) as { stream: string; text: string });
  }
  await reader.cancel();
  return lines;
}

describe("docker plugin against a real engine", () => {
  it("adds the engine's unix socket as a source, refuses a second in the free core, and reports it up with counts", async () => {
    const added = await t.request("/sources", json({ name: "local", kind: "unix", socketPath: engine.socketPath }));
    expect(added.status).toBe(201);
    const source = (await added.json()) as { id: string; address: string; tls: boolean; locked: boolean };
    expect(source).toMatchObject({ address: `unix://${engine.socketPath}`, tls: false, locked: false });
    sourceId = source.id;

    const second = await t.request("/sources", json({ name: "other", kind: "tcp", host: "127.0.0.1", port: 2375 }));
    expect(second.status).toBe(402);

    await createContainer(engine, { name: "web", script: 'trap "exit 0" TERM; while true; do echo tick; sleep 1; done' });
    await createContainer(engine, { name: "idle", script: "exit 0", start: false });
    const { body } = await get<{ sources: { status: string; containers: { running: number; stopped: number }; engine: { version: string } }[] }>("/overview");
    expect(body.sources).toHaveLength(1);
    expect(body.sources[0]).toMatchObject({ status: "ok", containers: { running: 1, stopped: 1 } });
    expect(body.sources[0]?.engine.version).toMatch(/^\d+\./);
  });

  it("lists containers with state, image, status and ports", async () => {
    const { status, body } = await get<{ containers: Container[]; counts: { running: number; total: number } }>(`/sources/${sourceId}/containers`);
    expect(status).toBe(200);
    const web = body.containers.find((c) => c.name === "web");
    expect(web).toMatchObject({ state: "running", image: TEST_IMAGE });
    expect(web?.status).toMatch(/^Up /);
    expect(body.containers.find((c) => c.name === "idle")).toMatchObject({ state: "created" });
    expect(body.counts).toMatchObject({ running: 1, total: 2 });
  });

  it("reads CPU, memory and start time of running containers from the engine's stats", async () => {
    const list = (await get<{ containers: Container[] }>(`/sources/${sourceId}/containers`)).body.containers;
    const web = list.find((c) => c.name === "web") as Container;
    const { status, body } = await get<{ usage: { id: string; cpuPercent: number | null; memoryBytes: number | null; startedAt: number | null }[] }>(
      `/sources/${sourceId}/containers/usage`,
    );
    expect(status).toBe(200);
    const u = body.usage.find((x) => x.id === web.id);
    expect(u?.memoryBytes).toBeGreaterThan(0);
    expect(typeof u?.cpuPercent).toBe("number");
    expect(u?.startedAt).toBeGreaterThan(Date.now() - 10 * 60_000);
    expect(body.usage.every((x) => x.id !== list.find((c) => c.name === "idle")?.id)).toBe(true);
  });

  it("stops, starts, restarts and removes a container; removing a running one without force is a plain conflict", async () => {
    const list = (await get<{ containers: Container[] }>(`/sources/${sourceId}/containers`)).body.containers;
    const idle = list.find((c) => c.name === "idle") as Container;
    const web = list.find((c) => c.name === "web") as Container;

    const started = await t.request(`/sources/${sourceId}/containers/${idle.id}/start`, { method: "POST" });
    expect(await started.json()).toEqual({ ok: true, changed: true });
    const stopped = await t.request(`/sources/${sourceId}/containers/${web.id}/stop`, { method: "POST" });
    expect(stopped.status, await stopped.clone().text()).toBe(200);
    expect((await engine.docker.getContainer(web.id).inspect()).State.Running).toBe(false);
    const again = await t.request(`/sources/${sourceId}/containers/${web.id}/stop`, { method: "POST" });
    expect(await again.json()).toEqual({ ok: true, changed: false });

    await t.request(`/sources/${sourceId}/containers/${web.id}/start`, { method: "POST" });
    const before = (await engine.docker.getContainer(web.id).inspect()).State.StartedAt;
    expect((await t.request(`/sources/${sourceId}/containers/${web.id}/restart`, { method: "POST" })).status).toBe(200);
    const after = await engine.docker.getContainer(web.id).inspect();
    expect(after.State.Running).toBe(true);
    expect(after.State.StartedAt).not.toBe(before);

    const refused = await t.request(`/sources/${sourceId}/containers/${web.id}`, { method: "DELETE" });
    expect(refused.status).toBe(409);
    const err = (await refused.json()) as { error: string; message: string };
    expect(err.error).toBe("DOCKER_ERR_CONFLICT");
    expect(err.message).toMatch(/running/i);

    const removed = await t.request(`/sources/${sourceId}/containers/${idle.id}?force=1`, { method: "DELETE" });
    expect(removed.status).toBe(200);
    await expect(engine.docker.getContainer(idle.id).inspect()).rejects.toMatchObject({ statusCode: 404 });

    const unknown = await t.request(`/sources/${sourceId}/containers/nope/start`, { method: "POST" });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: "DOCKER_ERR_NOT_FOUND" });
  });

  it("streams logs with tail, demultiplexing stdout and stderr, and follows new lines as they come", async () => {
    const c = await createContainer(engine, {
      name: "talker",
      script: 'for i in 1 2 3 4 5; do echo "out $i"; echo "err $i" >&2; done; i=0; while true; i=$((i+1)); do echo "live $i"; sleep 0.2; done',
    });
    await new Promise((r) => setTimeout(r, 500));
    const tail = await t.request(`/sources/${sourceId}/containers/${c.id}/logs?tail=all`);
    expect(tail.headers.get("content-type")).toContain("application/x-ndjson");
    const all = await readLogLines(tail, () => false);
    expect(all.filter((l) => l.stream === "stdout" && l.text.startsWith("out ")).map((l) => l.text)).toEqual(["out 1", "out 2", "out 3", "out 4", "out 5"]);
    expect(all.filter((l) => l.stream === "stderr").map((l) => l.text)).toEqual(["err 1", "err 2", "err 3", "err 4", "err 5"]);

    const last2 = await readLogLines(await t.request(`/sources/${sourceId}/containers/${c.id}/logs?tail=2`), () => false);
    expect(last2).toHaveLength(2);

    const followed = await t.request(`/sources/${sourceId}/containers/${c.id}/logs?tail=0&follow=1`);
    const live = await readLogLines(followed, (lines) => lines.filter((l) => l.text.startsWith("live ")).length >= 3);
    const numbers = live.filter((l) => l.text.startsWith("live ")).map((l) => Number(l.text.slice(5)));
    expect(numbers).toHaveLength(3);
    expect(numbers[1]).toBe((numbers[0] as number) + 1);
    // Only lines written after the request started: the tail was 0.
    expect(numbers[0]).toBeGreaterThan(1);
  });

  it("streams a TTY container's raw output as one stream", async () => {
    const c = await createContainer(engine, { name: "tty", tty: true, script: "echo hello from a tty; sleep 60" });
    await new Promise((r) => setTimeout(r, 400));
    const lines = await readLogLines(await t.request(`/sources/${sourceId}/containers/${c.id}/logs?tail=all`), () => false);
    expect(lines[0]).toEqual({ stream: "tty", text: "hello from a tty" });
  });

  it("refuses bad log options with a coded error", async () => {
    const res = await t.request(`/sources/${sourceId}/containers/x/logs?tail=lots`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "DOCKER_ERR_VALIDATION" });
  });

  it("lists images, volumes and networks", async () => {
    await engine.docker.createVolume({ Name: "archnest-data" });
    const images = (await get<{ images: { tags: string[] }[] }>(`/sources/${sourceId}/images`)).body.images;
    expect(images.some((i) => i.tags.includes(TEST_IMAGE))).toBe(true);
    const volumes = (await get<{ volumes: { name: string; driver: string }[] }>(`/sources/${sourceId}/volumes`)).body.volumes;
    expect(volumes).toContainEqual(expect.objectContaining({ name: "archnest-data", driver: "local" }));
    const networks = (await get<{ networks: { name: string }[] }>(`/sources/${sourceId}/networks`)).body.networks;
    expect(networks.map((n) => n.name)).toEqual(expect.arrayContaining(["none", "host"]));
  });

  it("gives an engine that accepts but never answers its own deadline: marked unreachable, the others still listed", async () => {
    const held = new Set<Socket>();
    let cutOff = 0;
    const silent = createServer((socket) => {
      held.add(socket);
      socket.on("close", () => cutOff++).resume();
    });
    await new Promise<void>((r) => silent.listen(0, "127.0.0.1", () => r()));
    try {
      const two = await createTestContext(plugin, { id: "docker", permissions: ["docker", "storage", "secrets"] });
      const post = (body: unknown, query = "") => two.request(`/sources${query}`, { method: "POST", body: JSON.stringify(body) });
      expect((await post({ name: "real", kind: "unix", socketPath: engine.socketPath })).status).toBe(201);
      const silentSource = { name: "silent", kind: "tcp", host: "127.0.0.1", port: (silent.address() as AddressInfo).port };
      // Tested before it is saved: the engine that never answers is refused at its first call, within the test's deadline.
      const refused = await post(silentSource);
      expect(refused.status).toBe(422);
      expect(await refused.json()).toMatchObject({
        error: "DOCKER_ERR_SOURCE_TEST_FAILED",
        step: "GET /_ping",
        cause: { error: "DOCKER_ERR_ENGINE_TIMEOUT" },
      });
      expect((await post(silentSource, "?untested=1")).status).toBe(201);
      const body = (await (await two.request("/overview")).json()) as { sources: { name: string; status: string; error?: { error: string } }[] };
      expect(body.sources.map((s) => [s.name, s.status, s.error?.error])).toEqual([
        ["real", "ok", undefined],
        ["silent", "unreachable", "DOCKER_ERR_ENGINE_TIMEOUT"],
      ]);
      // The requests the silent engine never answered are cut off by ArchNest, not left open.
      expect(held.size).toBeGreaterThan(0);
      await vi.waitFor(() => expect(cutOff).toBe(held.size), { timeout: 2000 });
      await two.dispose();
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((r) => silent.close(r));
    }
  });

  it("marks a stopped engine unreachable and answers its calls with a plain, coded error", async () => {
    await engine.stop();
    const { body } = await get<{ sources: { status: string; error: { error: string; message: string } }[] }>("/overview");
    expect(body.sources[0]).toMatchObject({ status: "unreachable", error: { error: "DOCKER_ERR_ENGINE_UNREACHABLE" } });
    expect(body.sources[0]?.error.message).toContain(engine.socketPath);

    const res = await t.request(`/sources/${sourceId}/containers`);
    expect(res.status).toBe(502);
    const err = (await res.json()) as { error: string; message: string; source: string };
    expect(err).toMatchObject({ error: "DOCKER_ERR_ENGINE_UNREACHABLE", source: sourceId });
    expect(err.message).toMatch(/Cannot reach the Docker engine "local"/);
  });
});
