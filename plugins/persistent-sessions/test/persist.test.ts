/**
 * Persistent sessions over HTTP and the terminal's WebSocket, against the real host and a real sshd: a
 * session outlives its socket, comes back with its scrollback, is listed per host with its age and the
 * size of its kept output, and ends on request; the admin's settings bound what is kept.
 */
import { addMember } from "@archnest/host/testing";
import { lastSession, openSession, type SessionClient } from "@archnest/terminal/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionsBody } from "../src/server.js";
import { type PluginHost, startPluginHost } from "./harness.js";

let h: PluginHost;

beforeAll(async () => {
  h = await startPluginHost({ licensed: ["persistent-sessions", "multi-pane-terminal"] });
}, 180_000);

afterAll(async () => {
  await h?.close();
});

async function sessionOf(c: SessionClient): Promise<string> {
  const s = await c.waitForStatus((x) => x.state === "session");
  return (s as { id: string }).id;
}

async function listed(cookie = h.admin.cookie): Promise<SessionsBody> {
  const res = await fetch(`${h.url}/api/plugins/persistent-sessions/sessions`, { headers: { cookie } });
  expect(res.status).toBe(200);
  return (await res.json()) as SessionsBody;
}

describe("persistent sessions", () => {
  it("keep a session after its socket closes, list it as detached, and replay its output on reattach", async () => {
    const first = await openSession(h.url, h.admin.cookie, { hostId: h.hostId, cols: 100, rows: 30 });
    const id = await sessionOf(first);
    expect(lastSession(first)).toMatchObject({ persistent: true, writer: true, viewers: 1 });
    first.input("export MARK=kept; echo before-$((20+1))\r");
    await first.waitForText("before-21");
    first.close();
    await first.closed;

    const detached = (await listed()).sessions.find((s) => s.id === id);
    expect(detached).toMatchObject({ id, hostId: h.hostId, hostName: "test-sshd", state: "detached", viewers: 0, persistent: true });
    expect(detached?.scrollbackBytes).toBeGreaterThan(0);
    expect(detached?.detachedMs).toBeGreaterThanOrEqual(0);
    expect(detached?.ageMs).toBeGreaterThanOrEqual(detached?.detachedMs ?? 0);

    const back = await openSession(h.url, h.admin.cookie, { attach: id, cols: 100, rows: 30 });
    await back.waitForStatus((s) => s.state === "session");
    expect(back.statuses[0]).toMatchObject({ state: "connected" });
    await back.waitForText("before-21");
    // The same shell: what was exported before is still set.
    back.input("echo again-$MARK-$((30+1))\r");
    await back.waitForText("again-kept-31");
    expect((await listed()).sessions.find((s) => s.id === id)).toMatchObject({ state: "attached", viewers: 1 });
    back.close();
    await back.closed;
  });

  it("ends a session on DELETE, after which it cannot be reattached; unknown ids and other people's answer 404 with a stable code", async () => {
    const c = await openSession(h.url, h.admin.cookie, { hostId: h.hostId });
    const id = await sessionOf(c);
    c.close();
    await c.closed;

    const member = await addMember(h.t.host, "other-person", "other person's password 123");
    for (const [who, path] of [
      [member, `/sessions/${id}`],
      [h.admin, "/sessions/0f8e4c1a-0000-4000-8000-000000000000"],
    ] as const) {
      const res = await fetch(`${h.url}/api/plugins/persistent-sessions${path}`, { method: "DELETE", headers: who.headers });
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({ error: "PERSIST_ERR_SESSION_NOT_FOUND" });
    }
    expect((await listed(member.cookie)).sessions).toEqual([]);

    const ended = await h.api(`/sessions/${id}`, { method: "DELETE", headers: h.admin.headers });
    expect(ended.status).toBe(200);
    expect((await listed()).sessions.map((s) => s.id)).not.toContain(id);
    const again = await openSession(h.url, h.admin.cookie, { attach: id });
    expect(await again.waitForStatus((s) => s.state === "error")).toMatchObject({ code: "TERMINAL_ERR_SESSION_NOT_FOUND" });
  });

  it("keeps at most the admin's scrollback setting, applied to sessions opened after it changed; out-of-range settings are refused", async () => {
    const bad = await h.request("/api/plugins/persistent-sessions/settings", { method: "PUT", json: { values: { idleMinutes: 0 } } });
    expect(bad.status).toBe(400);
    const ok = await h.request("/api/plugins/persistent-sessions/settings", { method: "PUT", json: { values: { idleMinutes: 5, scrollbackKiB: 64 } } });
    expect(ok.status).toBe(200);

    const c = await openSession(h.url, h.admin.cookie, { hostId: h.hostId });
    const id = await sessionOf(c);
    // 200 000 numbers are about 1.2 MB of output: far more than 64 KiB.
    c.input("seq 1 200000; echo SEQ_$((40+2))_DONE\r");
    await c.waitForText("SEQ_42_DONE", 60_000);
    c.close();
    await c.closed;
    const s = (await listed()).sessions.find((x) => x.id === id);
    expect(s?.scrollbackBytes).toBe(64 * 1024);
    const body = await listed();
    expect(body.settings).toEqual({ idleMinutes: 5, scrollbackKiB: 64 });
    expect(s?.endsAt).toBe((s?.detachedAt ?? 0) + 5 * 60_000);

    const back = await openSession(h.url, h.admin.cookie, { attach: id });
    await back.waitForText("SEQ_42_DONE");
    // The replay is the end of the output, not its beginning.
    expect(back.text()).toContain("200000");
    expect(back.text()).not.toContain("\n1\r\n");
    expect(back.bytes()).toBeLessThanOrEqual(64 * 1024 + 4096);
    back.close();
  });
});

describe("when the license lapses", () => {
  it("locks the module: its API answers 402, new sessions are not kept, a detached one runs on and is listed again once the license returns", async () => {
    const kept = await openSession(h.url, h.admin.cookie, { hostId: h.hostId });
    const keptId = await sessionOf(kept);
    kept.input("echo lapse-$((10+1))\r");
    await kept.waitForText("lapse-11");
    kept.close();
    await kept.closed;

    h.entitlements.set(["multi-pane-terminal"]);
    await expect.poll(async () => (await h.api("/sessions")).status, { timeout: 15_000 }).toBe(402);
    expect(await (await h.api("/sessions")).json()).toMatchObject({ error: "module_required", module: "persistent-sessions" });

    const plain = await openSession(h.url, h.admin.cookie, { hostId: h.hostId });
    const plainId = await sessionOf(plain);
    expect(lastSession(plain)).toMatchObject({ persistent: false });
    plain.close();
    await plain.closed;
    const terminal = await fetch(`${h.url}/api/plugins/terminal/sessions`, { headers: { cookie: h.admin.cookie } });
    const ids = ((await terminal.json()) as { sessions: { id: string }[] }).sessions.map((s) => s.id);
    expect(ids).not.toContain(plainId);
    // Decided when it opened: the detached session waits out its idle time as before.
    expect(ids).toContain(keptId);

    h.entitlements.set(["persistent-sessions", "multi-pane-terminal"]);
    await expect.poll(async () => (await h.api("/sessions")).status, { timeout: 15_000 }).toBe(200);
    expect((await listed()).sessions.find((s) => s.id === keptId)).toMatchObject({ state: "detached" });
    const back = await openSession(h.url, h.admin.cookie, { attach: keptId });
    await back.waitForText("lapse-11");
    back.close();
  });
});
