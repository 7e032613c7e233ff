// Docker plugin speed (run by `npm run bench`, reads the built dist of host and plugin):
// listing 100 containers through ArchNest (HTTP into the host, session and license gate, the plugin's
// route, dockerode, the engine, and JSON back) against the floor, a bare node:http server in the same
// process making the same engine call and answering the same JSON, in the same run. Targets: within 1.1x
// of the floor, and ArchNest's own time per list (each side's total minus its engine call, timed on the
// server and sent as Server-Timing; ArchNest's minus the floor's) under 1 ms. Medians of interleaved
// rounds; a direct dockerode call is shown beside them. The Glance page with these
// containers (and 20 SSH hosts) is measured in web/bench/glance.bench.mjs.
//
// The engine (bench-engine.mjs) is a real dockerd on its own socket; its data root persists under the temp
// folder so the 100 containers (created, never started) are made once and reused by later runs.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { attachPlugins, createHost, loadEnv, StaticEntitlements, serveHost, serverUrl } from "@archnest/host";
import { readSetupCode } from "@archnest/host/testing";
import { createTestTrust, packAndSign } from "@archnest/sdk/testing";
import { missingEngineBinaries, startBenchEngine } from "./bench-engine.mjs";

const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
const DATA_ROOT = join(tmpdir(), "archnest-bench-dockerd-data");
const CONTAINERS = 100;
const ROUNDS = 300;
const WARMUP = 10;

const row = (r) => process.stdout.write(`${JSON.stringify({ suite: "docker", ...r })}\n`);
const log = (m) => process.stderr.write(`${m}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

const missing = missingEngineBinaries();
if (missing) {
  log(missing);
  process.exit(1);
}

const run = mkdtempSync(join(tmpdir(), "an-dbench-"));
let engine;
let host;
let server;
let bare;
const cleanup = async () => {
  if (bare) {
    bare.closeAllConnections();
    await new Promise((r) => bare.close(r));
  }
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  await host?.close();
  await engine?.stop();
  rmSync(run, { recursive: true, force: true });
};

process.on("uncaughtException", async (err) => {
  log(`docker bench failed: ${err.stack ?? err}`);
  process.exitCode = 1;
  await cleanup();
  process.exit(1);
});

try {
  engine = await startBenchEngine({ dataRoot: DATA_ROOT, containers: CONTAINERS, log });
  const { docker, socketPath, total } = engine;
  log(`engine has ${total} containers`);

  // ArchNest: host from dist, the Docker plugin from its built dist, signed and installed as a core plugin.
  const trust = createTestTrust();
  const core = join(run, "core");
  mkdirSync(core);
  await packAndSign(PLUGIN_DIR, trust.release, join(core, "docker.tgz"));
  const config = loadEnv({
    ARCHNEST_DATA_DIR: join(run, "data"),
    ARCHNEST_MASTER_KEY: randomBytes(32).toString("base64"),
    XDG_CONFIG_HOME: join(run, "config"),
    ARCHNEST_LOG_LEVEL: "error",
  });
  host = await createHost(config);
  await attachPlugins(host, {
    trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }],
    entitlements: new StaticEntitlements([]),
    corePluginsDir: core,
  });
  server = serveHost(host, { port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  const url = serverUrl(server);
  const setup = await fetch(`${url}/api/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: "correct horse battery", setupCode: readSetupCode(config.dataDir) }),
  });
  const cookie = (setup.headers.get("set-cookie") ?? "").split(";")[0];
  const { csrfToken } = await setup.json();
  const headers = { cookie, "x-archnest-csrf": csrfToken, "content-type": "application/json" };
  const added = await fetch(`${url}/api/plugins/docker/sources`, {
    method: "POST",
    headers,
    body: JSON.stringify({ name: "bench", kind: "unix", socketPath }),
  });
  if (added.status !== 201) throw new Error(`adding the source failed: ${added.status} ${await added.text()}`);
  const { id } = await added.json();
  const listUrl = `${url}/api/plugins/docker/sources/${id}/containers`;

  const direct = async () => {
    const t0 = performance.now();
    const list = await docker.listContainers({ all: true });
    const ms = performance.now() - t0;
    if (list.length !== total) throw new Error(`direct call listed ${list.length}`);
    return ms;
  };
  const onTop = [];
  // node:http with a keep-alive agent on both sides: dockerode speaks to the engine the same way.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const get = (target) =>
    new Promise((resolve, reject) => {
      http
        .get(target, { agent, headers: { cookie } }, (res) => {
          const chunks = [];
          res.on("data", (c) => chunks.push(c));
          res.on("end", () => resolve({ headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString("utf8")) }));
          res.on("error", reject);
        })
        .on("error", reject);
    });
  const through = async () => {
    const t0 = performance.now();
    const res = await get(listUrl);
    const body = res.body;
    const ms = performance.now() - t0;
    // The plugin reports the engine call's own time; the rest is ArchNest (HTTP, auth, gate, plugin).
    const engineMs = Number(/engine;dur=([\d.]+)/.exec(String(res.headers["server-timing"] ?? ""))?.[1]);
    if (Number.isFinite(engineMs)) onTop.push(ms - engineMs);
    if (body.containers?.length !== total) throw new Error(`ArchNest listed ${body.containers?.length}: ${JSON.stringify(body).slice(0, 300)}`);
    return ms;
  };
  // The floor for any HTTP service in front of the engine: a bare node:http server in this process that makes
  // the same call and answers the same JSON shape, with nothing else (no session, gate, router or plugin).
  const bareOnTop = [];
  bare = http.createServer(async (_req, res) => {
    const t0 = performance.now();
    const list = await docker.listContainers({ all: true });
    const engineMs = performance.now() - t0;
    const containers = list.map((c) => ({
      id: c.Id,
      name: c.Names?.[0],
      image: c.Image,
      state: c.State,
      status: c.Status,
      createdAt: c.Created * 1000,
      ports: c.Ports,
    }));
    res.writeHead(200, { "content-type": "application/json", "server-timing": `engine;dur=${engineMs.toFixed(2)}` });
    res.end(JSON.stringify({ containers }));
  });
  await new Promise((r) => bare.listen(0, "127.0.0.1", r));
  const bareUrl = `http://127.0.0.1:${bare.address().port}/`;
  const viaBare = async () => {
    const t0 = performance.now();
    const res = await get(bareUrl);
    const ms = performance.now() - t0;
    const engineMs = Number(/engine;dur=([\d.]+)/.exec(String(res.headers["server-timing"] ?? ""))?.[1]);
    if (Number.isFinite(engineMs)) bareOnTop.push(ms - engineMs);
    if (res.body.containers.length !== total) throw new Error(`the bare proxy listed ${res.body.containers.length}`);
    return ms;
  };
  for (let i = 0; i < WARMUP; i++) {
    await direct();
    await through();
    await viaBare();
  }
  const a = [];
  const b = [];
  const p = [];
  // Interleaved in a rotating order, so drift in the engine or the machine hits every side alike.
  const sides = [() => direct().then((ms) => b.push(ms)), () => through().then((ms) => a.push(ms)), () => viaBare().then((ms) => p.push(ms))];
  for (let i = 0; i < ROUNDS; i++) for (let k = 0; k < sides.length; k++) await sides[(i + k) % sides.length]();
  const ours = median(a);
  const floor = median(p);
  const ms = (x) => Math.round(x * 100) / 100;
  row({
    name: `list ${total} containers through ArchNest (median of ${ROUNDS})`,
    metric: "time",
    value: ms(ours),
    unit: "ms",
    baseline: ms(floor),
    target: { ratio: 1.1 },
    note: "baseline: a bare node:http server in this process making the same engine call and answering the same JSON (the floor)",
  });
  const own = median(onTop) - median(bareOnTop);
  row({
    name: "ArchNest's own time per list, beyond the floor's (median)",
    metric: "time",
    value: ms(own),
    unit: "ms",
    target: { max: 1 },
    ratio: false,
    note: `each side's total minus its engine call (Server-Timing): ArchNest ${ms(median(onTop))} ms, the floor ${ms(median(bareOnTop))} ms; the difference is the session, license gate, routers and the plugin route`,
  });
  row({
    name: `list ${total} containers with dockerode directly (median of ${ROUNDS})`,
    metric: "time",
    value: ms(median(b)),
    unit: "ms",
    note: "information: the engine call alone, no HTTP hop in front of it",
  });
} catch (err) {
  log(`docker bench failed: ${err.stack ?? err}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
