// Host kernel speed (run by `npm run bench`, reads the built dist):
// - cold start to ready (spawn to /readyz 200) with 0 and with 30 installed plugins, against a bare Hono
//   server's spawn-to-first-answer in the same run. Target: ready in under 1 s with 30 plugins.
// - install latency of a 1 MB plugin (verify, extract, activate), mean over bounded rounds.
// - requests per second through auth and the license gate on a trivial plugin route, against a bare Hono
//   route in the same process and the same client. Target: at least 85% of the bare route.
// Everything listens on 127.0.0.1; loops are bounded in count and time.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { attachPlugins, createHost, loadEnv, StaticEntitlements, serveHost } from "@archnest/host";
import { readSetupCode } from "@archnest/host/testing";
import { createTestTrust, packAndSign } from "@archnest/sdk/testing";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const HOST_MAIN = fileURLToPath(new URL("../dist/main.js", import.meta.url));
const row = (r) => process.stdout.write(`${JSON.stringify({ suite: "host", ...r })}\n`);
const log = (m) => process.stderr.write(`${m}\n`);
const dir = mkdtempSync(join(tmpdir(), "archnest-host-bench-"));
const trust = createTestTrust();
const trustFiles = trust.writeFiles(dir);
const masterKey = randomBytes(32).toString("base64");

function fixture(id, version, payloadBytes = 0) {
  const d = join(dir, "src", `${id}-${version}`);
  mkdirSync(d, { recursive: true });
  writeFileSync(
    join(d, "package.json"),
    JSON.stringify({ name: `@test/${id}`, version, type: "module", archnest: { id, displayName: id, module: "free", sdk: "^1.0.0", server: "server.js" } }),
  );
  writeFileSync(
    join(d, "server.js"),
    `export default { $archnest: "plugin", sdk: "1.0.0", setup(ctx) { ctx.routes.mount({ fetch: () => new Response("ok") }); } };\n`,
  );
  if (payloadBytes) writeFileSync(join(d, "payload.bin"), randomBytes(payloadBytes));
  return packAndSign(d, trust.release, join(dir, `${id}-${version}.tgz`));
}

function env(dataDir) {
  return loadEnv({
    ARCHNEST_DATA_DIR: dataDir,
    ARCHNEST_MASTER_KEY: masterKey,
    ARCHNEST_TRUST_ROOT: trustFiles.rootPub,
    ARCHNEST_TRUST_KEYRING: trustFiles.keyring,
    ARCHNEST_CORE_PLUGINS_DIR: join(dir, "no-core"),
    ARCHNEST_LOG_LEVEL: "error",
  });
}

async function boot(dataDir, entitlements = new StaticEntitlements()) {
  const host = await createHost(env(dataDir), {
    log: {
      level: "error",
      debug() {},
      info() {},
      warn() {},
      error() {},
      child() {
        return this;
      },
    },
  });
  const attached = await attachPlugins(host, { trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }], entitlements });
  return { host, attached };
}

async function timeToReady(args, url, envVars) {
  const start = performance.now();
  const proc = spawn(process.execPath, args, { env: { ...process.env, ...envVars }, stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d) => (stderr += d));
  try {
    const deadline = performance.now() + 30_000;
    while (performance.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`${args.join(" ")} exited with ${proc.exitCode}: ${stderr.slice(-800)}`);
      try {
        const res = await fetch(url);
        if (res.ok) return performance.now() - start;
      } catch {}
      await new Promise((r) => setTimeout(r, 5));
    }
    throw new Error(`${url} never became ready: ${stderr.slice(-500)}`);
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) {
      proc.kill("SIGTERM");
      await new Promise((r) => proc.once("exit", r));
    }
  }
}

const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

async function coldStart() {
  const empty = join(dir, "data-0");
  const thirty = join(dir, "data-30");
  await (await boot(empty)).host.close();
  const b = await boot(thirty);
  for (let i = 0; i < 30; i += 1) await b.attached.runtime.install(await fixture(`p${i}`, "1.0.0"), { source: "file" });
  await b.host.close();
  const port = 18_000 + Math.floor(Math.random() * 20_000);
  const bare = `import { serve } from "@hono/node-server"; import { Hono } from "hono"; serve({ fetch: new Hono().get("/readyz", (c) => c.text("ok")).fetch, port: ${port}, hostname: "127.0.0.1" });`;
  const bareFile = join(fileURLToPath(new URL(".", import.meta.url)), `.bare-${process.pid}.mjs`);
  writeFileSync(bareFile, bare);
  const samples = { bare: [], 0: [], 30: [] };
  try {
    for (let round = 0; round < 3; round += 1) {
      samples.bare.push(await timeToReady([bareFile], `http://127.0.0.1:${port}/readyz`, {}));
      for (const [n, d] of [
        [0, empty],
        [30, thirty],
      ]) {
        const e = env(d);
        samples[n].push(
          await timeToReady([HOST_MAIN], `http://127.0.0.1:${port}/readyz`, {
            ARCHNEST_DATA_DIR: e.dataDir,
            ARCHNEST_PORT: String(port),
            ARCHNEST_HOST: "127.0.0.1",
            ARCHNEST_MASTER_KEY: masterKey,
            ARCHNEST_TRUST_ROOT: trustFiles.rootPub,
            ARCHNEST_TRUST_KEYRING: trustFiles.keyring,
            ARCHNEST_CORE_PLUGINS_DIR: join(dir, "no-core"),
            ARCHNEST_LOG_LEVEL: "error",
          }),
        );
      }
    }
  } finally {
    rmSync(bareFile, { force: true });
  }
  const base = median(samples.bare);
  row({ name: "cold start to ready, 0 plugins", metric: "time", value: median(samples[0]), unit: "ms", baseline: base, target: { max: 1000 } });
  row({ name: "cold start to ready, 30 plugins", metric: "time", value: median(samples[30]), unit: "ms", baseline: base, target: { max: 1000 } });
}

async function installLatency() {
  const { host, attached } = await boot(join(dir, "data-install"));
  const times = [];
  const deadline = Date.now() + 20_000;
  for (let i = 0; i < 8 && Date.now() < deadline; i += 1) {
    const file = await fixture("big", `1.0.${i}`, 1024 * 1024);
    const t = performance.now();
    await attached.runtime.install(file, { source: "file" });
    times.push(performance.now() - t);
  }
  await host.close();
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  row({
    name: "install a 1 MB plugin (verify, extract, activate)",
    metric: "time",
    value: Number(mean.toFixed(1)),
    unit: "ms",
    note: `${times.length} installs`,
  });
}

const LOAD_CLIENT = fileURLToPath(new URL("./load-client.mjs", import.meta.url));

/**
 * Loads `url` from a client in its own process for `seconds`: the requests per second it got, and the CPU
 * time this process (the servers) spent per request, which CPU contention from other processes on the
 * machine moves much less than it moves throughput.
 */
function load(url, headers, seconds, concurrency = 32) {
  const cpu0 = process.cpuUsage();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [LOAD_CLIENT, JSON.stringify({ url, headers, seconds, concurrency })], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.once("error", reject);
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`load client exited with ${code}: ${err.slice(-500)}`));
      const { requests, seconds: took } = JSON.parse(out);
      const cpu = process.cpuUsage(cpu0);
      resolve({ rps: requests / took, cpuPerRequest: (cpu.user + cpu.system) / requests });
    });
  });
}

async function gatedRoute() {
  const { host, attached } = await boot(join(dir, "data-rps"));
  await attached.runtime.install(await fixture("trivial", "1.0.0"), { source: "file" });
  const setup = await host.app.request("/api/setup", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: "bench password 123", setupCode: readSetupCode(host.config.dataDir) }),
  });
  const cookie = (setup.headers.get("set-cookie") ?? "").split(";")[0];
  const server = serveHost(host, { port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  const bare = serve({ fetch: new Hono().get("/x", (c) => c.text("ok")).fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => bare.once("listening", r));
  const hostUrl = `http://127.0.0.1:${server.address().port}/api/plugins/trivial/x`;
  const bareUrl = `http://127.0.0.1:${bare.address().port}/x`;
  await load(hostUrl, { cookie }, 1);
  await load(bareUrl, {}, 1);
  // Alternating rounds, so a change in the machine's load hits both sides alike; medians of each.
  const gatedSide = { rps: [], cpu: [] };
  const plain = { rps: [], cpu: [] };
  for (let round = 0; round < 5; round += 1) {
    for (const [side, url, headers] of [
      [gatedSide, hostUrl, { cookie }],
      [plain, bareUrl, {}],
    ]) {
      const r = await load(url, headers, 1.5);
      side.rps.push(r.rps);
      side.cpu.push(r.cpuPerRequest);
    }
  }
  server.close();
  bare.close();
  await host.close();
  const gated = median(gatedSide.rps);
  const bareRps = median(plain.rps);
  row({
    name: "gated plugin route vs bare Hono route",
    metric: "throughput",
    value: Math.round(gated),
    unit: "req/s",
    baseline: Math.round(bareRps),
    target: { min: Math.round(bareRps * 0.85) },
    note: "target: at least 85% of the bare route's req/s; median of 5 alternating rounds",
  });
  row({
    name: "gated plugin route vs bare Hono route: server CPU per request",
    metric: "cpu",
    value: Number(median(gatedSide.cpu).toFixed(1)),
    unit: "us",
    baseline: Number(median(plain.cpu).toFixed(1)),
    note: "information: what auth, the gate and the forwarding add per request on top of Node's HTTP and Hono",
  });
}

try {
  log("host bench: cold start");
  await coldStart();
  log("host bench: install latency");
  await installLatency();
  log("host bench: gated route throughput");
  await gatedRoute();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
