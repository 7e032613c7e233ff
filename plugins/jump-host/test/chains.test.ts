/**
 * Jump host chains against three real OpenSSH sshd on loopback, where each is reachable only through the
 * one before it: `bastion` resolves `middle.test` and `middle` resolves `inner.test` (each sshd in its own
 * mount namespace with a private /etc/hosts), names this machine cannot resolve. A direct connection to
 * the target fails; through a chain of two and of three, the terminal (shell), files (SFTP), tunnels (a
 * local forward) and metrics (exec) all work, the target's and a hop's host keys are trusted on first use
 * over the chain, a hop refusing its credentials, presenting an untrusted or changed key or unable to
 * reach the next address is named in the error, loops are refused, ProxyJump
 * import sets chains, and after a license lapse chains are kept and keep routing while edits answer 402.
 */
import { connect } from "node:net";
import { addMember, startSshd, type TestSshd } from "@archnest/host/testing";
import { openSession } from "@archnest/terminal/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChainCheck, ChainRow, ChainsBody, ImportBody } from "../src/server.js";
import { addHostAt, addSshHost, type PluginHost, sibling, startJumpHost, trustHostKey } from "./harness.js";

let h: PluginHost;
let bastionSshd: TestSshd;
let middleSshd: TestSshd;
let innerSshd: TestSshd;
const ids = { bastion: "", middle: "", inner: "" };

beforeAll(async () => {
  [bastionSshd, middleSshd, innerSshd] = await Promise.all([
    startSshd({ etcHosts: { "middle.test": "127.0.0.1" } }),
    startSshd({ etcHosts: { "inner.test": "127.0.0.1" } }),
    startSshd(),
  ]);
  h = await startJumpHost({
    licensed: ["jump-host"],
    others: [
      sibling("terminal", ["hosts:read", "ssh:shell"]),
      sibling("files", ["hosts:read", "ssh:sftp"]),
      sibling("tunnels", ["hosts:read", "ssh:forward", "storage"]),
      sibling("metrics", ["hosts:read", "ssh:exec", "storage"]),
    ],
  });
  ids.bastion = await addSshHost(h.t, h.admin, bastionSshd, "bastion");
  ids.middle = await addSshHost(h.t, h.admin, middleSshd, "middle");
  ids.inner = await addHostAt(h, "inner", innerSshd, "inner.test");
}, 240_000);

afterAll(async () => {
  await h?.close();
  await Promise.all([bastionSshd, middleSshd, innerSshd].map((s) => s?.cleanup()));
});

const json = async <T>(res: Response, status = 200): Promise<T> => {
  const body = (await res.json()) as T;
  expect(res.status, JSON.stringify(body)).toBe(status);
  return body;
};
const setVia = (hostId: string, via: string | null) =>
  h.api("jump-host", `/hosts/${hostId}/via`, { method: "PUT", body: JSON.stringify({ via }), headers: { "content-type": "application/json" } });
const row = async (hostId: string) => (await json<ChainsBody>(await h.api("jump-host", "/chains"))).hosts.find((r) => r.id === hostId) as ChainRow;
const connected = async (hostId: string) =>
  ((await json<{ hosts: { id: string; connection: unknown }[] }>(await h.request("/api/hosts"))).hosts.find((x) => x.id === hostId)?.connection ?? null) !==
  null;
const editHost = (hostId: string, patch: Record<string, unknown>) => h.request(`/api/hosts/${hostId}`, { method: "PUT", json: patch });

/** Exec, as the metrics plugin samples a host. */
async function sample(hostId: string): Promise<void> {
  const body = await json<{ up: boolean; state: string; latest: { memTotal: number } | null }>(
    await h.api("metrics", `/sample?host=${hostId}&wait=30`, { method: "POST" }),
  );
  expect(body).toMatchObject({ up: true, state: "ok" });
  expect(body.latest?.memTotal).toBeGreaterThan(0);
}

/**
 * SFTP, as the files plugin lists a folder. The files plugin keeps one SFTP session per host; after the
 * host's connection dropped (a host edited) it opens a new one by itself, so one request is enough.
 */
async function list(hostId: string): Promise<string[]> {
  const res = await h.api("files", `/list?host=${hostId}&path=${encodeURIComponent(innerSshd.dir)}`);
  return ((await json<{ entries: { name: string }[] }>(res)).entries ?? []).map((e) => e.name);
}

/** A shell on a pseudo-terminal, as the terminal plugin opens one. */
async function shell(hostId: string, marker: string): Promise<void> {
  const c = await openSession(h.url, h.admin.cookie, { hostId });
  try {
    await c.waitForStatus((s) => s.state === "session", 30_000);
    c.input(`echo ${marker}_$((6*7))\r`);
    await c.waitForText(`${marker}_42`, 15_000);
  } finally {
    c.close();
    await c.closed;
  }
}

/** A local forward, as the tunnels plugin runs one: the target's own sshd answers through it. */
async function forward(hostId: string, name: string): Promise<void> {
  const created = await json<{ id: string }>(
    await h.api("tunnels", "/tunnels", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, hostId, kind: "local", bindPort: 0, targetHost: "127.0.0.1", targetPort: innerSshd.port }),
    }),
    201,
  );
  const started = await json<{ state: string; port: number }>(await h.api("tunnels", `/tunnels/${created.id}/start`, { method: "POST" }));
  expect(started.state).toBe("running");
  const banner = await new Promise<string>((resolve, reject) => {
    const sock = connect({ host: "127.0.0.1", port: started.port });
    sock.once("data", (d) => {
      resolve(d.toString("latin1"));
      sock.destroy();
    });
    sock.once("error", reject);
  });
  expect(banner).toMatch(/^SSH-2\.0-OpenSSH/);
  await json(await h.api("tunnels", `/tunnels/${created.id}`, { method: "DELETE" }));
}

describe("a host reachable only through jump hosts", () => {
  it("cannot be reached directly: its address does not resolve on this machine", async () => {
    const res = await h.request(`/api/hosts/${ids.inner}/test`, { method: "POST" });
    const body = await json<{ error: string; message: string }>(res, 502);
    expect(body.error).toBe("HOST_ERR_SSH_UNREACHABLE");
    expect(body.message).toContain("does not resolve");
  });

  it("works through a chain of two for exec, shell, SFTP and a local forward, its host key trusted on first use over the chain", async () => {
    const set = await json<ChainRow>(await setVia(ids.inner, ids.middle));
    expect(set.hops.map((x) => x.name)).toEqual(["middle"]);
    // First contact over the chain stops at the key exchange with the target's own key presented.
    await trustHostKey(h.t, h.admin, ids.inner, innerSshd.hostKeyFingerprint);

    await sample(ids.inner);
    expect(await list(ids.inner)).toContain("sshd_config");
    await shell(ids.inner, "TWO_HOPS");
    await forward(ids.inner, "two-hops");
  });

  it("lets only an admin change a chain", async () => {
    const member = await addMember(h.t.host, "jump-member", "member-password-1");
    const res = await fetch(`${h.url}/api/plugins/jump-host/hosts/${ids.inner}/via`, {
      method: "PUT",
      headers: { ...member.headers, "content-type": "application/json" },
      body: JSON.stringify({ via: null }),
    });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "JUMP_HOST_ERR_FORBIDDEN" });
    const seen = await fetch(`${h.url}/api/plugins/jump-host/chains`, { headers: member.headers });
    expect(((await seen.json()) as ChainsBody).hosts.find((r) => r.id === ids.inner)?.via).toBe(ids.middle);
  });

  it("refuses a host jumping through itself or through a host that jumps through it", async () => {
    const self = await json<{ error: string }>(await setVia(ids.inner, ids.inner), 409);
    expect(self.error).toBe("JUMP_HOST_ERR_CYCLE");
    const loop = await json<{ error: string; message: string }>(await setVia(ids.middle, ids.inner), 409);
    expect(loop.error).toBe("JUMP_HOST_ERR_CYCLE");
    expect(loop.message).toBe("inner already jumps through middle: middle → inner → middle would loop.");
    expect((await row(ids.middle)).via).toBeNull();
  });

  it("works through a chain of three once the middle hop is reachable only through the bastion, with the middle's key trusted over the chain", async () => {
    expect(await connected(ids.inner)).toBe(true);
    await json(await editHost(ids.middle, { address: "middle.test" }));
    // The target's connection ran inside the middle's: it ends with it.
    await expect.poll(() => connected(ids.inner), { timeout: 10_000 }).toBe(false);
    const direct = await json<{ error: string }>(await h.request(`/api/hosts/${ids.middle}/test`, { method: "POST" }), 502);
    expect(direct.error).toBe("HOST_ERR_SSH_UNREACHABLE");
    await json(await setVia(ids.middle, ids.bastion));
    // Changing the address forgot the middle's key: reaching the target names that hop and its presented key.
    const untrusted = await json<{ error: string; message: string; details: string[] }>(
      await h.request(`/api/hosts/${ids.inner}/test`, { method: "POST" }),
      409,
    );
    expect(untrusted.error).toBe("JUMP_HOST_ERR_HOP_FAILED");
    expect(untrusted.message).toMatch(/^through middle \(middle\.test:\d+\): the host key of middle is not trusted yet/);
    expect(untrusted.details).toEqual(
      expect.arrayContaining(["hop: middle", "code: HOST_ERR_HOST_KEY_UNTRUSTED", `presented: ${middleSshd.hostKeyFingerprint}`]),
    );
    // It is trusted again as any host is, its first contact now over the bastion.
    await trustHostKey(h.t, h.admin, ids.middle, middleSshd.hostKeyFingerprint);
    expect((await row(ids.inner)).hops.map((x) => x.name)).toEqual(["bastion", "middle"]);

    await sample(ids.inner);
    expect(await list(ids.inner)).toContain("sshd_config");
    await shell(ids.inner, "THREE_HOPS");
    await forward(ids.inner, "three-hops");

    const check = await json<ChainCheck>(await h.api("jump-host", `/hosts/${ids.inner}/check`));
    expect(check.ok).toBe(true);
    expect(check.hops.map((x) => [x.name, x.state])).toEqual([
      ["bastion", "ok"],
      ["middle", "ok"],
      ["inner", "ok"],
    ]);
    for (const hop of check.hops) expect(hop.latencyMs).toBeGreaterThan(0);
  });

  it("names the hop that refused its credentials, and the chain test stops there", async () => {
    // The bastion now signs in with a key its sshd does not list.
    await json(await editHost(ids.bastion, { privateKey: innerSshd.privateKey }));
    try {
      const failed = await json<{ error: string; message: string; details: string[] }>(
        await h.request(`/api/hosts/${ids.inner}/test`, { method: "POST" }),
        502,
      );
      expect(failed.error).toBe("JUMP_HOST_ERR_HOP_FAILED");
      expect(failed.message).toBe(`through bastion (127.0.0.1:${bastionSshd.port}): the server refused the credentials`);
      expect(failed.details).toEqual(expect.arrayContaining(["hop: bastion", "code: HOST_ERR_SSH_AUTH_FAILED"]));

      const check = await json<ChainCheck>(await h.api("jump-host", `/hosts/${ids.inner}/check`));
      expect(check.ok).toBe(false);
      expect(check.hops.map((x) => [x.name, x.state, x.code])).toEqual([
        ["bastion", "failed", "HOST_ERR_SSH_AUTH_FAILED"],
        ["middle", "not-tried", undefined],
        ["inner", "not-tried", undefined],
      ]);
    } finally {
      await json(await editHost(ids.bastion, { privateKey: bastionSshd.privateKey }));
    }
    expect(await list(ids.inner)).toContain("sshd_config");
  });

  it("names the hop whose host key changed, until an admin accepts the new one", async () => {
    const rotated = await bastionSshd.rotateHostKey();
    await expect.poll(() => connected(ids.bastion), { timeout: 10_000 }).toBe(false);
    const changed = await json<{ error: string; message: string; details: string[] }>(await h.request(`/api/hosts/${ids.inner}/test`, { method: "POST" }), 409);
    expect(changed.error).toBe("JUMP_HOST_ERR_HOP_FAILED");
    expect(changed.message).toContain(`through bastion (127.0.0.1:${bastionSshd.port}): the host key of bastion changed`);
    expect(changed.details).toEqual(expect.arrayContaining(["hop: bastion", "code: HOST_ERR_HOST_KEY_CHANGED", `presented: ${rotated}`]));
    await json(await h.request(`/api/hosts/${ids.bastion}/accept-host-key`, { method: "POST", json: { fingerprint: rotated } }));
    expect(await list(ids.inner)).toContain("sshd_config");
  });

  it("names the hop that cannot reach the next address", async () => {
    // The bastion resolves middle.test, but nothing listens on this port there.
    await json(await editHost(ids.middle, { port: 1 }));
    try {
      const res = await h.request(`/api/hosts/${ids.middle}/test`, { method: "POST" });
      const failed = await json<{ error: string; message: string; details: string[] }>(res, 502);
      expect(failed.error).toBe("JUMP_HOST_ERR_HOP_FAILED");
      expect(failed.message).toMatch(new RegExp(`^through bastion \\(127\\.0\\.0\\.1:${bastionSshd.port}\\): the SSH host could not open middle\\.test:1`));
      expect(failed.details).toContain("code: HOST_ERR_SSH_CHANNEL_FAILED");
    } finally {
      await json(await editHost(ids.middle, { port: middleSshd.port }));
      await trustHostKey(h.t, h.admin, ids.middle, middleSshd.hostKeyFingerprint);
    }
  });

  it("imports ProxyJump from an OpenSSH config, listing what it skipped and why", async () => {
    await json(await setVia(ids.inner, null));
    await json(await setVia(ids.middle, null));
    const config = [
      "Host inner",
      "  HostName inner.test",
      "  ProxyJump bastion,middle",
      "Host stray",
      "  ProxyJump bastion",
      "Host bastion",
      `  ProxyJump inner,${middleSshd.user}@middle.test:${middleSshd.port}`,
    ].join("\n");
    const body = await json<ImportBody>(
      await h.api("jump-host", "/import", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ config }) }),
    );
    expect(body.applied).toEqual([{ host: "inner", chain: ["bastion", "middle", "inner"] }]);
    expect(body.skipped).toEqual([
      { entry: "stray", reason: expect.stringContaining("no SSH host is named stray") },
      { entry: "bastion", reason: "middle already jumps through bastion, not inner: change it on the Jump hosts page first" },
    ]);
    expect((await row(ids.inner)).hops.map((x) => x.name)).toEqual(["bastion", "middle"]);
    await shell(ids.inner, "IMPORTED");
  });

  it("keeps chains and routes through them after the license lapses, while edits answer 402", async () => {
    h.entitlements.set([]);
    await expect.poll(async () => (await json<ChainsBody>(await h.api("jump-host", "/chains"))).licensed).toBe(false);
    expect((await row(ids.inner)).hops.map((x) => x.name)).toEqual(["bastion", "middle"]);
    // A new connection after the lapse still goes through the chain: giving the host its key again drops
    // its connection, as any credential edit does.
    expect(await connected(ids.inner)).toBe(true);
    await json(await editHost(ids.inner, { privateKey: innerSshd.privateKey }));
    await expect.poll(() => connected(ids.inner), { timeout: 10_000 }).toBe(false);
    expect(await list(ids.inner)).toContain("sshd_config");
    expect(await connected(ids.inner)).toBe(true);
    expect((await json<ChainCheck>(await h.api("jump-host", `/hosts/${ids.inner}/check`))).ok).toBe(true);

    const refused = await json<{ error: string; module: string }>(await setVia(ids.inner, null), 402);
    expect(refused).toMatchObject({ error: "module_required", module: "jump-host" });
    const importRefused = await h.api("jump-host", "/import", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ config: "" }),
    });
    expect(importRefused.status).toBe(402);
    expect((await row(ids.inner)).via).toBe(ids.middle);
    h.entitlements.set(["jump-host"]);
  });

  it("shows a host whose jump host was removed as broken and refuses it rather than connecting directly", async () => {
    await expect.poll(async () => (await json<ChainsBody>(await h.api("jump-host", "/chains"))).licensed).toBe(true);
    expect((await h.request(`/api/hosts/${ids.middle}`, { method: "DELETE" })).status).toBe(204);
    const broken = await row(ids.inner);
    expect(broken).toMatchObject({ via: ids.middle, broken: "jumps through a host that was removed" });
    const refused = await json<{ error: string }>(await h.request(`/api/hosts/${ids.inner}/test`, { method: "POST" }), 409);
    expect(refused.error).toBe("JUMP_HOST_ERR_HOP_MISSING");
    // The removed host's own chain (through the bastion) is forgotten with it, so the chain starts at the gap.
    const hops = async () => (await json<ChainCheck>(await h.api("jump-host", `/hosts/${ids.inner}/check`))).hops.map((x) => [x.name, x.state]);
    await expect.poll(hops).toEqual([
      ["(removed host)", "failed"],
      ["inner", "not-tried"],
    ]);
  });
});
