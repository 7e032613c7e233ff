/**
 * Terminal sessions over the WebSocket, as a program meets them: the real host on loopback, the plugin
 * installed signed, a real OpenSSH sshd. Licensed for multi-pane-terminal so one person may hold several
 * sessions at once.
 */
import { addMember } from "@archnest/host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SessionInfo } from "../src/session/index.js";
import { type PluginHost, startPluginHost } from "./harness.js";
import { lastSession, openSession, type SessionClient } from "./session-client.js";

let h: PluginHost;

beforeAll(async () => {
  h = await startPluginHost({ licensed: ["multi-pane-terminal"] });
}, 180_000);

afterAll(async () => {
  await h?.close();
});

describe("a session's command", () => {
  it("runs the command on the pty instead of the login shell, and its exit ends the session", async () => {
    const c = await openSession(h.url, h.admin.cookie, { hostId: h.hostId, cols: 97, rows: 31, command: "stty size; read x; echo typed-$x; exit 3" });
    await c.waitForStatus((s) => s.state === "connected");
    await c.waitForText("31 97");
    c.input("abc\r");
    const closed = await c.waitForStatus((s) => s.state === "closed");
    expect(closed).toMatchObject({ state: "closed", reason: "exit", exitCode: 3 });
    expect(c.text()).toContain("typed-abc");
    expect((await c.closed).code).toBe(1000);
  });

  it("refuses a command longer than 1024 bytes with TERMINAL_ERR_BAD_REQUEST", async () => {
    const c = await openSession(h.url, h.admin.cookie, { hostId: h.hostId, command: "x".repeat(1025) });
    expect(await c.waitForStatus((s) => s.state === "error")).toMatchObject({ code: "TERMINAL_ERR_BAD_REQUEST" });
    expect(await c.closed).toEqual({ code: 1008, reason: "TERMINAL_ERR_BAD_REQUEST" });
  });
});

async function sessionOf(c: SessionClient): Promise<string> {
  const s = await c.waitForStatus((x) => x.state === "session");
  return (s as { id: string }).id;
}

describe("a session with several viewers", () => {
  it("a second socket attached to the session sees the same output, is view-only until it takes over, and refuses no one else's input", async () => {
    const first = await openSession(h.url, h.admin.cookie, { hostId: h.hostId, cols: 100, rows: 30 });
    const id = await sessionOf(first);
    first.input("echo one-$((40+1))\r");
    await first.waitForText("one-41");

    const second = await openSession(h.url, h.admin.cookie, { attach: id, cols: 81, rows: 21 });
    await second.waitForStatus((s) => s.state === "session" && s.viewers === 2);
    expect(second.statuses[0]).toMatchObject({ state: "connected", host: { id: h.hostId, name: "test-sshd" } });
    expect(lastSession(second)).toEqual({ state: "session", id, writer: false, viewers: 2, persistent: false, recording: false });
    // The output from before it joined is replayed.
    await second.waitForText("one-41");
    await first.waitForStatus((s) => s.state === "session" && s.viewers === 2 && s.writer);

    // View-only: its keystrokes never reach the shell.
    second.input("echo view-$((50+1))\r");
    first.input("echo writer-$((60+1))\r");
    await second.waitForText("writer-61");
    await first.waitForText("writer-61");
    expect(first.text()).not.toContain("view-51");

    second.takeover();
    await second.waitForStatus((s) => s.state === "session" && s.writer);
    await first.waitForStatus((s) => s.state === "session" && !s.writer && s.viewers === 2);
    second.input("stty size; echo taken-$((70+1))\r");
    await first.waitForText("taken-71");
    // The pty took the new writer's size.
    await second.waitForText("21 81");
    first.input("echo old-writer-$((80+1))\r");
    second.input("echo still-$((90+1))\r");
    await first.waitForText("still-91");
    expect(second.text()).not.toContain("old-writer-81");

    const res = await fetch(`${h.url}/api/plugins/terminal/sessions`, { headers: { cookie: h.admin.cookie } });
    const listed = ((await res.json()) as { sessions: SessionInfo[] }).sessions.find((s) => s.id === id);
    expect(listed).toMatchObject({ id, hostId: h.hostId, hostName: "test-sshd", state: "open", viewers: 2, persistent: false, recording: false });
    first.close();
    second.close();
    await Promise.all([first.closed, second.closed]);
  });

  it("refuses to attach to another person's session, as to an unknown id, with TERMINAL_ERR_SESSION_NOT_FOUND", async () => {
    const mine = await openSession(h.url, h.admin.cookie, { hostId: h.hostId });
    const id = await sessionOf(mine);
    const member = await addMember(h.t.host, "someone", "someone's password 123");
    for (const [cookie, attach] of [
      [member.cookie, id],
      [h.admin.cookie, "0f8e4c1a-0000-4000-8000-000000000000"],
    ] as const) {
      const c = await openSession(h.url, cookie, { attach });
      expect(await c.waitForStatus((s) => s.state === "error")).toMatchObject({ code: "TERMINAL_ERR_SESSION_NOT_FOUND" });
      expect(await c.closed).toEqual({ code: 4404, reason: "TERMINAL_ERR_SESSION_NOT_FOUND" });
      expect(c.text()).toBe("");
    }
    expect(lastSession(mine)).toMatchObject({ viewers: 1, writer: true });
    mine.close();
  });
});
