/**
 * Terminal sessions over the WebSocket, as a program meets them: the real host on loopback, the plugin
 * installed signed, a real OpenSSH sshd. Licensed for multi-pane-terminal so one person may hold several
 * sessions at once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginHost, startPluginHost } from "./harness.js";
import { openSession } from "./session-client.js";

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
