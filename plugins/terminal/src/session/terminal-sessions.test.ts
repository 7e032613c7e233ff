import type { PluginSocket, RequestUser, SshShell } from "@archnest/sdk/plugin";
import { describe, expect, it } from "vitest";
import { decodeServerFrame, encodeAck, encodeInput, encodePing, encodeResize, type ServerFrame, type TerminalStatus } from "../protocol/index.js";
import { TerminalSessions } from "./index.js";

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

function setup(opts: { cap?: number; shellError?: Error; gate?: Promise<void>; now?: () => number } = {}) {
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
    log: { debug() {}, info() {}, warn() {}, error() {} },
    flow: { coalesceMs: 1 },
    ...(opts.now && { now: opts.now }),
  });
  const open = async (query = "hostId=h1&cols=100&rows=30") => {
    const socket = new FakeSocket();
    sessions.handle(socket, { url: new URL(`http://x/ws/session?${query}`), user });
    await new Promise((r) => setTimeout(r, 5));
    return socket;
  };
  return { sessions, shells, open };
}

const tick = (ms = 10) => new Promise((r) => setTimeout(r, ms));

describe("terminal sessions", () => {
  it("connects, relays input, output, resizes and pings, and reports the shell's exit", async () => {
    const t = setup();
    const socket = await t.open();
    const sh = t.shells[0];
    if (!sh) throw new Error("no shell opened");
    expect(socket.statuses().map((s) => s.state)).toEqual(["connecting", "connected"]);
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
    expect(t.sessions.list("u1")[0]?.output.unacked).toBe(0);
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
    expect(third.statuses().at(-1)?.state).toBe("connected");
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
    expect(second.statuses().at(-1)?.state).toBe("connected");
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
