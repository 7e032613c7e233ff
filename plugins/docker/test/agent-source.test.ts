// Agent sources (kind "agent", the Docker Push Agent module's) through the Docker plugin's API, against a
// real Docker engine (dockerd, started by this test on its own socket): a transport of kind "agent" is
// registered on the plugin's docker-transports service as Docker Push Agent registers it, sources are added
// and their containers listed and acted on through it; they do not count against the free cap; without the
// module's license they stay listed and readable while changes answer its 402; without the transport they
// say what is missing.
import { once } from "node:events";
import { connect, type Socket } from "node:net";
import type { DefinedPlugin, Json, LimitDeclaration } from "@archnest/sdk/plugin";
import { createTestContext, type TestContext } from "@archnest/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SourceView, TransportSourcesState } from "../src/api/index.js";
import plugin from "../src/server.js";
import {
  DOCKER_ENGINES_SERVICE,
  DOCKER_TRANSPORTS_SERVICE,
  type DockerAgentTarget,
  type DockerAgentTransport,
  type DockerEngines,
  type DockerTransports,
} from "../src/service/api.js";
import { createContainer, importBusyboxImage, startEngine, type TestEngine } from "./dockerd.js";

/** The Docker plugin in a test context, with the services it provides to other plugins. */
interface DockerUnderTest {
  t: TestContext;
  transports: DockerTransports;
  engines: DockerEngines;
}

/** The manifest's free cap: one source, lifted by Docker over SSH. Read at each call: a test may change it. */
const limits: Record<string, LimitDeclaration> = { "docker-sources": { cap: 1, module: "docker-over-ssh" } };

/**
 * Starts the Docker plugin with `licensed` modules (and the stored sources of `from`, as after a restart).
 * The test context's service registry keeps nothing, so the services the plugin provides are kept here.
 */
async function startDocker(licensed: string[], from?: TestContext): Promise<DockerUnderTest> {
  const provided = new Map<string, unknown>();
  const keepingServices: DefinedPlugin = {
    ...plugin,
    setup: (ctx) =>
      plugin.setup({
        ...ctx,
        services: {
          ...ctx.services,
          provide: (name, impl) => {
            provided.set(name, impl);
            return ctx.services.provide(name, impl);
          },
        },
      }),
  };
  const t = await createTestContext(keepingServices, { id: "docker", permissions: ["docker", "storage", "secrets"], licensed, limits });
  for (const [key, value] of from?.storage ?? new Map<string, Json>()) t.storage.set(key, value);
  return { t, transports: provided.get(DOCKER_TRANSPORTS_SERVICE) as DockerTransports, engines: provided.get(DOCKER_ENGINES_SERVICE) as DockerEngines };
}

const AGENT = { id: "agent-1", name: "edge-1" };

/**
 * The `agent` transport as the Docker Push Agent plugin registers it: one enrolled agent, and `connect`
 * answering a duplex stream that speaks the engine's HTTP/1.1. The tunnel through the agent is stood in
 * for by a direct connection to the engine's unix socket (what the agent itself opens on its host).
 */
function agentTransport(engine: TestEngine) {
  const targets: DockerAgentTarget[] = [];
  const open = new Set<Socket>();
  const transport: DockerAgentTransport = {
    kind: "agent",
    module: "docker-push-agent",
    targets: async () => [{ id: AGENT.id, name: AGENT.name, address: "online", online: true, lastSeen: Date.now() }],
    async connect(target) {
      targets.push(target);
      // Stand-in for the tunnel through the agent: the engine's socket, connected directly.
      const socket = connect(engine.socketPath);
      open.add(socket);
      socket.once("close", () => open.delete(socket));
      await once(socket, "connect");
      return socket;
    },
  };
  return {
    transport,
    /** The targets `connect` was called with, in order. */
    targets,
    /** Ends every open stream, as the agent's plugin does when it stops. */
    closeAll: () => {
      for (const s of open) s.destroy();
    },
  };
}

let engine: TestEngine;
let docker: DockerUnderTest;
let agent: ReturnType<typeof agentTransport>;
let registration: { dispose(): void };
let edgeId: string;

const json = (method: string, body: unknown): RequestInit => ({ method, body: JSON.stringify(body), headers: { "content-type": "application/json" } });
async function call<T = Record<string, unknown>>(t: TestContext, path: string, init?: RequestInit): Promise<{ status: number; body: T }> {
  const res = await t.request(path, init);
  return { status: res.status, body: (await res.json()) as T };
}
const sourcesOf = (t: TestContext) => call<{ sources: SourceView[]; ssh: TransportSourcesState; agent: TransportSourcesState }>(t, "/sources");
const containerNames = async (t: TestContext, sourceId: string) => {
  const res = await call<{ containers: { name: string; state: string }[] }>(t, `/sources/${sourceId}/containers`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.containers.map((c) => `${c.name}:${c.state}`).sort();
};
const running = async (name: string) => (await engine.docker.getContainer(name).inspect()).State.Running;

beforeAll(async () => {
  engine = await startEngine();
  await importBusyboxImage(engine);
  // Stops at once on SIGTERM (a shell as PID 1 ignores it unless trapped, and the engine would wait 10 s).
  await createContainer(engine, { name: "web", script: "trap 'exit 0' TERM; while :; do sleep 1; done" });
  await createContainer(engine, { name: "job", script: "true", start: false });
  docker = await startDocker(["docker-push-agent"]);
  agent = agentTransport(engine);
  registration = docker.transports.register(agent.transport);
}, 180_000);

afterAll(async () => {
  agent?.closeAll();
  await docker?.t.dispose();
  await engine?.cleanup();
});

describe("an agent source", () => {
  it("offers the transport's agents to the form, beside the SSH state", async () => {
    const { body } = await sourcesOf(docker.t);
    expect(body.agent).toEqual({
      module: "docker-push-agent",
      licensed: true,
      available: true,
      hosts: [{ id: AGENT.id, name: AGENT.name, address: "online", online: true, lastSeen: expect.any(Number) }],
    });
    expect(body.ssh).toEqual({ module: "docker-over-ssh", licensed: false, available: false, hosts: [] });
  });

  it("is added beside the free core's unix source without counting against the cap, and reaches its engine through the transport", async () => {
    expect((await call(docker.t, "/sources", json("POST", { name: "local", kind: "unix", socketPath: engine.socketPath }))).status).toBe(201);
    // The free core's one source is taken: another unix or TCP source answers the cap's 402.
    const second = await call(docker.t, "/sources?untested=1", json("POST", { name: "nas", kind: "tcp", host: "127.0.0.1", port: 2375 }));
    expect(second).toMatchObject({ status: 402, body: { error: "module_required", module: "docker-over-ssh" } });

    const added = await call<SourceView>(docker.t, "/sources", json("POST", { name: "edge", kind: "agent", hostId: AGENT.id }));
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(added.body).toMatchObject({
      name: "edge",
      kind: "agent",
      hostId: AGENT.id,
      hostName: AGENT.name,
      address: "agent://edge-1",
      tls: false,
      locked: false,
    });
    expect(added.body).not.toHaveProperty("lockedBy");
    expect(added.body).not.toHaveProperty("socketPath");
    edgeId = added.body.id;
    // Tested before it was saved, through the transport, which was given the agent alone.
    expect(agent.targets.length).toBeGreaterThan(0);
    for (const target of agent.targets) expect(target).toEqual({ hostId: AGENT.id, hostName: AGENT.name });

    const { body } = await sourcesOf(docker.t);
    expect(body.sources.map((s) => [s.name, s.kind, s.locked])).toEqual([
      ["local", "unix", false],
      ["edge", "agent", false],
    ]);
    const before = agent.targets.length;
    expect(await containerNames(docker.t, edgeId)).toEqual(["job:created", "web:running"]);
    expect(agent.targets.length).toBeGreaterThan(before);
  });

  it("is never locked by the cap: with no free source left, the unix source is read-only and the agent source is not", async () => {
    limits["docker-sources"] = { cap: 0, module: "docker-over-ssh" };
    try {
      const { body } = await sourcesOf(docker.t);
      expect(body.sources.map((s) => [s.name, s.locked, s.lockedBy])).toEqual([
        ["local", true, "cap"],
        ["edge", false, undefined],
      ]);
      expect((await call(docker.t, `/sources/${edgeId}/containers/job/start`, { method: "POST" })).status).toBe(200);
    } finally {
      limits["docker-sources"] = { cap: 1, module: "docker-over-ssh" };
    }
  });

  it("starts and stops containers, and serves the docker-engines service, through the transport", async () => {
    expect((await call(docker.t, `/sources/${edgeId}/containers/web/stop`, { method: "POST" })).status).toBe(200);
    expect(await running("web")).toBe(false);
    expect((await call(docker.t, `/sources/${edgeId}/containers/web/start`, { method: "POST" })).status).toBe(200);
    expect(await running("web")).toBe(true);
    const inspect = await docker.engines.get<{ Name: string; State: { Running: boolean } }>(edgeId, "/containers/web/json");
    expect(inspect).toMatchObject({ Name: "/web", State: { Running: true } });
  });

  it("refuses an agent the transport does not list, TLS, and turning into a source the full cap has no room for", async () => {
    const unknown = await call<{ error: string; message: string }>(docker.t, "/sources", json("POST", { name: "far", kind: "agent", hostId: "agent-404" }));
    expect(unknown).toMatchObject({ status: 400, body: { error: "DOCKER_ERR_VALIDATION", message: expect.stringContaining('no agent "agent-404"') } });
    const tls = await call(docker.t, "/sources", json("POST", { name: "far", kind: "agent", hostId: AGENT.id, tls: { cert: "c", key: "k" } }));
    expect(tls).toMatchObject({ status: 400, body: { error: "DOCKER_ERR_VALIDATION", message: "TLS applies to TCP sources only." } });
    const toUnix = await call(docker.t, `/sources/${edgeId}`, json("PUT", { name: "edge", kind: "unix", socketPath: engine.socketPath }));
    expect(toUnix).toMatchObject({ status: 402, body: { module: "docker-over-ssh" } });
    expect((await sourcesOf(docker.t)).body.sources.find((s) => s.id === edgeId)).toMatchObject({ kind: "agent", locked: false });
  });
});

describe("without Docker Push Agent's license", () => {
  it("keeps agent sources listed and readable, and answers changes and actions with the module's 402", async () => {
    // The same stored sources, in a Docker plugin started while docker-push-agent is not licensed.
    const lapsed = await startDocker([], docker.t);
    const stand = agentTransport(engine);
    lapsed.transports.register(stand.transport);
    try {
      const { body } = await sourcesOf(lapsed.t);
      expect(body.agent).toMatchObject({ module: "docker-push-agent", licensed: false, available: true });
      expect(body.sources.map((s) => [s.name, s.locked, s.lockedBy])).toEqual([
        ["local", false, undefined],
        ["edge", true, "module"],
      ]);
      expect(await containerNames(lapsed.t, edgeId)).toEqual(["job:exited", "web:running"]);

      const stop = await call(lapsed.t, `/sources/${edgeId}/containers/web/stop`, { method: "POST" });
      expect(stop).toMatchObject({ status: 402, body: { error: "module_required", module: "docker-push-agent" } });
      expect(await running("web")).toBe(true);
      const remove = await call(lapsed.t, `/sources/${edgeId}/containers/job`, { method: "DELETE" });
      expect(remove).toMatchObject({ status: 402, body: { module: "docker-push-agent" } });
      const edit = await call(lapsed.t, `/sources/${edgeId}`, json("PUT", { name: "renamed", kind: "agent", hostId: AGENT.id }));
      expect(edit).toMatchObject({ status: 402, body: { module: "docker-push-agent" } });
      const add = await call(lapsed.t, "/sources", json("POST", { name: "another", kind: "agent", hostId: AGENT.id }));
      expect(add).toMatchObject({ status: 402, body: { module: "docker-push-agent" } });
      await expect(lapsed.engines.exec(edgeId, "web", { cmd: ["sh"], cols: 80, rows: 24 })).rejects.toMatchObject({
        code: "DOCKER_ERR_LOCKED",
        message: expect.stringContaining("Docker Push Agent is not licensed"),
      });
      expect((await sourcesOf(lapsed.t)).body.sources.map((s) => s.name)).toEqual(["local", "edge"]);
    } finally {
      stand.closeAll();
      await lapsed.t.dispose();
    }
  });
});

describe("without Docker Push Agent's plugin", () => {
  it("keeps agent sources listed and says the transport is missing, naming the plugin", async () => {
    registration.dispose();
    agent.closeAll();
    const { body } = await sourcesOf(docker.t);
    expect(body.agent).toEqual({ module: "docker-push-agent", licensed: true, available: false, hosts: [] });
    expect(body.sources.find((s) => s.id === edgeId)).toMatchObject({ kind: "agent", locked: false });

    const add = await call<{ error: string; message: string }>(docker.t, "/sources", json("POST", { name: "edge-2", kind: "agent", hostId: AGENT.id }));
    expect(add).toMatchObject({ status: 409, body: { error: "DOCKER_ERR_TRANSPORT_UNAVAILABLE", message: expect.stringContaining("Docker Push Agent") } });
    const list = await call<{ error: string; message: string }>(docker.t, `/sources/${edgeId}/containers`);
    expect(list).toMatchObject({ status: 409, body: { error: "DOCKER_ERR_TRANSPORT_UNAVAILABLE", message: expect.stringContaining("Docker Push Agent") } });
    expect(list.body.message).toContain('"edge"');
  });
});
