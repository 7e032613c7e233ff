/**
 * The Docker push agent end to end, against real components: a real dockerd, the real host with the
 * Docker and Docker Push Agent plugins installed, and the agent run as its own process with the
 * package's command. The agent enrolls with a one-time token, pushes its engine's state and events, and
 * its host becomes a Docker source whose containers are listed, followed and acted on through it, within
 * the actions the admin allows. Either side is then killed in the middle of a log stream: the agent
 * process (SIGKILL), and ArchNest's side of the connection (the relay it goes through is cut), and it
 * comes back by itself. Removing the agent stops it for good; a lapsed license keeps everything and
 * refuses the agent until it is bought again.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ContainerView, SourceView } from "@archnest/docker/service";
import { createContainer, importBusyboxImage, startEngine, type TestEngine } from "@archnest/docker/testing";
import { addMember } from "@archnest/host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AgentsBody, AgentView, TokenBody } from "../src/server.js";
import { type AgentProcess, call, type PluginHost, type Relay, runAgentCli, startPluginHost, startRelay } from "./harness.js";

let h: PluginHost;
let engine: TestEngine;
let relay: Relay;
let dir: string;
let config: string;
let agent: AgentProcess | undefined;
let agentId: string;
let sourceId: string;

beforeAll(async () => {
  engine = await startEngine();
  await importBusyboxImage(engine);
  await createContainer(engine, { name: "web", script: "trap 'exit 0' TERM; while :; do echo tick; sleep 0.2; done" });
  await createContainer(engine, { name: "job", script: "true", start: false });
  h = await startPluginHost({ licensed: ["docker-push-agent"] });
  relay = await startRelay(h.url);
  dir = mkdtempSync(join(tmpdir(), "an-agent-"));
  config = join(dir, "agent.json");
}, 240_000);

afterAll(async () => {
  await agent?.kill();
  await relay?.close();
  await h?.close();
  await engine?.cleanup();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const agents = async () => (await call<AgentsBody>(h, "/api/plugins/docker-push-agent/agents")).body.agents;
const agentView = async () => (await agents()).find((a) => a.id === agentId) as AgentView;
const run = () => runAgentCli(["run", "--config", config, "--socket", engine.socketPath, "--retry-max", "2"]);
const containers = () => call<{ containers: ContainerView[]; error?: string; message?: string }>(h, `/api/plugins/docker/sources/${sourceId}/containers`);
const stateOf = async (name: string) => (await engine.docker.getContainer(name).inspect()).State.Status;

/** Opens a followed log stream of "web" through the agent and resolves once its first line came. */
async function followLogs(): Promise<{ ended: Promise<string> }> {
  const res = await h.request(`/api/plugins/docker/sources/${sourceId}/containers/web/logs?follow=1&tail=1`);
  expect(res.status).toBe(200);
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const first = await reader.read();
  expect(new TextDecoder().decode(first.value)).toContain("tick");
  const ended = (async () => {
    try {
      for (;;) if ((await reader.read()).done) return "ended";
    } catch {
      return "failed";
    }
  })();
  return { ended };
}

describe("enrollment", () => {
  it("enrolls with a one-time token, saves the key readable by its user alone, and refuses the token a second time", async () => {
    const made = await call<TokenBody>(h, "/api/plugins/docker-push-agent/tokens", { method: "POST", json: { name: "edge-1" } });
    expect(made.status).toBe(201);
    expect(made.body.token).toMatch(/^anagent_/);
    // Only a hash is kept: the listing never shows the token.
    const listed = await call<AgentsBody>(h, "/api/plugins/docker-push-agent/agents");
    expect(listed.body.pendingTokens).toEqual([expect.objectContaining({ name: "edge-1" })]);
    expect(JSON.stringify(listed.body)).not.toContain(made.body.token);

    const enroll = runAgentCli(["enroll", "--url", relay.url, "--token", made.body.token, "--config", config]);
    expect(await enroll.exited, enroll.output()).toBe(0);
    expect(enroll.output()).toContain('Enrolled as "edge-1"');
    expect(statSync(config).mode & 0o777).toBe(0o600);
    const saved = JSON.parse(readFileSync(config, "utf8")) as { agentId: string; privateKeyPem: string };
    expect(saved.privateKeyPem).toContain("PRIVATE KEY");
    agentId = saved.agentId;
    const view = await agentView();
    expect(view).toMatchObject({ name: "edge-1", online: false, actions: [] });
    expect(JSON.stringify(view)).not.toContain("PRIVATE");

    const again = runAgentCli(["enroll", "--url", relay.url, "--token", made.body.token, "--config", join(dir, "other.json")]);
    expect(await again.exited).toBe(1);
    expect(again.output()).toContain("token is not valid");
    expect(await agents()).toHaveLength(1);
  });
});

describe("who may do what", () => {
  it("lets a member see the agents but not enroll, change or remove them; logs carry no token or key", async () => {
    const member = await addMember(h.t.host, "agent-member", "member-password-1");
    const as = (path: string, method = "GET", json?: unknown) =>
      h.t.host.app.request(`/api/plugins/docker-push-agent${path}`, {
        method,
        headers: { ...member.headers, "content-type": "application/json" },
        ...(json !== undefined && { body: JSON.stringify(json) }),
      });
    const seen = (await (await as("/agents")).json()) as AgentsBody;
    expect(seen.agents.map((a) => a.name)).toEqual(["edge-1"]);
    expect(seen.pendingTokens).toEqual([]);
    for (const [path, method, json] of [
      ["/tokens", "POST", {}],
      [`/agents/${agentId}`, "PUT", { actions: ["stop"] }],
      [`/agents/${agentId}`, "DELETE", undefined],
    ] as const) {
      const res = await as(path, method, json);
      expect([path, method, res.status]).toEqual([path, method, 403]);
      expect(((await res.json()) as { error: string }).error).toBe("DOCKER_AGENT_ERR_FORBIDDEN");
    }
    const key = (JSON.parse(readFileSync(config, "utf8")) as { privateKeyPem: string }).privateKeyPem;
    const logs = h.t.lines.map((l) => JSON.stringify(l)).join("\n");
    expect(logs).toContain("docker agent enrolled");
    expect(logs).not.toContain("anagent_");
    expect(logs).not.toContain(key.split("\n")[1]);
  });

  it("answers bad input with a coded 400, and an unknown agent with a 404", async () => {
    const bad = await call<{ error: string }>(h, `/api/plugins/docker-push-agent/agents/${agentId}`, { method: "PUT", json: { actions: ["rm"] } });
    expect(bad).toMatchObject({ status: 400, body: { error: "DOCKER_AGENT_ERR_VALIDATION" } });
    const badName = await call<{ error: string }>(h, "/api/plugins/docker-push-agent/tokens", { method: "POST", json: { name: "<script>" } });
    expect(badName).toMatchObject({ status: 400, body: { error: "DOCKER_AGENT_ERR_VALIDATION" } });
    const missing = await call<{ error: string }>(h, "/api/plugins/docker-push-agent/agents/nope", { method: "PUT", json: { name: "x" } });
    expect(missing).toMatchObject({ status: 404, body: { error: "DOCKER_AGENT_ERR_NOT_FOUND" } });
  });
});

describe("a running agent", () => {
  it("pushes its engine's state, and its host becomes a Docker source listing the engine's containers", async () => {
    agent = run();
    await expect.poll(async () => (await agentView()).online, { timeout: 20_000 }).toBe(true);
    await expect
      .poll(async () => (await agentView()).state?.containers.map((c) => `${c.name}:${c.state}`).sort(), { timeout: 10_000 })
      .toEqual(["job:created", "web:running"]);
    expect((await agentView()).state?.engine?.version).toBe((await engine.docker.version()).Version);

    const targets = (
      await call<{ agent: { licensed: boolean; available: boolean; hosts: { id: string; address: string; online?: boolean }[] } }>(
        h,
        "/api/plugins/docker/sources",
      )
    ).body.agent;
    expect(targets).toMatchObject({ licensed: true, available: true });
    expect(targets.hosts).toEqual([expect.objectContaining({ id: agentId, online: true })]);

    const added = await call<SourceView>(h, "/api/plugins/docker/sources", { method: "POST", json: { name: "edge", kind: "agent", hostId: agentId } });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({ kind: "agent", hostName: "edge-1", address: "agent://edge-1", locked: false });
    sourceId = added.body.id;
    const listed = await containers();
    expect(listed.status).toBe(200);
    expect(listed.body.containers.map((c) => `${c.name}:${c.state}`).sort()).toEqual(["job:created", "web:running"]);
  });

  it("carries only the actions the admin allows: none at first, then those switched on, at once", async () => {
    const refused = await call<{ error: string; message: string }>(h, `/api/plugins/docker/sources/${sourceId}/containers/web/stop`, { method: "POST" });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(refused.body.message).toContain('does not allow "stop"');
    expect(await stateOf("web")).toBe("running");

    const allowed = await call<AgentView>(h, `/api/plugins/docker-push-agent/agents/${agentId}`, { method: "PUT", json: { actions: ["stop", "start"] } });
    expect(allowed.status).toBe(200);
    expect(allowed.body.actions).toEqual(["start", "stop"]);
    await expect.poll(() => agent?.output(), { timeout: 5000 }).toContain("actions allowed now: start, stop");
    expect((await call(h, `/api/plugins/docker/sources/${sourceId}/containers/web/stop`, { method: "POST" })).status).toBe(200);
    expect(await stateOf("web")).toBe("exited");
    // The engine's events come back pushed: the stop is in the agent's recent events and its state.
    await expect.poll(async () => (await agentView()).events.map((e) => `${e.name}:${e.action}`), { timeout: 10_000 }).toContain("web:die");
    await expect.poll(async () => (await agentView()).state?.containers.find((c) => c.name === "web")?.state, { timeout: 10_000 }).toBe("exited");
    // Restart is still not allowed; start is.
    expect((await call(h, `/api/plugins/docker/sources/${sourceId}/containers/web/restart`, { method: "POST" })).status).toBeGreaterThanOrEqual(400);
    expect((await call(h, `/api/plugins/docker/sources/${sourceId}/containers/web/start`, { method: "POST" })).status).toBe(200);
    expect(await stateOf("web")).toBe("running");
  });

  it("refuses Engine API calls no action covers, whatever ArchNest asks (the agent's own policy)", async () => {
    // The Docker plugin never removes through an agent: the agent refuses the call itself.
    const removed = await call<{ message: string }>(h, `/api/plugins/docker/sources/${sourceId}/containers/job?force=1`, { method: "DELETE" });
    expect(removed.status).toBeGreaterThanOrEqual(400);
    expect(removed.body.message).toContain("does not pass DELETE");
    expect(await stateOf("job")).toBe("created");
  });
});

describe("either side killed mid-stream", () => {
  it("the agent killed: the log stream ends, the host shows offline with its last-seen time, and a restarted agent is back", async () => {
    const stream = await followLogs();
    const before = Date.now();
    await agent?.kill("SIGKILL");
    expect(await stream.ended).toMatch(/ended|failed/);
    await expect.poll(async () => (await agentView()).online, { timeout: 20_000 }).toBe(false);
    const seen = (await agentView()).lastSeen as number;
    expect(seen).toBeGreaterThan(before - 60_000);
    const offline = await containers();
    expect(offline.status).toBeGreaterThanOrEqual(500);
    expect(offline.body.message).toContain("not connected");
    const target = (await call<{ agent: { hosts: { id: string; address: string }[] } }>(h, "/api/plugins/docker/sources")).body.agent.hosts[0];
    expect(target?.address).toContain("last seen");

    agent = run();
    await expect.poll(async () => (await containers()).status, { timeout: 20_000 }).toBe(200);
    expect((await agentView()).online).toBe(true);
  });

  it("ArchNest's side gone: the stream ends, the agent retries with backoff and reconnects by itself when it is back", async () => {
    const stream = await followLogs();
    await relay.cut();
    expect(await stream.ended).toMatch(/ended|failed/);
    await expect.poll(async () => (await agentView()).online, { timeout: 20_000 }).toBe(false);
    await expect.poll(() => agent?.output(), { timeout: 10_000 }).toMatch(/retrying in \d/);
    await new Promise((r) => setTimeout(r, 1500));
    await relay.restore();
    await expect.poll(async () => (await agentView()).online, { timeout: 20_000 }).toBe(true);
    expect((await containers()).status).toBe(200);
    expect(agent?.proc.exitCode).toBeNull();
  });
});

describe("when the license lapses", () => {
  it("keeps the agent, its state and its source, refuses it until the module is bought again, and then it is back by itself", async () => {
    h.entitlements.set([]);
    await expect.poll(async () => (await agentView()).online, { timeout: 20_000 }).toBe(false);
    const view = await agentView();
    expect(view).toMatchObject({ name: "edge-1", actions: ["start", "stop"] });
    expect(view.state?.containers.length).toBe(2);
    expect((await call(h, "/api/plugins/docker-push-agent/tokens", { method: "POST", json: {} })).status).toBe(402);
    const source = (await call<{ sources: SourceView[] }>(h, "/api/plugins/docker/sources")).body.sources.find((s) => s.id === sourceId);
    expect(source).toMatchObject({ locked: true, lockedBy: "module" });
    expect((await call(h, `/api/plugins/docker/sources/${sourceId}/containers/web/stop`, { method: "POST" })).status).toBe(402);
    await expect.poll(() => agent?.output(), { timeout: 10_000 }).toContain("not licensed");

    h.entitlements.set(["docker-push-agent"]);
    await expect.poll(async () => (await agentView()).online, { timeout: 20_000 }).toBe(true);
    expect((await containers()).status).toBe(200);
  });
});

describe("removing an agent", () => {
  it("stops it for good: its key no longer works and the process exits saying why", async () => {
    expect((await call(h, `/api/plugins/docker-push-agent/agents/${agentId}`, { method: "DELETE" })).status).toBe(200);
    expect(await agent?.exited).toBe(2);
    expect(agent?.output()).toContain("removed");
    expect(await agents()).toEqual([]);
    const again = run();
    expect(await again.exited).toBe(2);
    expect(again.output()).toContain("not enrolled here");
  });
});
