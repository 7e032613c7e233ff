#!/usr/bin/env node
// Reattaching a persistent session, on loopback: a real sshd, the real host with the terminal and
// persistent-sessions installed (signed, through the plugin API, licensed), and a Node client that speaks
// PROTOCOL.md and acknowledges output after a headless xterm.js parsed it, as the browser does. Rows go to
// stdout as JSON, one per line (scripts/bench.mjs); progress goes to stderr.
//
//   reattach  a detached session holding a full scrollback ring (1 MiB, the default setting): from opening
//             the socket with attach=<id> until the whole replay is parsed and a keystroke's echo is parsed
//             after it. Median of ROUNDS. Target: under 200 ms.
//   floor     a fresh session on the same host, same client: from opening the socket until the prompt is
//             parsed and a keystroke's echo is parsed after it (the SSH channel open and the shell start).
import headless from "@xterm/headless";
import WebSocket from "ws";

const { Terminal } = headless;
const PLUGINS = new URL("../../", import.meta.url);
const ROUNDS = 7;
const SCROLLBACK = 1024 * 1024;

const log = (msg) => process.stderr.write(`${msg}\n`);
const row = (r) => process.stdout.write(`${JSON.stringify({ suite: "persistent-sessions", ...r })}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function startStack() {
  const { attachPlugins, StaticEntitlements, serveHost, serverUrl } = await import("@archnest/host");
  const { addSshHost, createTestHost, installPlugins, setupAdmin, startSshd } = await import("@archnest/host/testing");
  const { createTestTrust } = await import("@archnest/sdk/testing");
  const sshd = await startSshd();
  const trust = createTestTrust();
  const t = await createTestHost();
  const attached = await attachPlugins(t.host, {
    trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }],
    entitlements: new StaticEntitlements(["persistent-sessions", "multi-pane-terminal"]),
  });
  const server = serveHost(t.host, { port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  attached.ws.attach(server);
  const admin = await setupAdmin(t.host);
  await installPlugins(t, admin, trust, [{ dir: new URL("persistent-sessions/", PLUGINS).pathname, id: "persistent-sessions", permissions: [] }]);
  const hostId = await addSshHost(t, admin, sshd, "bench");
  const base = serverUrl(server);
  return {
    base,
    hostId,
    cookie: admin.cookie,
    headers: admin.headers,
    async close() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await t.cleanup();
      await sshd.cleanup();
    },
  };
}

/**
 * A session socket whose output goes through a headless xterm.js; acks follow the parse, batched as the
 * browser batches them. `parsed` counts bytes xterm.js finished with; `waitFor` resolves once a predicate
 * on the parsed text holds.
 */
function connect(stack, query) {
  const ws = new WebSocket(`${stack.base.replace("http", "ws")}/api/plugins/terminal/ws/session?${query}`, { headers: { cookie: stack.cookie } });
  const term = new Terminal({ cols: 100, rows: 30, scrollback: 1000, allowProposedApi: true });
  const decoder = new TextDecoder();
  const c = { ws, parsed: 0, text: "", status: [], waiters: new Set() };
  let toAck = 0;
  let timer;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (toAck === 0 || ws.readyState !== WebSocket.OPEN) return;
    const f = Buffer.alloc(5);
    f[0] = 0x02;
    f.writeUInt32BE(toAck, 1);
    toAck = 0;
    ws.send(f);
  };
  const check = () => {
    for (const w of [...c.waiters]) {
      if (!w.ready()) continue;
      c.waiters.delete(w);
      w.resolve();
    }
  };
  ws.on("message", (data) => {
    if (data[0] === 0x10) {
      c.status.push(JSON.parse(data.subarray(1).toString()));
      check();
      return;
    }
    if (data[0] !== 0x00) return;
    const chunk = data.subarray(1);
    term.write(chunk, () => {
      c.parsed += chunk.length;
      c.text = (c.text + decoder.decode(chunk, { stream: true })).slice(-4096);
      toAck += chunk.length;
      if (toAck >= 32 * 1024) flush();
      else timer ??= setTimeout(flush, 20);
      check();
    });
  });
  c.opened = new Promise((resolve, reject) => {
    ws.once("open", resolve);
    ws.once("error", reject);
  });
  c.closed = new Promise((r) => ws.once("close", r));
  c.waitFor = (ready, what, ms = 30_000) =>
    new Promise((resolve, reject) => {
      const w = { ready, resolve };
      const t = setTimeout(() => {
        c.waiters.delete(w);
        reject(new Error(`timed out waiting for ${what}`));
      }, ms);
      w.resolve = () => {
        clearTimeout(t);
        resolve();
      };
      c.waiters.add(w);
      check();
    });
  c.input = (s) => ws.send(Buffer.concat([Buffer.from([0x00]), Buffer.from(s)]));
  c.close = async () => {
    ws.close(1000);
    await c.closed;
    term.dispose();
  };
  c.session = () => c.status.find((s) => s.state === "session");
  return c;
}

/** Types one key and resolves when its echo is parsed (the key is a letter nothing else prints). */
async function echo(c, key) {
  const before = c.parsed;
  c.input(key);
  await c.waitFor(() => c.parsed > before && c.text.endsWith(key), `the echo of ${key}`);
}

async function sessions(stack) {
  const res = await fetch(`${stack.base}/api/plugins/persistent-sessions/sessions`, { headers: { cookie: stack.cookie } });
  return (await res.json()).sessions;
}

async function main() {
  const stack = await startStack();
  try {
    // One session, its ring filled to the brim with printable lines.
    const filler = connect(stack, `hostId=${encodeURIComponent(stack.hostId)}&cols=100&rows=30`);
    await filler.waitFor(() => filler.session(), "the session status");
    const id = filler.session().id;
    filler.input("head -c 1500000 /dev/urandom | base64 -w 99; echo FILL_$((1+1))_DONE\r");
    await filler.waitFor(() => filler.text.includes("FILL_2_DONE"), "the filler output", 120_000);
    await filler.close();
    const kept = (await sessions(stack)).find((s) => s.id === id);
    log(`detached session ${id} keeps ${kept.scrollbackBytes} bytes`);
    if (kept.scrollbackBytes < SCROLLBACK - 4096) throw new Error(`the ring holds ${kept.scrollbackBytes} bytes, not a full ${SCROLLBACK}`);

    const reattach = [];
    const floor = [];
    for (let i = 0; i < ROUNDS; i++) {
      const ring = (await sessions(stack)).find((s) => s.id === id).scrollbackBytes;
      let t0 = performance.now();
      const c = connect(stack, `attach=${id}&cols=100&rows=30`);
      await c.waitFor(() => c.parsed >= ring - 4096 && c.text.includes("FILL_2_DONE"), "the replay");
      await echo(c, "q");
      reattach.push(performance.now() - t0);
      await c.close();

      t0 = performance.now();
      const f = connect(stack, `hostId=${encodeURIComponent(stack.hostId)}&cols=100&rows=30`);
      await f.waitFor(() => /[#$] $/.test(f.text), "the prompt");
      await echo(f, "q");
      floor.push(performance.now() - t0);
      const fresh = f.session().id;
      await f.close();
      await fetch(`${stack.base}/api/plugins/persistent-sessions/sessions/${fresh}`, { method: "DELETE", headers: stack.headers });
      log(`round ${i + 1}: reattach ${reattach.at(-1).toFixed(1)} ms, fresh session ${floor.at(-1).toFixed(1)} ms`);
    }
    const note = `replay of ${(SCROLLBACK / 1024).toFixed(0)} KiB parsed by headless xterm.js, then one keystroke echoed; median of ${ROUNDS}`;
    row({
      name: "reattach, 1 MiB scrollback, to echo",
      metric: "time",
      value: median(reattach),
      unit: "ms",
      baseline: median(floor),
      target: { max: 200 },
      note,
    });
    row({
      name: "fresh session, to echo (floor)",
      metric: "time",
      value: median(floor),
      unit: "ms",
      note: "open, SSH channel, shell prompt, one keystroke echoed",
    });
  } finally {
    await stack.close();
  }
}

await main();
