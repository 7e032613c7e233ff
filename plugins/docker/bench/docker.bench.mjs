// Docker plugin speed (run by `npm run bench`, reads the built dist of host and plugin):
// listing 100 containers through ArchNest (HTTP into the host, session and license gate, the plugin's
// route, dockerode, the engine, and JSON back) against a direct dockerode call to the same engine in the
// same run. Target: at most 20% overhead (median of interleaved rounds). The Glance page with these
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
  bare = http.createServer(async (_req, res) => {
    const list = await docker.listContainers({ all: true });
    const containers = list.map((c) => ({
      id: c.Id,
      name: c.Names?.[0],
      image: c.Image,
      state: c.State,
      status: c.Status,
      createdAt: c.Created * 1000,
      ports: c.Ports,
    }));
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ containers }));
  });
  await new Promise((r) => bare.listen(0, "127.0.0.1", r));
  const bareUrl = `http://127.0.0.1:${bare.address().port}/`;
  const viaBare = async () => {
    const t0 = performance.now();
    const res = await get(bareUrl);
    const ms = performance.now() - t0;
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
  const base = median(b);
  row({
    name: `list ${total} containers through ArchNest (median of ${ROUNDS})`,
    metric: "time",
    value: Math.round(ours * 100) / 100,
    unit: "ms",
    baseline: Math.round(base * 100) / 100,
    target: { ratio: 1.2 },
    note: "baseline: dockerode listContainers on the same socket",
  });
  row({
    name: "ArchNest's own time per list (total minus the engine call, median)",
    metric: "time",
    value: Math.round(median(onTop) * 100) / 100,
    unit: "ms",
    ratio: false,
    note: "HTTP, session, license gate and the plugin route; the engine call is timed inside the plugin (Server-Timing)",
  });
  row({
    name: `list ${total} containers through a bare node:http proxy (the floor, median of ${ROUNDS})`,
    metric: "time",
    value: Math.round(median(p) * 100) / 100,
    unit: "ms",
    baseline: Math.round(base * 100) / 100,
    note: "information: what one HTTP hop with the same call and JSON costs on this machine, without ArchNest",
  });
} catch (err) {
  log(`docker bench failed: ${err.stack ?? err}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
