/**
 * Docker sources over SSH against real components: a dockerd on a unix socket of its own and two real
 * sshd, one allowing stream-local forwarding and one forbidding it (`AllowStreamLocalForwarding no`), so
 * the engine is reached through the forwarded socket on the first and through `docker system dial-stdio`
 * on the second. Containers are listed and started and stopped through the Docker plugin's API as the page
 * does; failures say why; a host that only its bastion can resolve is reached through Jump Host; and with the license lapsed the sources stay listed and readable while changes
 * answer the module's 402.
 */

import type { ContainerView, SourceView, SshSourcesState } from "@archnest/docker/service";
import { createContainer, importBusyboxImage, startEngine, type TestEngine } from "@archnest/docker/testing";
import { addSshHost, startSshd, type TestSshd, trustHostKey } from "@archnest/host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addSshSource, docker, type PluginHost, startPluginHost } from "./harness.js";

let h: PluginHost;
let engine: TestEngine;
let strict: TestSshd;
let strictHostId: string;

beforeAll(async () => {
  engine = await startEngine();
  await importBusyboxImage(engine);
  // Stops at once on SIGTERM (a shell as PID 1 ignores it unless trapped, and the engine would wait 10 s).
  await createContainer(engine, { name: "web", script: "trap 'exit 0' TERM; while :; do sleep 1; done" });
  await createContainer(engine, { name: "job", script: "true", start: false });
  [h, strict] = await Promise.all([startPluginHost({ licensed: ["docker-over-ssh"] }), startSshd({ extraConfig: ["AllowStreamLocalForwarding no"] })]);
  strictHostId = await addSshHost(h.t, h.admin, strict, "no-forwarding");
}, 240_000);

afterAll(async () => {
  await h?.close();
  await strict?.cleanup();
  await engine?.cleanup();
});

const names = async (sourceId: string) => {
  const res = await docker<{ containers: ContainerView[] }>(h, `/sources/${sourceId}/containers`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.containers.map((c) => `${c.name}:${c.state}`).sort();
};

describe("an SSH source", () => {
  it("offers the install's SSH hosts to the form, and is added, listed and named by host and socket", async () => {
    const { body } = await docker<{ ssh: SshSourcesState }>(h, "/sources");
    expect(body.ssh).toMatchObject({ module: "docker-over-ssh", licensed: true, available: true });
    expect(body.ssh.hosts.map((x) => x.name).sort()).toEqual(["no-forwarding", "test-sshd"]);

    const source = await addSshSource(h, { name: "web-1", hostId: h.hostId, socketPath: engine.socketPath, via: "socket" });
    expect(source).toMatchObject({ kind: "ssh", hostName: "test-sshd", address: `ssh://test-sshd${engine.socketPath}`, locked: false });
    expect(await names(source.id)).toEqual(["job:created", "web:running"]);
  });

  it("starts and stops containers through the forwarded socket", async () => {
    const [source] = (await docker<{ sources: SourceView[] }>(h, "/sources")).body.sources.filter((s) => s.name === "web-1");
    const id = (source as SourceView).id;
    expect((await docker(h, `/sources/${id}/containers/job/start`, { method: "POST" })).status).toBe(200);
    // `true` exits at once: it ran, so the engine has a finish time for it.
    await expect.poll(async () => (await engine.docker.getContainer("job").inspect()).State.FinishedAt).not.toBe("0001-01-01T00:00:00Z");
    expect((await docker(h, `/sources/${id}/containers/web/stop`, { method: "POST" })).status).toBe(200);
    expect((await engine.docker.getContainer("web").inspect()).State.Running).toBe(false);
    expect((await docker(h, `/sources/${id}/containers/web/start`, { method: "POST" })).status).toBe(200);
    expect((await engine.docker.getContainer("web").inspect()).State.Running).toBe(true);
  });

  it("reaches the engine with docker system dial-stdio where the server forbids forwarding, by itself with `auto`", async () => {
    const refused = await docker<{ error: string; cause: { error: string; message: string } }>(h, "/sources", {
      method: "POST",
      json: { kind: "ssh", name: "forced-socket", hostId: strictHostId, socketPath: engine.socketPath, via: "socket" },
    });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({ error: "DOCKER_ERR_SOURCE_TEST_FAILED", cause: { error: "DOCKER_ERR_ENGINE_UNREACHABLE" } });
    expect(refused.body.cause.message).toContain(`could not open unix:${engine.socketPath}`);

    const auto = await addSshSource(h, { name: "strict-auto", hostId: strictHostId, socketPath: engine.socketPath });
    expect(auto.via).toBe("auto");
    expect(await names(auto.id)).toEqual(["job:exited", "web:running"]);
    const cli = await addSshSource(h, { name: "strict-cli", hostId: strictHostId, socketPath: engine.socketPath, via: "cli" });
    expect(cli.address).toBe(`ssh://no-forwarding${engine.socketPath} (docker CLI)`);
    expect(await names(cli.id)).toEqual(["job:exited", "web:running"]);
  });

  it("says why when the engine cannot be reached: the CLI's own words, a host that is not there", async () => {
    const missing = await docker<{ error: string; cause: { message: string } }>(h, "/sources", {
      method: "POST",
      json: { kind: "ssh", name: "wrong-socket", hostId: strictHostId, socketPath: "/run/no-such-engine.sock", via: "cli" },
    });
    expect(missing.status).toBe(422);
    expect(missing.body.cause.message).toMatch(/docker system dial-stdio on no-forwarding exited with \d+: .*no-such-engine\.sock/);
    const nohost = await docker<{ error: string; message: string }>(h, "/sources", {
      method: "POST",
      json: { kind: "ssh", name: "nowhere", hostId: "no-such-host", socketPath: engine.socketPath },
    });
    expect(nohost).toMatchObject({ status: 400, body: { error: "DOCKER_ERR_VALIDATION", message: expect.stringContaining("no-such-host") } });
    const bad = await docker<{ error: string }>(h, "/sources", { method: "POST", json: { kind: "ssh", name: "x", hostId: h.hostId, via: "telepathy" } });
    expect(bad).toMatchObject({ status: 400, body: { error: "DOCKER_ERR_VALIDATION" } });
  });
});

describe("through a jump host", () => {
  it("reaches the engine of a host that only its bastion can resolve, once Jump Host routes it", async () => {
    const [bastion, inner] = await Promise.all([startSshd({ etcHosts: { "inner.test": "127.0.0.1" } }), startSshd()]);
    try {
      // Four SSH hosts: past the free three.
      h.entitlements.set(["docker-over-ssh", "jump-host", "unlimited-hosts"]);
      await h.install(new URL("../../jump-host/", import.meta.url));
      const bastionId = await addSshHost(h.t, h.admin, bastion, "bastion");
      const added = await h.request("/api/hosts", {
        method: "POST",
        json: { name: "inner", address: "inner.test", port: inner.port, user: inner.user, authMethod: "key", privateKey: inner.privateKey },
      });
      expect(added.status).toBe(201);
      const innerId = ((await added.json()) as { id: string }).id;
      const via = await h.request(`/api/plugins/jump-host/hosts/${innerId}/via`, { method: "PUT", json: { via: bastionId } });
      expect(via.status, await via.clone().text()).toBe(200);
      await trustHostKey(h.t, h.admin, innerId, inner.hostKeyFingerprint);

      const source = await addSshSource(h, { name: "inner-engine", hostId: innerId, socketPath: engine.socketPath });
      expect(source.address).toBe(`ssh://inner${engine.socketPath}`);
      expect(await names(source.id)).toEqual(["job:exited", "web:running"]);
      expect((await docker(h, `/sources/${source.id}`, { method: "DELETE" })).status).toBe(200);
    } finally {
      h.entitlements.set(["docker-over-ssh"]);
      await Promise.all([bastion.cleanup(), inner.cleanup()]);
    }
  });
});

describe("when the license lapses", () => {
  it("keeps SSH sources listed and their containers readable, and answers changes with the module's 402", async () => {
    h.entitlements.set([]);
    const sources = async () => (await docker<{ sources: SourceView[]; ssh: SshSourcesState }>(h, "/sources")).body;
    await expect.poll(async () => (await sources()).ssh.licensed, { timeout: 15_000 }).toBe(false);
    const listed = (await sources()).sources.filter((s) => s.kind === "ssh");
    expect(listed.map((s) => s.name).sort()).toEqual(["strict-auto", "strict-cli", "web-1"]);
    for (const s of listed) expect(s).toMatchObject({ locked: true, lockedBy: "module" });
    const web1 = listed.find((s) => s.name === "web-1") as SourceView;
    expect(await names(web1.id)).toEqual(["job:exited", "web:running"]);

    const stop = await docker(h, `/sources/${web1.id}/containers/web/stop`, { method: "POST" });
    expect(stop).toMatchObject({ status: 402, body: { error: "module_required", module: "docker-over-ssh" } });
    expect((await engine.docker.getContainer("web").inspect()).State.Running).toBe(true);
    const edit = await docker(h, `/sources/${web1.id}`, {
      method: "PUT",
      json: { kind: "ssh", name: "renamed", hostId: h.hostId, socketPath: engine.socketPath },
    });
    expect(edit.status).toBe(402);
    const add = await docker(h, "/sources", { method: "POST", json: { kind: "ssh", name: "another", hostId: h.hostId, socketPath: engine.socketPath } });
    expect(add).toMatchObject({ status: 402, body: { module: "docker-over-ssh" } });

    h.entitlements.set(["docker-over-ssh"]);
    await expect.poll(async () => (await sources()).ssh.licensed, { timeout: 15_000 }).toBe(true);
    expect((await docker(h, `/sources/${web1.id}/containers/web/restart`, { method: "POST" })).status).toBe(200);
  });
});
