/**
 * The agent's engine proxy over the protocol's channels, against a real dockerd: an HTTP client on
 * ArchNest's side (dockerode through the SDK's streamAgent, as the Docker plugin connects) talks to the
 * engine through a channel pair and the agent's policy. Reads pass; a hijacked `docker exec` with a
 * terminal carries keystrokes and output both ways once `exec` is allowed, and is refused before.
 */

import { createContainer, importBusyboxImage, startEngine, type TestEngine } from "@archnest/docker/testing";
import { ChannelMux, createEngineProxy } from "@archnest/docker-agent";
import type { AgentAction } from "@archnest/docker-agent/protocol";
import { streamAgent } from "@archnest/sdk/plugin";
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let engine: TestEngine;
let docker: Docker;
const allowed = new Set<AgentAction>();

beforeAll(async () => {
  engine = await startEngine();
  await importBusyboxImage(engine);
  await createContainer(engine, { name: "box", script: "trap 'exit 0' TERM; while :; do sleep 1; done" });
  // ArchNest's mux and the agent's, wired as the WebSocket wires them.
  const proxy = createEngineProxy(
    engine.socketPath,
    () => allowed,
    () => undefined,
  );
  const server: ChannelMux = new ChannelMux({ text: (m) => setImmediate(() => agent.onControl(m)), binary: (f) => setImmediate(() => agent.onBinary(f)) });
  const agent: ChannelMux = new ChannelMux({ text: (m) => setImmediate(() => server.onControl(m)), binary: (f) => setImmediate(() => server.onBinary(f)) });
  let next = 1;
  docker = new Docker({
    protocol: "http",
    host: "docker",
    port: 2375,
    agent: streamAgent(async () => {
      const id = next++;
      proxy.accept(agent.create(id));
      return server.create(id);
    }),
  } as Docker.DockerOptions);
}, 120_000);

afterAll(async () => {
  await engine?.cleanup();
});

describe("the agent's engine proxy", () => {
  it("passes reads through channels", async () => {
    const list = await docker.listContainers({ all: true });
    expect(list.map((c) => c.Names[0])).toEqual(["/box"]);
    expect((await docker.getContainer("box").inspect()).State.Running).toBe(true);
  });

  it("refuses an exec until it is allowed, then carries a terminal both ways", async () => {
    await expect(docker.getContainer("box").exec({ Cmd: ["sh"], AttachStdin: true, AttachStdout: true, Tty: true })).rejects.toMatchObject({
      statusCode: 403,
    });
    allowed.add("exec");
    const exec = await docker.getContainer("box").exec({ Cmd: ["sh"], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: true });
    const stream = (await exec.start({ hijack: true, stdin: true, Tty: true } as Docker.ExecStartOptions)) as unknown as import("node:stream").Duplex;
    let out = "";
    stream.on("data", (d: Buffer) => {
      out += d.toString();
    });
    stream.write("echo agent-$((6*7))\nexit\n");
    await new Promise((r) => stream.once("end", r));
    expect(out).toContain("agent-42");
    expect((await exec.inspect()).ExitCode).toBe(0);
  });
});
