import { createTestContext } from "@archnest/sdk/testing";
import type Docker from "dockerode";
import { describe, expect, it } from "vitest";
import plugin from "../server.js";
import { SourceStore } from "../sources/index.js";
import { containerView, countContainers, Engines } from "./index.js";

// A /containers/json entry as the Engine API documents it (trimmed to the fields the view reads).
const info = (over: Partial<Docker.ContainerInfo>): Docker.ContainerInfo =>
  ({
    Id: "8dfafdbc3a40f1a9d6a3c4ff2b7c1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
    Names: ["/boring_feynman"],
    Image: "ubuntu:latest",
    State: "running",
    Status: "Up 3 hours",
    Created: 1367854155,
    Ports: [],
    ...over,
  }) as Docker.ContainerInfo;

describe("containerView", () => {
  it("drops the leading slash of the name, keeps the engine's words and turns Created into milliseconds", () => {
    expect(containerView(info({}))).toEqual({
      id: "8dfafdbc3a40f1a9d6a3c4ff2b7c1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d",
      name: "boring_feynman",
      image: "ubuntu:latest",
      state: "running",
      status: "Up 3 hours",
      createdAt: 1367854155000,
      ports: [],
    });
  });

  it("names a container without names by its short id", () => {
    expect(containerView(info({ Names: [] })).name).toBe("8dfafdbc3a40");
  });

  it("lists published and unpublished ports, with the address only when the engine gives one", () => {
    const ports = containerView(
      info({
        Ports: [
          { PrivatePort: 2222, PublicPort: 3333, Type: "tcp", IP: "0.0.0.0" },
          { PrivatePort: 53, Type: "udp", IP: "" },
        ] as Docker.Port[],
      }),
    ).ports;
    expect(ports).toEqual([
      { privatePort: 2222, publicPort: 3333, type: "tcp", ip: "0.0.0.0" },
      { privatePort: 53, type: "udp" },
    ]);
  });

  it("counts by state, with everything neither running nor paused as stopped", () => {
    expect(countContainers([{ state: "running" }, { state: "paused" }, { state: "exited" }, { state: "created" }])).toEqual({
      running: 1,
      paused: 1,
      stopped: 2,
      total: 4,
    });
  });
});

describe("Engines", () => {
  it("keeps a source's clients while the source is unchanged and builds new ones when it changes", async () => {
    const t = await createTestContext(plugin, { id: "docker", permissions: ["docker", "storage", "secrets"] });
    const store = new SourceStore(t.ctx);
    const engines = new Engines(store, t.ctx.docker, () => undefined);
    const source = await store.create({ name: "one", kind: "unix", socketPath: "/run/one.sock" });
    const clients = await engines.clients(source);
    expect(await engines.clients(source)).toBe(clients);
    expect(await engines.clients({ ...source })).toBe(clients);
    const moved = await engines.clients({ ...source, socketPath: "/run/two.sock" });
    expect(moved).not.toBe(clients);
    expect(moved.where).toContain("/run/two.sock");
    expect(await engines.clients(source)).not.toBe(moved);
    await t.dispose();
  });
});
