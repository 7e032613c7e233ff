#!/usr/bin/env node
// Terminal speed against raw OpenSSH, in the same run: a real sshd, the real host
// with the terminal plugin installed (signed, through the plugin API), and a Node client that speaks
// PROTOCOL.md and acknowledges output the way the browser does. Rows go to stdout as JSON, one per line
// (scripts/bench.mjs); progress goes to stderr.
//
//   throughput   ~100 MB of base64 through sshd → host → WebSocket → client, against `ssh -tt` reading
//                the same command; once with a client that only decodes frames and acks, once with a
//                headless xterm.js parsing everything before acking (against ssh output fed to the same
//                headless xterm.js). Target: 90% of raw OpenSSH or more. Beside them, the floor: ssh2 in
//                this process reading the same output with no WebSocket, i.e. what the SSH client alone
//                costs. The host's CPU time per MB (this process; clients run in child processes) shows
//                which part of the cost is ours on a machine too busy for wall-clock ratios to settle.
//   echo latency keystroke → echo, median over 200 keys, against `ssh -tt` typing into the same shell.
//                Target: at most 3 ms added.
//   memory       heap + external bytes per idle open session (20 sessions).
import { fork, spawn } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import headless from "@xterm/headless";
import WebSocket from "ws";

const { Terminal } = headless;
const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
/** 75,000,000 input bytes → 100,000,000 base64 characters plus line breaks (CRLF through the pty). */
const FLOOD = "head -c 75000000 /dev/zero | base64";
/** TERMINAL_BENCH_ROUNDS and TERMINAL_BENCH_ONLY=throughput shorten a run while profiling the host. */
const ROUNDS = Number(process.env.TERMINAL_BENCH_ROUNDS) || 3;
const ONLY = process.env.TERMINAL_BENCH_ONLY;
const CHILD = process.env.TERMINAL_BENCH_CHILD;
const KEYS = 200;
const IDLE_SESSIONS = 40;

const log = (msg) => process.stderr.write(`${msg}\n`);
const row = (r) => process.stdout.write(`${JSON.stringify({ suite: "terminal", ...r })}\n`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

// --- the stack ----------------------------------------------------------------------------------------

/**
 * The real host with the terminal installed (and `plugins`, each `{dir, id, permissions}`, after it) on a
 * loopback port, a real sshd registered as a host, and what a client needs to reach them. Other plugins'
 * benches (session recording) measure the terminal through it.
 */
export async function startStack({ plugins = [], licensed = [] } = {}) {
  // Loaded here, not at the top: the throughput clients run in child processes that need none of this.
  const { attachPlugins, StaticEntitlements, serveHost, serverUrl } = await import("@archnest/host");
  const { addSshHost, createTestHost, installPlugins, setupAdmin, startSshd } = await import("@archnest/host/testing");
  const { createTestTrust } = await import("@archnest/sdk/testing");
  const sshd = await startSshd();
  const trust = createTestTrust();
  const t = await createTestHost();
  // multi-pane-terminal lifts the one-session cap, so the memory row can open many idle sessions.
  const attached = await attachPlugins(t.host, {
    trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }],
    entitlements: new StaticEntitlements(["multi-pane-terminal", ...licensed]),
  });
  const server = serveHost(t.host, { port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  attached.ws.attach(server);
  const admin = await setupAdmin(t.host);
  await installPlugins(t, admin, trust, [{ dir: PLUGIN_DIR, id: "terminal", permissions: ["hosts:read", "ssh:shell"] }, ...plugins]);
  // Registered and its host key trusted as an admin does it (the host refuses an untrusted key).
  const hostId = await addSshHost(t, admin, sshd, "bench");
  const keyDir = mkdtempSync(join(tmpdir(), "archnest-bench-key-"));
  const keyFile = join(keyDir, "id");
  writeFileSync(keyFile, sshd.privateKey);
  chmodSync(keyFile, 0o600);
  const wsUrl = `${serverUrl(server).replace("http", "ws")}/api/plugins/terminal/ws/session`;
  return {
    sshd,
    /** What a client process needs to reach the same sshd and session route. */
    info: () => ({ sshd: { port: sshd.port, user: sshd.user }, cookie: admin.cookie, hostId, keyFile, wsUrl }),
    privateKey: sshd.privateKey,
    cookie: admin.cookie,
    hostId,
    keyFile,
    wsUrl,
    /** Calls the host's API as the admin (`/api/plugins/<id>/settings`). */
    request: (path, init = {}) => t.host.app.request(path, { ...init, headers: { ...admin.headers, ...init.headers } }),
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await t.cleanup();
      await sshd.cleanup();
    },
  };
}

// --- a client of PROTOCOL.md --------------------------------------------------------------------------

function openSession(stack, { onOutput, cols = 80, rows = 24 }) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${stack.wsUrl}?hostId=${encodeURIComponent(stack.hostId)}&cols=${cols}&rows=${rows}`, { headers: { cookie: stack.cookie } });
    let toAck = 0;
    let ackTimer;
    const flushAck = () => {
      clearTimeout(ackTimer);
      ackTimer = undefined;
      if (toAck === 0 || ws.readyState !== WebSocket.OPEN) return;
      const f = Buffer.alloc(5);
      f[0] = 0x02;
      f.writeUInt32BE(toAck, 1);
      toAck = 0;
      ws.send(f);
    };
    const session = {
      ws,
      status: undefined,
      closed: new Promise((r) => ws.once("close", r)),
      ack(n) {
        toAck += n;
        if (toAck >= 32 * 1024) flushAck();
        else ackTimer ??= setTimeout(flushAck, 20);
      },
      input(text) {
        ws.send(Buffer.concat([Buffer.from([0x00]), Buffer.from(text)]));
      },
    };
    ws.on("message", (data) => {
      const op = data[0];
      if (op === 0x00) onOutput?.(data.subarray(1), session);
      else if (op === 0x10) {
        session.status = JSON.parse(data.subarray(1).toString());
        if (session.status.state === "connected") resolve(session);
        if (session.status.state === "error") reject(new Error(`${session.status.code}: ${session.status.message}`));
      }
    });
    ws.once("error", reject);
  });
}

function sshArgs(stack, command) {
  const args = [
    "-tt",
    "-p",
    String(stack.sshd.port),
    "-i",
    stack.keyFile,
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=ERROR",
  ];
  args.push(`${stack.sshd.user}@127.0.0.1`);
  if (command) args.push(command);
  return args;
}

// --- throughput ---------------------------------------------------------------------------------------

/** Plain OpenSSH: bytes per second from the first output byte to the end, optionally into headless xterm. */
function rawSsh(stack, parse) {
  return rawCommand("ssh", sshArgs(stack, FLOOD), parse);
}

/**
 * A program's standard output (`ssh -tt`, `docker exec -t`): bytes per second from its first output byte
 * to its exit, optionally fed to headless xterm.
 */
function rawCommand(command, args, parse) {
  return new Promise((resolve, reject) => {
    const term = parse ? new Terminal({ cols: 80, rows: 24, scrollback: 0, allowProposedApi: true }) : undefined;
    const child = spawn(command, args, { stdio: ["pipe", "pipe", "inherit"] });
    let bytes = 0;
    let first;
    let pendingWrites = 0;
    let exited = false;
    const finish = () => {
      if (!exited || pendingWrites > 0) return;
      const seconds = (performance.now() - first) / 1000;
      term?.dispose();
      resolve({ bytes, mbps: bytes / 1e6 / seconds });
    };
    child.stdout.on("data", (chunk) => {
      first ??= performance.now();
      bytes += chunk.length;
      if (term) {
        pendingWrites += 1;
        term.write(chunk, () => {
          pendingWrites -= 1;
          finish();
        });
      }
    });
    child.once("error", reject);
    child.once("close", () => {
      exited = true;
      finish();
    });
  });
}

/**
 * The floor: ssh2 (the library the host's SSH service uses) in this process, reading the same command's
 * output through a pty with no WebSocket and no terminal plugin. What ArchNest's SSH client alone costs.
 */
async function floorSsh2(stack) {
  const { Client } = await import("ssh2");
  const client = new Client();
  await new Promise((resolve, reject) => {
    client.once("ready", resolve).once("error", reject);
    client.connect({ host: "127.0.0.1", port: stack.sshd.port, username: stack.sshd.user, privateKey: stack.privateKey });
  });
  try {
    return await new Promise((resolve, reject) => {
      client.exec(FLOOD, { pty: { cols: 80, rows: 24, term: "xterm-256color" } }, (err, channel) => {
        if (err) return reject(err);
        let bytes = 0;
        let first;
        let cpu;
        channel.on("data", (chunk) => {
          if (first === undefined) {
            first = performance.now();
            cpu = process.cpuUsage();
          }
          bytes += chunk.length;
        });
        channel.once("close", () => {
          const seconds = (performance.now() - first) / 1000;
          resolve({ bytes, mbps: bytes / 1e6 / seconds, cpuMsPerMB: cpuMs(process.cpuUsage(cpu)) / (bytes / 1e6) });
        });
      });
    });
  } finally {
    client.end();
  }
}

const cpuMs = (usage) => (usage.user + usage.system) / 1000;

/** Through ArchNest: the shell runs the same command, then exits; acks after decode (or after xterm parsed it). */
async function throughArchnest(stack, parse) {
  const term = parse ? new Terminal({ cols: 80, rows: 24, scrollback: 0, allowProposedApi: true }) : undefined;
  let bytes = 0;
  let first;
  const session = await openSession(stack, {
    onOutput(data, s) {
      first ??= performance.now();
      bytes += data.length;
      if (term) term.write(data, () => s.ack(data.length));
      else s.ack(data.length);
    },
  });
  await sleep(300);
  bytes = 0;
  first = undefined;
  // Another host kind (a container's shell) may need its own spelling of the same command.
  session.input(`${stack.flood ?? FLOOD}; exit\r`);
  await session.closed;
  const seconds = (performance.now() - first) / 1000;
  term?.dispose();
  return { bytes, mbps: bytes / 1e6 / seconds };
}

// --- echo latency -------------------------------------------------------------------------------------

async function echoLatency(send, nextOutput) {
  const samples = [];
  for (let i = 0; i < KEYS; i++) {
    if (i > 0 && i % 50 === 0) {
      // Clear the line (Ctrl-U) so readline never wraps; not measured.
      const cleared = nextOutput();
      send("\x15");
      await cleared;
      await sleep(20);
    }
    const echoed = nextOutput();
    const t0 = performance.now();
    send("x");
    await echoed;
    samples.push(performance.now() - t0);
    await sleep(2);
  }
  return median(samples);
}

function outputWaiter() {
  let waiting;
  return {
    next: () =>
      new Promise((r) => {
        waiting = r;
      }),
    fire: () => {
      const w = waiting;
      waiting = undefined;
      w?.();
    },
  };
}

async function rawSshLatency(stack) {
  const out = outputWaiter();
  const child = spawn("ssh", sshArgs(stack), { stdio: ["pipe", "pipe", "inherit"] });
  child.stdout.on("data", () => out.fire());
  await sleep(1000);
  const ms = await echoLatency((k) => child.stdin.write(k), out.next);
  child.kill("SIGTERM");
  return ms;
}

async function archnestLatency(stack) {
  const out = outputWaiter();
  const session = await openSession(stack, {
    onOutput(data, s) {
      s.ack(data.length);
      out.fire();
    },
  });
  await sleep(1000);
  const ms = await echoLatency((k) => session.input(k), out.next);
  session.ws.close();
  await session.closed;
  return ms;
}

// --- memory per idle session --------------------------------------------------------------------------

async function idleMemory(stack) {
  const used = async () => {
    for (let i = 0; i < 3; i++) {
      globalThis.gc?.();
      await sleep(100);
    }
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  // Warm-up: the first session loads code paths and pools the SSH connection; that is not per session.
  const warm = await openSession(stack, { onOutput: (d, s) => s.ack(d.length) });
  await sleep(500);
  const before = await used();
  const sessions = [];
  for (let i = 0; i < IDLE_SESSIONS; i++) sessions.push(await openSession(stack, { onOutput: (d, s) => s.ack(d.length) }));
  await sleep(1500);
  const after = await used();
  for (const s of [warm, ...sessions]) s.ws.close();
  await Promise.all([warm, ...sessions].map((s) => s.closed));
  // The bench's own client sockets live in this process too: an upper bound for the host's share.
  return (after - before) / IDLE_SESSIONS;
}

/**
 * Polls the sessions route while a client runs and keeps the flood session's last output counters
 * (frames, pauses): they say why a round was slow, beside how slow it was.
 */
function watchOutput(stack) {
  let last;
  let stopped = false;
  const poll = async () => {
    while (!stopped) {
      const res = await stack.request("/api/plugins/terminal/sessions");
      if (res.ok) {
        const top = (await res.json()).sessions.map((s) => s.output).sort((a, b) => b.bytesOut - a.bytesOut)[0];
        if (top && top.bytesOut > (last?.bytesOut ?? 0)) last = top;
      }
      await sleep(250);
    }
  };
  const done = poll();
  return {
    last: () => last,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

// --- run ----------------------------------------------------------------------------------------------

/**
 * Runs one throughput client in a child process, as a browser runs on its own: the host's event loop
 * (SSH decryption, WebSocket framing) and the client's parsing must not share one thread, or the
 * comparison with `ssh` (a separate process) would be unfair to either side. A process rather than a
 * worker thread so that this process's CPU time is the host's alone: resolves with the client's result
 * and `hostCpuMs`, this process's CPU time while the client ran. `kind` is `raw` (ssh -tt), `command`
 * (`info.command` with `info.args`, such as `docker exec -t`) or `archnest` (a session to `info.hostId`,
 * typing `info.flood` or the default flood command).
 */
export function inClient(kind, info, parse) {
  return new Promise((resolve, reject) => {
    const before = process.cpuUsage();
    const client = fork(fileURLToPath(import.meta.url), [], {
      env: { ...process.env, TERMINAL_BENCH_CHILD: JSON.stringify({ kind, info, parse }) },
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let result;
    client.once("message", (m) => {
      result = m;
    });
    client.once("error", reject);
    client.once("exit", (code) => {
      if (result) resolve({ ...result, hostCpuMs: cpuMs(process.cpuUsage(before)) });
      else reject(new Error(`the ${kind} client exited with ${code} before reporting`));
    });
  });
}

async function child() {
  const { kind, info, parse } = JSON.parse(CHILD);
  const result =
    kind === "raw" ? await rawSsh(info, parse) : kind === "command" ? await rawCommand(info.command, info.args, parse) : await throughArchnest(info, parse);
  process.send(result);
  process.disconnect();
}

async function main() {
  const stack = await startStack();
  try {
    // First, on a quiet heap.
    const perSession = ONLY === "throughput" ? undefined : await idleMemory(stack);
    if (perSession !== undefined)
      row({
        name: "memory per idle session",
        metric: "memory",
        value: perSession / 1024,
        unit: "KiB",
        note: `heap+external growth over ${IDLE_SESSIONS} idle sessions, client sockets included`,
      });

    const floors = [];
    for (let round = 0; round < ROUNDS; round++) floors.push(await floorSsh2(stack));
    const floor = floors.reduce((a, b) => (b.mbps > a.mbps ? b : a));
    const floorCpu = Math.min(...floors.map((f) => f.cpuMsPerMB));
    log(`floor (ssh2 in-process, no WebSocket): ${floors.map((f) => `${f.mbps.toFixed(1)} MB/s ${f.cpuMsPerMB.toFixed(2)} ms CPU/MB`).join(", ")}`);

    for (const parse of ONLY === "throughput" ? [false] : [false, true]) {
      let best = { archnest: 0, raw: 0, bytes: 0, cpu: Number.POSITIVE_INFINITY };
      for (let round = 0; round < ROUNDS; round++) {
        const raw = await inClient("raw", stack.info(), parse);
        const watch = watchOutput(stack);
        const via = await inClient("archnest", stack.info(), parse).finally(watch.stop);
        const cpu = via.hostCpuMs / (via.bytes / 1e6);
        const o = watch.last();
        if (o)
          log(
            `  host output path: ${o.frames} frames of ${(o.bytesOut / o.frames / 1024).toFixed(1)} KiB on average, ${o.pauses} pauses, peak held ${(o.peakHeld / 1024).toFixed(0)} KiB`,
          );
        log(
          `throughput${parse ? " (headless xterm)" : ""} round ${round + 1}: raw ${raw.mbps.toFixed(1)} MB/s, ArchNest ${via.mbps.toFixed(1)} MB/s (${(via.bytes / 1e6).toFixed(1)} MB), host ${cpu.toFixed(2)} ms CPU/MB`,
        );
        best = { archnest: Math.max(best.archnest, via.mbps), raw: Math.max(best.raw, raw.mbps), bytes: via.bytes, cpu: Math.min(best.cpu, cpu) };
      }
      row({
        name: parse ? "throughput 100 MB, headless xterm.js client" : "throughput 100 MB, decode+ack client",
        metric: "throughput",
        value: best.archnest,
        unit: "MB/s",
        baseline: best.raw,
        target: { min: 0.9 * best.raw },
        ratio: false,
        note: `${(best.bytes / 1e6).toFixed(1)} MB; baseline: ssh -tt ${parse ? "into headless xterm.js" : "to a pipe"}; target 90% of baseline; best of ${ROUNDS}; ${(best.archnest / best.raw).toFixed(2)}x`,
      });
      if (!parse) {
        row({
          name: "throughput floor: ssh2 in-process, no WebSocket",
          metric: "throughput",
          value: floor.mbps,
          unit: "MB/s",
          baseline: best.raw,
          ratio: false,
          note: `what the SSH client library alone reaches on the same sshd; the terminal path is ${(best.archnest / floor.mbps).toFixed(2)}x of it; best of ${ROUNDS}`,
        });
        row({
          name: "host CPU per MB, terminal path",
          metric: "cpu",
          value: best.cpu,
          unit: "ms/MB",
          baseline: floorCpu,
          note: `this process's CPU time per MB through sshd → host → WebSocket; baseline: the floor's (ssh2 alone); least of ${ROUNDS}`,
        });
      }
    }
    if (ONLY === "throughput") return;

    const raw = [];
    const via = [];
    for (let round = 0; round < ROUNDS; round++) {
      raw.push(await rawSshLatency(stack));
      via.push(await archnestLatency(stack));
      log(`echo latency round ${round + 1}: raw ${raw.at(-1).toFixed(2)} ms, ArchNest ${via.at(-1).toFixed(2)} ms`);
    }
    const rawMs = Math.min(...raw);
    const viaMs = Math.min(...via);
    row({
      name: "keystroke echo latency, median",
      metric: "latency",
      value: viaMs,
      unit: "ms",
      baseline: rawMs,
      target: { max: rawMs + 3 },
      ratio: false,
      note: `${KEYS} keys; added over plain ssh: ${(viaMs - rawMs).toFixed(2)} ms (target 3 ms)`,
    });
  } finally {
    await stack.close();
  }
}

// Other benches import this file for its stack and clients; it measures only when run itself.
if (CHILD) await child();
else if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
