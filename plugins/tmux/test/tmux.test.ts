/**
 * The tmux routes against the real host and a real OpenSSH sshd running real tmux: what a session made
 * over plain ssh looks like in the list, create, detach, kill, refused names, and a host without tmux.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { addSshHost, startSshd, type TestSshd } from "@archnest/host/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { TmuxListing } from "../src/server.js";
import { type PluginHost, ssh, sshArgs, startPluginHost } from "./harness.js";

let h: PluginHost;

const list = async (hostId = h.hostId) => {
  const res = await h.api(`/sessions?host=${encodeURIComponent(hostId)}`);
  return { status: res.status, body: (await res.json()) as TmuxListing & { error?: string; message?: string } };
};
const post = (path: string, json: unknown) => h.api(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(json) });
/** `tmux ls` over plain ssh: the session names the host's tmux server has. */
const tmuxLs = async () => {
  const r = await ssh(h.sshd, "tmux ls -F '#{session_name}' 2>/dev/null; true");
  return r.stdout.split("\n").filter(Boolean).sort();
};

beforeAll(async () => {
  h = await startPluginHost();
}, 180_000);

afterAll(async () => {
  await h?.close();
});

describe("tmux sessions on a host", () => {
  it("answers an empty list when no tmux server runs, not an error", async () => {
    const { status, body } = await list();
    expect(status).toBe(200);
    expect(body).toEqual({ host: { id: h.hostId, name: "test-sshd" }, sessions: [] });
  });

  it("lists a session made over plain ssh with its windows and its attached client", async () => {
    const made = await ssh(h.sshd, "tmux new-session -d -s work -n editor && tmux new-window -t '=work' -n logs && tmux split-window -t '=work:logs'");
    expect(made.code, made.stderr).toBe(0);
    // A person attached from a real terminal: ssh with a pty, tmux attached at 100x30.
    const client: ChildProcess = spawn("ssh", ["-tt", ...sshArgs(h.sshd), "stty cols 100 rows 30; exec tmux attach-session -t '=work'"], {
      stdio: ["pipe", "pipe", "pipe"],
    });
    const exited = new Promise<void>((resolve) => client.once("exit", () => resolve()));
    try {
      let work: TmuxListing["sessions"][number] | undefined;
      for (let i = 0; i < 100 && !work?.clients.length; i++) {
        work = (await list()).body.sessions.find((s) => s.name === "work");
        if (!work?.clients.length) await new Promise((r) => setTimeout(r, 100));
      }
      expect(work).toMatchObject({
        name: "work",
        attached: 1,
        windows: [
          { index: 0, name: "editor", active: false, panes: 1 },
          { index: 1, name: "logs", active: true, panes: 2 },
        ],
        clients: [{ tty: expect.stringMatching(/^\/dev\/pts\/\d+$/), cols: 100, rows: 30 }],
      });
      expect(work?.id).toMatch(/^\$\d+$/);
      const now = Date.now();
      for (const t of [work?.created, work?.activity, work?.clients[0]?.since]) expect(Math.abs((t ?? 0) - now)).toBeLessThan(120_000);

      // Detach that one client: the person's ssh session ends as tmux lets go of it; the session stays.
      const tty = work?.clients[0]?.tty;
      const detached = await post(`/sessions/work/detach?host=${h.hostId}`, { tty });
      expect(detached.status).toBe(200);
      await exited;
      const after = ((await detached.json()) as TmuxListing).sessions.find((s) => s.name === "work");
      expect(after).toMatchObject({ attached: 0, clients: [] });
      expect(await tmuxLs()).toContain("work");
    } finally {
      if (client.exitCode === null) client.kill();
    }
  });

  it("detaches every client of a session", async () => {
    const clients = [0, 1].map(() => spawn("ssh", ["-tt", ...sshArgs(h.sshd), "exec tmux attach-session -t '=work'"], { stdio: "pipe" }));
    const exited = clients.map((c) => new Promise<void>((resolve) => c.once("exit", () => resolve())));
    try {
      for (let i = 0; i < 100 && (await list()).body.sessions.find((s) => s.name === "work")?.attached !== 2; i++) await new Promise((r) => setTimeout(r, 100));
      const res = await post(`/sessions/work/detach?host=${h.hostId}`, {});
      expect(res.status).toBe(200);
      await Promise.all(exited);
      expect((await list()).body.sessions.find((s) => s.name === "work")).toMatchObject({ attached: 0, clients: [] });
    } finally {
      for (const c of clients) if (c.exitCode === null) c.kill();
    }
  });

  it("creates a named session that tmux ls over plain ssh sees, and refuses the same name twice", async () => {
    const res = await post(`/sessions?host=${h.hostId}`, { name: "build-2" });
    expect(res.status).toBe(201);
    expect(((await res.json()) as TmuxListing).sessions.map((s) => s.name)).toContain("build-2");
    expect(await tmuxLs()).toContain("build-2");

    const again = await post(`/sessions?host=${h.hostId}`, { name: "build-2" });
    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ error: "TMUX_ERR_SESSION_EXISTS" });
  });

  it.each(["", "a b", "x;touch /tmp/archnest-tmux-pwned", "$(id)", "`id`", "a'b", "-t", "a.b", "a:b", "é", "n".repeat(65)])(
    "refuses the session name %j with TMUX_ERR_BAD_NAME and runs nothing",
    async (name) => {
      const before = await tmuxLs();
      const res = await post(`/sessions?host=${h.hostId}`, { name });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: "TMUX_ERR_BAD_NAME", message: expect.stringContaining("letters, digits") });
      const kill = await h.api(`/sessions/${encodeURIComponent(name || " ")}?host=${h.hostId}`, { method: "DELETE" });
      expect(kill.status).toBe(400);
      expect(await kill.json()).toMatchObject({ error: "TMUX_ERR_BAD_NAME" });
      expect(await tmuxLs()).toEqual(before);
    },
  );

  it("detaches a client only from the session it is attached to", async () => {
    const res = await post(`/sessions/work/detach?host=${h.hostId}`, { tty: "/dev/pts/999" });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "TMUX_ERR_CLIENT_NOT_FOUND" });
  });

  it("refuses a client that is not a terminal device", async () => {
    const res = await post(`/sessions/work/detach?host=${h.hostId}`, { tty: "/dev/pts/1; id" });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: "TMUX_ERR_BAD_CLIENT" });
  });

  it("kills exactly the named session, never one whose name starts with it", async () => {
    expect((await post(`/sessions?host=${h.hostId}`, { name: "workshop" })).status).toBe(201);
    // "wor" is not a session: tmux alone would take it as a prefix of "work" or "workshop".
    const prefix = await h.api(`/sessions/wor?host=${h.hostId}`, { method: "DELETE" });
    expect(prefix.status).toBe(404);
    expect(await prefix.json()).toMatchObject({ error: "TMUX_ERR_SESSION_NOT_FOUND", message: 'No tmux session "wor" on test-sshd.' });

    const res = await h.api(`/sessions/workshop?host=${h.hostId}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await tmuxLs()).toEqual(["build-2", "work"]);
  });

  it("reaches a session by its id when its name breaks the naming rules", async () => {
    expect((await ssh(h.sshd, "tmux new-session -d -s 'odd name'")).code).toBe(0);
    const odd = (await list()).body.sessions.find((s) => s.name === "odd name");
    expect(odd?.id).toMatch(/^\$\d+$/);
    const res = await h.api(`/sessions/${encodeURIComponent(odd?.id ?? "")}?host=${h.hostId}`, { method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await tmuxLs()).not.toContain("odd name");
  });

  it("answers TMUX_ERR_HOST_NOT_FOUND and TMUX_ERR_BAD_REQUEST for a missing or unknown host", async () => {
    const unknown = await list("no-such-host");
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ error: "TMUX_ERR_HOST_NOT_FOUND" });
    const none = await h.api("/sessions");
    expect(none.status).toBe(400);
    expect(await none.json()).toMatchObject({ error: "TMUX_ERR_BAD_REQUEST" });
  });
});

describe("when the license lapses", () => {
  it("answers 402 and runs nothing on the host, whose tmux sessions live on and are listed again with the license", async () => {
    const made = await post(`/sessions?host=${h.hostId}`, { name: "kept-on-lapse" });
    expect(made.status).toBe(201);

    h.entitlements.set([]);
    await expect.poll(async () => (await list()).status, { timeout: 15_000 }).toBe(402);
    expect((await list()).body).toMatchObject({ error: "module_required", module: "tmux" });
    const killed = await h.api(`/sessions/kept-on-lapse?host=${h.hostId}`, { method: "DELETE" });
    expect(killed.status).toBe(402);
    // The session is the host's, not ArchNest's: it runs on untouched.
    expect(await tmuxLs()).toContain("kept-on-lapse");

    h.entitlements.set(["tmux"]);
    await expect.poll(async () => (await list()).status, { timeout: 15_000 }).toBe(200);
    expect((await list()).body.sessions.map((s) => s.name)).toContain("kept-on-lapse");
  });
});

describe("a host without tmux", () => {
  let bare: TestSshd;
  let bareId: string;

  beforeAll(async () => {
    // Its sessions' PATH holds no tmux (tmux is in /usr/bin on this machine).
    bare = await startSshd({ env: { PATH: "/nonexistent" } });
    bareId = await addSshHost(h.t, h.admin, bare, "bare-box");
  }, 60_000);

  afterAll(async () => {
    await bare?.cleanup();
  });

  it("answers TMUX_ERR_NOT_INSTALLED naming the host, for the list and for every action", async () => {
    const { status, body } = await list(bareId);
    expect(status).toBe(409);
    expect(body).toMatchObject({ error: "TMUX_ERR_NOT_INSTALLED", message: expect.stringContaining("Install tmux on bare-box") });
    const create = await post(`/sessions?host=${bareId}`, { name: "work" });
    expect(create.status).toBe(409);
    expect(await create.json()).toMatchObject({ error: "TMUX_ERR_NOT_INSTALLED" });
  });
});
