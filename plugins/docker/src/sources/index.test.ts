import { createTestContext } from "@archnest/sdk/testing";
import { describe, expect, it } from "vitest";
import plugin from "../server.js";
import { describeSource, parseSourceInput, SourceStore } from "./index.js";
import { countsAgainstCap, moduleOfKind } from "./kinds.js";

const CERT = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----";
const KEY = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----";

describe("parseSourceInput", () => {
  it("accepts unix sockets and TCP addresses with optional TLS material", () => {
    expect(parseSourceInput({ name: " local ", kind: "unix", socketPath: "/var/run/docker.sock" })).toEqual({
      name: "local",
      kind: "unix",
      socketPath: "/var/run/docker.sock",
    });
    expect(parseSourceInput({ name: "nas", kind: "tcp", host: "[fd00::1]", port: "2376", tls: { cert: CERT, key: KEY } })).toEqual({
      name: "nas",
      kind: "tcp",
      host: "fd00::1",
      port: 2376,
      tls: { cert: CERT, key: KEY },
    });
  });

  it.each([
    [{ name: "", kind: "unix", socketPath: "/x" }, /name/],
    [{ name: "a", kind: "unix", socketPath: "relative.sock" }, /socketPath/],
    [{ name: "a", kind: "tcp", host: "bad host!", port: 1 }, /host/],
    [{ name: "a", kind: "tcp", host: "300.1.1.1", port: 1 }, /host/],
    [{ name: "a", kind: "tcp", host: "h", port: 70000 }, /port/],
    [{ name: "a", kind: "tcp", host: "h", port: 1, tls: { cert: "nope", key: KEY } }, /tls.cert/],
    [{ name: "a", kind: "unix", socketPath: "/x", tls: { cert: CERT, key: KEY } }, /TCP sources only/],
    [{ name: "a", kind: "ssh" }, /hostId/],
    [{ name: "a", kind: "ssh", hostId: "h1", via: "carrier-pigeon" }, /via/],
    [{ name: "a", kind: "ssh", hostId: "h1", socketPath: "docker.sock" }, /socketPath/],
    [{ name: "a", kind: "nfs" }, /kind/],
    ["text", /JSON object/],
  ])("refuses %j with a message naming the field", (input, message) => {
    expect(() => parseSourceInput(input)).toThrow(message);
    try {
      parseSourceInput(input);
    } catch (err) {
      expect(err).toMatchObject({ code: "DOCKER_ERR_VALIDATION", status: 400 });
    }
  });

  it("describes where a source points", () => {
    expect(describeSource({ kind: "tcp", host: "fd00::1", port: 2376, tls: true })).toBe("tcp://[fd00::1]:2376 (TLS)");
    expect(describeSource({ kind: "agent", hostId: "a1", hostName: "edge-1", tls: false })).toBe("agent://edge-1");
    // A source saved before its agent's name was known is named by the agent's id.
    expect(describeSource({ kind: "agent", hostId: "a1", tls: false })).toBe("agent://a1");
  });

  it("needs Docker Push Agent for agent sources, which do not count against the free cap", () => {
    expect([moduleOfKind("agent"), moduleOfKind("ssh"), moduleOfKind("unix"), moduleOfKind("tcp")]).toEqual([
      "docker-push-agent",
      "docker-over-ssh",
      undefined,
      undefined,
    ]);
    expect([countsAgainstCap("agent"), countsAgainstCap("ssh"), countsAgainstCap("unix"), countsAgainstCap("tcp")]).toEqual([false, true, true, true]);
  });

  it("takes an agent source as the agent's id alone: no socket, no TLS", () => {
    expect(parseSourceInput({ name: "edge", kind: "agent", hostId: "a1", socketPath: "/ignored" })).toEqual({ name: "edge", kind: "agent", hostId: "a1" });
    for (const bad of [
      { name: "edge", kind: "agent" },
      { name: "edge", kind: "agent", hostId: "" },
      { name: "edge", kind: "agent", hostId: "x".repeat(101) },
      { name: "edge", kind: "agent", hostId: "a1", tls: { cert: "c", key: "k" } },
    ])
      expect(() => parseSourceInput(bad)).toThrow(expect.objectContaining({ code: "DOCKER_ERR_VALIDATION" }));
  });
});

describe("SourceStore", () => {
  it("keeps TLS material in secrets only, and the API never returns it", async () => {
    const t = await createTestContext(plugin, { id: "docker", permissions: ["docker", "storage", "secrets"] });
    // Saved untested: no engine answers here.
    const res = await t.request("/sources?untested=1", {
      method: "POST",
      body: JSON.stringify({ name: "remote", kind: "tcp", host: "10.0.0.5", port: 2376, tls: { cert: CERT, key: KEY, ca: CERT } }),
    });
    expect(res.status).toBe(201);
    const text = await (await t.request("/sources")).text();
    expect(text).not.toContain("PRIVATE KEY");
    expect(text).toContain('"tls":true');
    expect([...t.storage.values()].map((v) => JSON.stringify(v)).join()).not.toContain("PRIVATE KEY");
    const id = (JSON.parse(text) as { sources: { id: string }[] }).sources[0]?.id as string;
    expect(await new SourceStore(t.ctx).tls(id)).toEqual({ cert: CERT, key: KEY, ca: CERT });

    expect((await t.request(`/sources/${id}`, { method: "DELETE" })).status).toBe(200);
    expect(t.secrets.size).toBe(0);
  });

  it("shares one frozen list until a write, then reads a new one", async () => {
    const t = await createTestContext(plugin, { id: "docker", permissions: ["docker", "storage", "secrets"] });
    const store = new SourceStore(t.ctx);
    const created = await store.create({ name: "one", kind: "unix", socketPath: "/run/one.sock" });
    const first = await store.list();
    expect(await store.list()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    expect(Object.isFrozen(first[0])).toBe(true);
    await store.update(created.id, { name: "renamed", kind: "unix", socketPath: "/run/one.sock" });
    const second = await store.list();
    expect(second).not.toBe(first);
    expect(second.map((s) => s.name)).toEqual(["renamed"]);
    expect(first.map((s) => s.name)).toEqual(["one"]);
  });

  it("stores an agent source as the agent's id and name, nothing of a socket", async () => {
    const t = await createTestContext(plugin, { id: "docker", permissions: ["docker", "storage", "secrets"] });
    const store = new SourceStore(t.ctx);
    const created = await store.create({
      ...parseSourceInput({ name: "edge", kind: "agent", hostId: "a1", socketPath: "/x.sock", via: "cli" }),
      hostName: "edge-1",
    });
    expect(t.storage.get(`source:${created.id}`)).toEqual({
      id: created.id,
      name: "edge",
      kind: "agent",
      hostId: "a1",
      hostName: "edge-1",
      tls: false,
      createdAt: created.createdAt,
    });
  });

  it("lets only admins manage sources", async () => {
    const t = await createTestContext(plugin, { id: "docker", permissions: ["docker", "storage", "secrets"] });
    const res = await t.request(
      "/sources",
      { method: "POST", body: JSON.stringify({ name: "x", kind: "unix", socketPath: "/x.sock" }) },
      { id: "u2", username: "bob", role: "member" },
    );
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "DOCKER_ERR_FORBIDDEN" });
  });

  it("answers a source that does not exist with a coded 404", async () => {
    const t = await createTestContext(plugin, { id: "docker", permissions: ["docker", "storage", "secrets"] });
    const res = await t.request("/sources/none/containers");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "DOCKER_ERR_SOURCE_NOT_FOUND" });
  });
});

describe("sources after a license lapse and edits", () => {
  it("keeps a source past the free cap visible but read-only: its container actions answer 402", async () => {
    const caps: Record<string, number> = {};
    const t = await createTestContext(plugin, { id: "docker", permissions: ["docker", "storage", "secrets"], caps });
    const add = (name: string) =>
      t.request("/sources?untested=1", { method: "POST", body: JSON.stringify({ name, kind: "unix", socketPath: `/nonexistent/${name}.sock` }) });
    expect((await add("first")).status).toBe(201);
    expect((await add("second")).status).toBe(201);
    caps["docker-sources"] = 1;
    const { sources } = (await (await t.request("/sources")).json()) as { sources: { id: string; name: string; locked: boolean }[] };
    expect(sources.map((s) => [s.name, s.locked])).toEqual([
      ["first", false],
      ["second", true],
    ]);
    const second = sources[1] as { id: string };
    expect((await t.request(`/sources/${second.id}/containers/abc/stop`, { method: "POST" })).status).toBe(402);
    expect((await t.request(`/sources/${second.id}/containers/abc`, { method: "DELETE" })).status).toBe(402);
    // Reading still goes to the engine (here: a socket that does not exist, answered plainly).
    const read = await t.request(`/sources/${second.id}/containers`);
    expect(read.status).toBe(502);
    expect(await read.json()).toMatchObject({ error: "DOCKER_ERR_ENGINE_UNREACHABLE" });
  });

  it("edits a source: TLS kept when left out, dropped with null", async () => {
    const t = await createTestContext(plugin, { id: "docker", permissions: ["docker", "storage", "secrets"] });
    const created = await t.request("/sources?untested=1", {
      method: "POST",
      body: JSON.stringify({ name: "remote", kind: "tcp", host: "10.0.0.5", port: 2376, tls: { cert: CERT, key: KEY } }),
    });
    const { id } = (await created.json()) as { id: string };
    const renamed = await t.request(`/sources/${id}?untested=1`, {
      method: "PUT",
      body: JSON.stringify({ name: "nas", kind: "tcp", host: "10.0.0.6", port: 2376 }),
    });
    expect(await renamed.json()).toMatchObject({ name: "nas", host: "10.0.0.6", tls: true, address: "tcp://10.0.0.6:2376 (TLS)" });
    expect(t.secrets.size).toBe(2);
    const plain = await t.request(`/sources/${id}?untested=1`, {
      method: "PUT",
      body: JSON.stringify({ name: "nas", kind: "tcp", host: "10.0.0.6", port: 2375, tls: null }),
    });
    expect(await plain.json()).toMatchObject({ tls: false, address: "tcp://10.0.0.6:2375" });
    expect(t.secrets.size).toBe(0);
  });
});
