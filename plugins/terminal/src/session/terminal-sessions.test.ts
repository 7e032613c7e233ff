import type { PluginSocket, RequestUser, SshShell } from "@archnest/sdk/plugin";
import { describe, expect, it } from "vitest";
import {
  decodeServerFrame,
  encodeAck,
  encodeInput,
  encodePing,
  encodeResize,
  encodeTakeover,
  type ServerFrame,
  type TerminalStatus,
} from "../protocol/index.js";
import { MAX_VIEWERS, type SessionDeps, TerminalSessions } from "./index.js";

const user: RequestUser = { id: "u1", username: "admin", role: "admin" };
const HOST = { id: "h1", name: "web-1", address: "10.0.0.5", port: 22, user: "ops", tags: [], authMethod: "key" as const, fingerprint: null };

class FakeSocket implements PluginSocket {
  frames: ServerFrame[] = [];
  closed?: { code: number; reason: string };
  bufferedAmount = 0;
  #message?: (d: Uint8Array | string, b: boolean) => void;
  #close?: (code: number, reason: string) => void;
  send(data: string | Uint8Array) {
    if (typeof data === "string") throw new Error("text frame sent");
    this.frames.push(decodeServerFrame(data));
  }
  close(code = 1000, reason = "") {
    if (this.closed) return;
    this.closed = { code, reason };
    this.#close?.(code, reason);
  }
  onMessage(l: (d: Uint8Array | string, b: boolean) => void) {
    this.#message = l;
  }
  onClose(l: (code: number, reason: string) => void) {
    this.#close = l;
  }
  onDrain() {}
  receive(data: Uint8Array | string, binary = typeof data !== "string") {
    this.#message?.(data, binary);
  }
  statuses(): TerminalStatus[] {
    return this.frames.flatMap((f) => (f.type === "status" ? [f.status] : []));
  }
  output(): string {
    return Buffer.concat(this.frames.flatMap((f) => (f.type === "output" ? [f.data] : []))).toString();
  }
}

function fakeShell() {
  const written: string[] = [];
  const sizes: [number, number][] = [];
  let onData: ((c: Uint8Array) => void) | undefined;
  let onClose: ((i: { code: number | null; signal: string | null; reason: "exit" | "closed" | "disconnected" }) => void) | undefined;
  const calls: string[] = [];
  const shell: SshShell = {
    write: (d) => {
      written.push(typeof d === "string" ? d : Buffer.from(d).toString());
      return true;
    },
    onData: (l) => {
      onData = l;
      return { dispose() {} };
    },
    onClose: (l) => {
      onClose = l;
      return { dispose() {} };
    },
    resize: (c, r) => void sizes.push([c, r]),
    pause: () => void calls.push("pause"),
    resume: () => void calls.push("resume"),
    closed: false,
    close: () => void calls.push("close"),
  };
  return {
    shell,
    written,
    sizes,
    calls,
    emit: (s: string) => onData?.(new TextEncoder().encode(s)),
    end: (reason: "exit" | "disconnected", code: number | null = 0) => onClose?.({ code, signal: null, reason }),
  };
}

function setup(
  opts: {
    cap?: number;
    shellError?: Error;
    gate?: Promise<void>;
    now?: () => number;
    flow?: SessionDeps["flow"];
    timers?: FakeTimers;
    warnings?: string[];
    limitGraceMs?: number;
  } = {},
) {
  const shells: ReturnType<typeof fakeShell>[] = [];
  const sessions = new TerminalSessions({
    ssh: {
      hosts: async () => [HOST],
      shell: async () => {
        await opts.gate;
        if (opts.shellError) throw opts.shellError;
        const s = fakeShell();
        shells.push(s);
        return s.shell;
      },
    },
    limits: {
      check: (_limit, count) =>
        opts.cap !== undefined && count >= opts.cap
          ? Response.json(
              { error: "module_required", module: "multi-pane-terminal", price: "$5", purchaseUrl: "/settings/store#multi-pane-terminal" },
              { status: 402 },
            )
          : undefined,
    },
    log: { debug() {}, info() {}, warn: (m) => void opts.warnings?.push(m), error() {} },
    flow: { coalesceMs: 1, ...opts.flow },
    limitGraceMs: opts.limitGraceMs ?? 0,
    ...(opts.now && { now: opts.now }),
    ...(opts.timers && { setTimer: opts.timers.set, clearTimer: opts.timers.clear }),
  });
  const open = async (query = "hostId=h1&cols=100&rows=30", who: RequestUser = user) => {
    const socket = new FakeSocket();
    sessions.handle(socket, { url: new URL(`http://x/ws/session?${query}`), user: who });
    await new Promise((r) => setTimeout(r, 5));
    return socket;
  };
  return { sessions, shells, open };
}

/** Timers the test fires by hand (the idle timeout of detached sessions). */
class FakeTimers {
  pending = new Map<number, { fn: () => void; ms: number }>();
  #next = 1;
  set = (fn: () => void, ms: number) => {
    const id = this.#next++;
    this.pending.set(id, { fn, ms });
    return id;
  };
  clear = (id: unknown) => void this.pending.delete(id as number);
  fireAll() {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const t of all) t.fn();
  }
}

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

describe("terminal sessions", () => {
  it("connects, relays input, output, resizes and pings, and reports the shell's exit", async () => {
    const t = setup();
    const socket = await t.open();
    const sh = t.shells[0];
    if (!sh) throw new Error("no shell opened");
    expect(socket.statuses().map((s) => s.state)).toEqual(["connecting", "connected", "session"]);
    expect(socket.statuses().at(-1)).toEqual({ state: "session", id: expect.any(String), writer: true, viewers: 1, persistent: false, recording: false });
    socket.receive(encodeInput(new TextEncoder().encode("echo hi\r")));
    expect(sh.written).toEqual(["echo hi\r"]);
    sh.emit("hi\r\n");
    await tick();
    expect(socket.output()).toBe("hi\r\n");
    socket.receive(encodeResize(120, 40));
    expect(sh.sizes.at(-1)).toEqual([120, 40]);
    socket.receive(encodePing(new Uint8Array([1, 2])));
    expect(socket.frames.at(-1)).toEqual({ type: "pong", payload: new Uint8Array([1, 2]) });
    socket.receive(encodeAck(4));
    expect(t.sessions.sessionsOf("u1")[0]?.output.unacked).toBe(0);
    sh.end("exit", 0);
    expect(socket.statuses().at(-1)).toMatchObject({ state: "closed", reason: "exit", exitCode: 0 });
    expect(socket.closed).toEqual({ code: 1000, reason: "The shell exited with status 0." });
    expect(t.sessions.size).toBe(0);
  });

  it.each([
    ["an unknown opcode", new Uint8Array([0x42]), 1002],
    ["a truncated resize", new Uint8Array([0x01, 0, 80]), 1002],
    ["an ack of more than was sent", encodeAck(1000), 1002],
    ["a text frame", "hello", 1003],
  ])("closes the session on %s and closes the shell", async (_name, frame, code) => {
    const t = setup();
    const socket = await t.open();
    socket.receive(frame);
    expect(socket.closed?.code).toBe(code);
    expect(t.shells[0]?.calls).toContain("close");
    expect(t.sessions.size).toBe(0);
  });

  it("refuses a request without a host or with a bad size", async () => {
    const t = setup();
    for (const q of ["cols=80&rows=24", "hostId=h1&cols=0&rows=24", "hostId=h1&cols=80&rows=abc"]) {
      const socket = await t.open(q);
      expect(socket.statuses()).toEqual([expect.objectContaining({ state: "error", code: "TERMINAL_ERR_BAD_REQUEST" })]);
      expect(socket.closed?.code).toBe(1008);
    }
    expect(t.shells).toHaveLength(0);
  });

  it("allows one session per user in the free core and names the module that lifts the limit", async () => {
    const t = setup({ cap: 1 });
    const first = await t.open();
    const second = await t.open();
    expect(second.statuses()).toEqual([
      expect.objectContaining({
        state: "error",
        code: "module_required",
        module: "multi-pane-terminal",
        price: "$5",
        purchaseUrl: "/settings/store#multi-pane-terminal",
      }),
    ]);
    expect(second.closed?.code).toBe(4402);
    expect(t.shells).toHaveLength(1);
    first.close(1000, "bye");
    expect(t.shells[0]?.calls).toContain("close");
    const third = await t.open();
    expect(third.statuses().map((s) => s.state)).toContain("connected");
  });

  it("closes a session whose browser went silent when the same user opens a new one", async () => {
    let now = 1_000_000;
    const t = setup({ cap: 1, now: () => now });
    const first = await t.open();
    now += 10_000;
    first.receive(encodePing());
    now += 10_000;
    // Heard from 10 s ago: alive, so the limit applies.
    expect((await t.open()).closed?.code).toBe(4402);
    // The page's usage count (what it asks before connecting) counts the live session, not one gone silent.
    expect(t.sessions.usage(user.id)).toBe(1);
    now += 16_000;
    expect(t.sessions.usage(user.id)).toBe(0);
    const second = await t.open();
    expect(first.closed?.code).toBe(4408);
    expect(second.statuses().map((s) => s.state)).toContain("connected");
  });

  it("reports SSH failures with the service's code", async () => {
    const t = setup({ shellError: Object.assign(new Error("Permission denied (publickey)."), { code: "HOST_ERR_SSH_AUTH_FAILED" }) });
    const socket = await t.open();
    expect(socket.statuses().at(-1)).toEqual({ state: "error", code: "HOST_ERR_SSH_AUTH_FAILED", message: "Permission denied (publickey)." });
    expect(socket.closed?.code).toBe(4502);
    const unknown = await t.open("hostId=nope&cols=80&rows=24");
    expect(unknown.statuses().at(-1)).toMatchObject({ state: "error", code: "HOST_ERR_SSH_HOST_NOT_FOUND" });
  });

  it("delivers the last output and says so when the SSH connection drops", async () => {
    const t = setup();
    const socket = await t.open();
    t.shells[0]?.emit("last words");
    t.shells[0]?.end("disconnected", null);
    expect(socket.output()).toBe("last words");
    expect(socket.statuses().at(-1)).toMatchObject({ state: "closed", reason: "disconnected" });
    expect(socket.closed?.code).toBe(4502);
  });

  it("closes the shell that arrives after the browser left", async () => {
    let release = () => {};
    const t = setup({ gate: new Promise<void>((r) => (release = r)) });
    const socket = new FakeSocket();
    t.sessions.handle(socket, { url: new URL("http://x/ws/session?hostId=h1&cols=80&rows=24"), user });
    await tick();
    expect(socket.statuses().map((s) => s.state)).toEqual(["connecting"]);
    socket.close(1001, "gone");
    release();
    await tick();
    expect(t.shells[0]?.calls).toEqual(["close"]);
    expect(t.sessions.size).toBe(0);
  });
});

const other: RequestUser = { id: "u2", username: "member", role: "member" };
const text = (s: string) => new TextEncoder().encode(s);
const sessionStatus = (socket: FakeSocket) =>
  socket
    .statuses()
    .filter((s) => s.state === "session")
    .at(-1);

async function opened(t: ReturnType<typeof setup>) {
  const first = await t.open();
  const id = (sessionStatus(first) as { id: string }).id;
  const sh = t.shells[0];
  if (!sh) throw new Error("no shell opened");
  return { first, id, sh };
}

describe("a session with several viewers", () => {
  it("replays the kept output to a viewer that attaches, then streams live output to both", async () => {
    const t = setup();
    const { first, id, sh } = await opened(t);
    sh.emit("before\r\n");
    await tick();
    const second = await t.open(`attach=${id}&cols=90&rows=20`);
    expect(second.statuses().map((s) => s.state)).toEqual(["connected", "session"]);
    expect(sessionStatus(second)).toEqual({ state: "session", id, writer: false, viewers: 2, persistent: false, recording: false });
    expect(sessionStatus(first)).toMatchObject({ writer: true, viewers: 2 });
    sh.emit("after\r\n");
    await tick();
    expect(second.output()).toBe("before\r\nafter\r\n");
    expect(first.output()).toBe("before\r\nafter\r\n");
    // The viewer that only watches does not change the pty's size.
    expect(sh.sizes.some(([c]) => c === 90)).toBe(false);
  });

  it("shows one session on at most MAX_VIEWERS screens, and takes another once one leaves", async () => {
    const t = setup();
    const { id } = await opened(t);
    const watchers = [];
    for (let i = 1; i < MAX_VIEWERS; i++) watchers.push(await t.open(`attach=${id}&cols=80&rows=24`));
    expect(t.sessions.get(id)?.viewers).toBe(MAX_VIEWERS);
    const refused = await t.open(`attach=${id}&cols=80&rows=24`);
    expect(refused.statuses().at(-1)).toMatchObject({ state: "error", code: "TERMINAL_ERR_TOO_MANY_VIEWERS" });
    expect(refused.closed).toEqual({ code: 4429, reason: "TERMINAL_ERR_TOO_MANY_VIEWERS" });
    expect(t.sessions.get(id)?.viewers).toBe(MAX_VIEWERS);
    watchers[0]?.close(1000, "bye");
    const next = await t.open(`attach=${id}&cols=80&rows=24`);
    expect(sessionStatus(next)).toMatchObject({ id, viewers: MAX_VIEWERS });
  });

  it("drops a view-only viewer's input and resizes until it takes over; the previous writer becomes view-only", async () => {
    const t = setup();
    const { first, id, sh } = await opened(t);
    const second = await t.open(`attach=${id}&cols=90&rows=20`);
    second.receive(encodeInput(text("ignored\r")));
    second.receive(encodeResize(70, 10));
    expect(sh.written).toEqual([]);
    expect(sh.sizes.at(-1)).toEqual([100, 30]);
    second.receive(encodeTakeover());
    expect(sh.sizes.at(-1)).toEqual([70, 10]);
    expect(sessionStatus(second)).toMatchObject({ writer: true, viewers: 2 });
    expect(sessionStatus(first)).toMatchObject({ writer: false, viewers: 2 });
    second.receive(encodeInput(text("typed\r")));
    first.receive(encodeInput(text("dropped\r")));
    expect(sh.written).toEqual(["typed\r"]);
    // The writer leaves: the one still watching may type again.
    second.close(1000, "bye");
    expect(sessionStatus(first)).toMatchObject({ writer: true, viewers: 1 });
    expect(sh.sizes.at(-1)).toEqual([100, 30]);
    first.receive(encodeInput(text("again\r")));
    expect(sh.written).toEqual(["typed\r", "again\r"]);
  });

  it("refuses to attach to another person's session or an unknown id with TERMINAL_ERR_SESSION_NOT_FOUND", async () => {
    const t = setup();
    const { id } = await opened(t);
    for (const [query, who] of [
      [`attach=${id}`, other],
      ["attach=0f8e4c1a-0000-4000-8000-000000000000", user],
    ] as const) {
      const socket = await t.open(query, who);
      expect(socket.statuses()).toEqual([{ state: "error", code: "TERMINAL_ERR_SESSION_NOT_FOUND", message: expect.any(String) }]);
      expect(socket.closed).toEqual({ code: 4404, reason: "TERMINAL_ERR_SESSION_NOT_FOUND" });
      expect(socket.output()).toBe("");
    }
    expect(t.sessions.get(id)?.viewers).toBe(1);
  });

  it("pauses the shell while any viewer is over its high-water mark, and resumes once every one caught up or left", async () => {
    const t = setup({ flow: { highWaterBytes: 1000, lowWaterBytes: 100, maxFrameBytes: 500 } });
    const { first, id, sh } = await opened(t);
    const second = await t.open(`attach=${id}`);
    sh.emit("x".repeat(1200));
    await tick();
    expect(sh.calls.filter((c) => c === "pause")).toHaveLength(1);
    // The first viewer catches up; the second is still behind, so the shell stays paused.
    first.receive(encodeAck(1000));
    await tick();
    first.receive(encodeAck(200));
    expect(first.output()).toHaveLength(1200);
    expect(sh.calls.filter((c) => c === "resume")).toHaveLength(0);
    second.close(1000, "gone");
    expect(sh.calls.filter((c) => c === "resume")).toHaveLength(1);
    expect(t.sessions.get(id)?.viewers).toBe(1);
  });
});

describe("persistence", () => {
  const keep = { keep: () => ({ idleMs: 60_000, scrollbackBytes: 16 }) };

  it("detaches a kept session when its last viewer leaves, keeps the newest output, and replays it on attach", async () => {
    const timers = new FakeTimers();
    const t = setup({ timers, flow: { highWaterBytes: 1000, lowWaterBytes: 100 } });
    t.sessions.setPersistence(keep);
    const { first, id, sh } = await opened(t);
    expect(sessionStatus(first)).toMatchObject({ persistent: true });
    first.close(1001, "reload");
    expect(sh.calls).not.toContain("close");
    expect(t.sessions.get(id)).toMatchObject({ state: "open", viewers: 0, detachedAt: expect.any(Number), persistent: true });
    // Output while nobody watches goes to the ring only; the shell is never paused for it.
    sh.emit("0123456789\r\n");
    sh.emit("x".repeat(5000));
    sh.emit("abcdef\r\nlast line");
    expect(sh.calls).not.toContain("pause");
    expect(t.sessions.get(id)?.scrollbackBytes).toBe(16);
    expect([...timers.pending.values()].map((x) => x.ms)).toEqual([60_000]);
    const back = await t.open(`attach=${id}`);
    await tick();
    expect(timers.pending.size).toBe(0);
    // The newest 16 bytes, from the line break on: a replay does not start mid-line.
    expect(back.output()).toBe("last line");
    expect(sessionStatus(back)).toMatchObject({ writer: true, viewers: 1, persistent: true });
    back.receive(encodeInput(text("ls\r")));
    expect(sh.written).toEqual(["ls\r"]);
  });

  it("ends a detached session after its idle time, restarting the timer on each detach", async () => {
    const timers = new FakeTimers();
    const t = setup({ timers });
    t.sessions.setPersistence(keep);
    const closed: unknown[] = [];
    t.sessions.observe({ opened: () => ({ closed: (info) => void closed.push(info) }) });
    const { first, id, sh } = await opened(t);
    first.close(1001, "away");
    const again = await t.open(`attach=${id}`);
    again.close(1001, "away again");
    expect(timers.pending.size).toBe(1);
    timers.fireAll();
    expect(t.sessions.get(id)).toBeUndefined();
    expect(sh.calls).toContain("close");
    expect(closed).toEqual([{ reason: "idle", exitCode: null }]);
  });

  it("decides when a session opens: a policy disposed later keeps no new session, and detached ones run out their time", async () => {
    const timers = new FakeTimers();
    const t = setup({ timers });
    const policy = t.sessions.setPersistence(keep);
    const { first, id } = await opened(t);
    policy.dispose();
    first.close(1001, "away");
    expect(t.sessions.get(id)?.viewers).toBe(0);
    const later = await t.open();
    const laterId = (sessionStatus(later) as { id: string }).id;
    expect(sessionStatus(later)).toMatchObject({ persistent: false });
    later.close(1001, "away");
    expect(t.sessions.get(laterId)).toBeUndefined();
    timers.fireAll();
    expect(t.sessions.get(id)).toBeUndefined();
  });

  it("lets a session through the free limit when the same person's other socket closes within the grace", async () => {
    const t = setup({ cap: 1, limitGraceMs: 1000 });
    const first = await t.open();
    // A pane switching sessions: the new socket arrives before the old one's close.
    const next = new FakeSocket();
    t.sessions.handle(next, { url: new URL("http://x/ws/session?hostId=h1&cols=80&rows=24"), user });
    await tick(150);
    expect(next.statuses()).toEqual([]);
    first.close(1000, "switching");
    await tick(250);
    expect(next.statuses().map((s) => s.state)).toContain("connected");
    expect(next.closed).toBeUndefined();
    // Past the grace, a second session is refused as before.
    const third = await t.open();
    await tick(1200);
    expect(third.closed?.code).toBe(4402);
  });

  it("does not count detached sessions against the free limit, and ends one on request", async () => {
    const t = setup({ cap: 1, timers: new FakeTimers() });
    t.sessions.setPersistence(keep);
    const { first, id, sh } = await opened(t);
    first.close(1001, "away");
    expect(t.sessions.usage(user.id)).toBe(0);
    const second = await t.open();
    expect(second.statuses().map((s) => s.state)).toContain("connected");
    // Bringing the detached one back would make two on screen.
    const back = await t.open(`attach=${id}`);
    expect(back.closed?.code).toBe(4402);
    expect(t.sessions.end(id)).toBe(true);
    expect(sh.calls).toContain("close");
    expect(t.sessions.end(id)).toBe(false);
    expect(t.sessions.list({ userId: user.id }).map((s) => s.id)).toEqual([(sessionStatus(second) as { id: string }).id]);
  });
});

describe("taps", () => {
  it("sees every output byte in order, the writer's input, resizes and one close; a recording tap shows in the status", async () => {
    const t = setup();
    const seen: string[] = [];
    t.sessions.observe({
      opened: (meta) => {
        seen.push(`opened ${meta.hostName} ${meta.cols}x${meta.rows}`);
        return {
          marker: "recording",
          output: (c) => void seen.push(`out ${Buffer.from(c)}`),
          input: (c) => void seen.push(`in ${Buffer.from(c)}`),
          resize: (c, r) => void seen.push(`resize ${c}x${r}`),
          closed: (i) => void seen.push(`closed ${i.reason} ${i.exitCode}`),
        };
      },
    });
    const { first, id, sh } = await opened(t);
    expect(sessionStatus(first)).toMatchObject({ recording: true });
    expect(t.sessions.get(id)?.recording).toBe(true);
    const viewer = await t.open(`attach=${id}`);
    viewer.receive(encodeInput(text("not the writer")));
    first.receive(encodeInput(text("a")));
    sh.emit("1");
    sh.emit("2");
    first.receive(encodeResize(120, 40));
    sh.end("exit", 3);
    sh.end("exit", 3);
    expect(seen).toEqual(["opened web-1 100x30", "in a", "out 1", "out 2", "resize 120x40", "closed exit 3"]);
  });

  it("detaches a tap that throws and logs it; the session and other taps go on", async () => {
    const warnings: string[] = [];
    const t = setup({ warnings });
    const { first, id, sh } = await opened(t);
    const good: string[] = [];
    t.sessions.tap(id, {
      output: () => {
        throw new Error("disk full");
      },
    });
    const recording = t.sessions.tap(id, { marker: "recording", output: (c) => void good.push(Buffer.from(c).toString()) });
    expect(sessionStatus(first)).toMatchObject({ recording: true });
    sh.emit("one");
    sh.emit("two");
    await tick();
    expect(good).toEqual(["one", "two"]);
    expect(first.output()).toBe("onetwo");
    expect(warnings).toEqual(["a terminal session tap failed and was detached"]);
    recording?.dispose();
    expect(sessionStatus(first)).toMatchObject({ recording: false });
    expect(t.sessions.tap("no-such-session", {})).toBeUndefined();
  });

  it("disposing an observer detaches the taps it made", async () => {
    const t = setup();
    const out: string[] = [];
    const observer = t.sessions.observe({ opened: () => ({ marker: "recording", output: (c) => void out.push(Buffer.from(c).toString()) }) });
    const { first, sh } = await opened(t);
    sh.emit("kept");
    observer.dispose();
    sh.emit("not seen");
    expect(out).toEqual(["kept"]);
    expect(sessionStatus(first)).toMatchObject({ recording: false });
  });
});
