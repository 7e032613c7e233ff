// Docker plugin speed (issue 7, "Speed"; run by `npm run bench`, reads the built dist of host and plugin):
// listing 100 containers through ArchNest (HTTP into the host, session and license gate, the plugin's
// route, dockerode, the engine, and JSON back) against a direct dockerode call to the same engine in the
// same run. Target: at most 20% overhead (median of interleaved rounds).
//
// A real dockerd (Debian docker.io) runs on its own socket with --bridge=none --iptables=false and vfs.
// Its data root persists under the temp folder so the 100 containers (created, never started) are made
// once and reused by later runs; the socket, exec root and pid file are fresh each run.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { attachPlugins, createHost, loadEnv, StaticEntitlements, serveHost, serverUrl } from "@archnest/host";
import { createTestTrust, packAndSign } from "@archnest/sdk/testing";
import { loadWebApp } from "@archnest/web/serve";
import Docker from "dockerode";
import { chromium } from "playwright-core";

const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
const BOOKMARKS_DIR = fileURLToPath(new URL("../../bookmarks", import.meta.url));
const CHROMIUM = "/usr/bin/chromium";
const PAGE_LOADS = 7;
const DATA_ROOT = join(tmpdir(), "archnest-bench-dockerd-data");
const IMAGE = "archnest-bench/busybox:1";
const CONTAINERS = 100;
const ROUNDS = 100;
const WARMUP = 10;

const row = (r) => process.stdout.write(`${JSON.stringify({ suite: "docker", ...r })}\n`);
const log = (m) => process.stderr.write(`${m}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
};

for (const bin of ["/usr/sbin/dockerd", "/bin/busybox"]) {
  if (!existsSync(bin)) {
    log(`${bin} is missing: run scripts/install-system-deps.sh as root (docker.io, busybox-static)`);
    process.exit(1);
  }
}

const run = mkdtempSync(join(tmpdir(), "an-dbench-"));
const socketPath = join(run, "docker.sock");
mkdirSync(DATA_ROOT, { recursive: true });
const dockerd = spawn(
  "/usr/sbin/dockerd",
  [
    "--host",
    `unix://${socketPath}`,
    "--data-root",
    DATA_ROOT,
    "--exec-root",
    join(run, "exec"),
    "--pidfile",
    join(run, "docker.pid"),
    "--bridge=none",
    "--iptables=false",
    "--ip6tables=false",
    "--storage-driver=vfs",
    "--shutdown-timeout=2",
  ],
  { stdio: ["ignore", "ignore", "pipe"] },
);
// If this process dies on an uncaught error, the engine it started must not outlive it.
process.on("exit", () => {
  if (dockerd.exitCode === null) dockerd.kill("SIGKILL");
});
let dockerdLog = "";
dockerd.stderr.on("data", (d) => (dockerdLog = (dockerdLog + d).slice(-5000)));

let host;
let server;
const cleanup = async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
  await host?.close();
  if (dockerd.exitCode === null) {
    const exited = new Promise((r) => dockerd.once("exit", r));
    dockerd.kill("SIGTERM");
    const t = setTimeout(() => dockerd.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(t);
  }
  rmSync(run, { recursive: true, force: true });
};

process.on("uncaughtException", async (err) => {
  log(`docker bench failed: ${err.stack ?? err}`);
  process.exitCode = 1;
  await cleanup();
  process.exit(1);
});

try {
  const docker = new Docker({ socketPath });
  const until = Date.now() + 60_000;
  for (;;) {
    try {
      await docker.ping();
      break;
    } catch {
      if (dockerd.exitCode !== null || Date.now() > until) throw new Error(`dockerd did not start:\n${dockerdLog}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  if ((await docker.listImages({ filters: { reference: [IMAGE] } })).length === 0) {
    log("importing the busybox image…");
    const root = join(run, "rootfs");
    mkdirSync(join(root, "bin"), { recursive: true });
    copyFileSync("/bin/busybox", join(root, "bin", "busybox"));
    symlinkSync("busybox", join(root, "bin", "sh"));
    const tar = join(run, "rootfs.tar");
    spawnSync("tar", ["-C", root, "-cf", tar, "."]);
    const [repo, tag] = IMAGE.split(":");
    const progress = await docker.importImage(createReadStream(tar), { repo, tag });
    await new Promise((resolve, reject) => docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve())));
  }
  const existing = await docker.listContainers({ all: true, filters: { label: ["archnest.bench=1"] } });
  if (existing.length < CONTAINERS) {
    log(`creating ${CONTAINERS - existing.length} containers (once; later runs reuse them)…`);
    const started = Date.now();
    for (let i = existing.length; i < CONTAINERS; i++) {
      // The bench runner kills a file after 150 s; stop well before that so cleanup still runs.
      if (Date.now() - started > 90_000) throw new Error("creating the containers took over 90 s");
      await docker.createContainer({
        name: `bench-${randomBytes(4).toString("hex")}`,
        Image: IMAGE,
        Cmd: ["/bin/busybox", "sh", "-c", "sleep 3600"],
        Labels: { "archnest.bench": "1" },
        HostConfig: { NetworkMode: "none" },
      });
    }
  }
  const total = (await docker.listContainers({ all: true })).length;
  log(`engine has ${total} containers`);

  // ArchNest: host from dist, the Docker plugin from its built dist, signed and installed as a core plugin.
  const trust = createTestTrust();
  const core = join(run, "core");
  mkdirSync(core);
  await packAndSign(PLUGIN_DIR, trust.release, join(core, "docker.tgz"));
  await packAndSign(BOOKMARKS_DIR, trust.release, join(core, "bookmarks.tgz"));
  const web = loadWebApp();
  const config = loadEnv({
    ARCHNEST_DATA_DIR: join(run, "data"),
    ARCHNEST_MASTER_KEY: randomBytes(32).toString("base64"),
    XDG_CONFIG_HOME: join(run, "config"),
    ARCHNEST_LOG_LEVEL: "error",
  });
  host = await createHost(config, { cspScriptHashes: web.cspScriptHashes });
  await attachPlugins(host, {
    trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }],
    entitlements: new StaticEntitlements([]),
    corePluginsDir: core,
  });
  host.app.get("*", async (c, next) => web.handle(c.req.raw) ?? next());
  server = serveHost(host, { port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => server.once("listening", r));
  const url = serverUrl(server);
  const setup = await fetch(`${url}/api/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: "correct horse battery" }),
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
  for (let i = 0; i < WARMUP; i++) {
    await direct();
    await through();
  }
  const a = [];
  const b = [];
  // Interleaved, so drift in the engine or the machine hits both sides alike.
  for (let i = 0; i < ROUNDS; i++) {
    if (i % 2 === 0) {
      b.push(await direct());
      a.push(await through());
    } else {
      a.push(await through());
      b.push(await direct());
    }
  }
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
  // Glance in Debian chromium, signed in, with the Docker and Bookmarks widgets and 100 containers:
  // time from navigation to the shell's Glance heading (the baseline), and to the real container counts.
  if (existsSync(CHROMIUM)) {
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
    try {
      const eq = cookie.indexOf("=");
      const [name, value] = [cookie.slice(0, eq), cookie.slice(eq + 1)];
      const shell = [];
      const counts = [];
      for (let i = 0; i < PAGE_LOADS + 1; i++) {
        const context = await browser.newContext();
        await context.addCookies([{ name, value, url }]);
        const page = await context.newPage();
        const t0 = performance.now();
        await page.goto(`${url}/`);
        await page.getByRole("heading", { name: "Glance", level: 1 }).waitFor({ timeout: 20_000 });
        const t1 = performance.now();
        await page.locator('[data-testid="docker-widget"] [data-testid="stopped-count"]').waitFor({ timeout: 20_000 });
        const t2 = performance.now();
        const text = await page.locator('[data-testid="docker-widget"] [data-testid="stopped-count"]').textContent();
        if (text !== `${total} stopped`) throw new Error(`Glance showed "${text}", expected ${total} stopped`);
        // The first load warms the browser's cache of the app and plugin bundles: not counted.
        if (i > 0) {
          shell.push(t1 - t0);
          counts.push(t2 - t0);
        }
        await context.close();
      }
      row({
        name: `Glance: container counts shown (${total} containers, median of ${PAGE_LOADS} loads)`,
        metric: "time",
        value: Math.round(median(counts)),
        unit: "ms",
        baseline: Math.round(median(shell)),
        ratio: false,
        target: { max: 1500 },
        note: "baseline: the same load until the shell's Glance heading shows",
      });
    } finally {
      await browser.close();
    }
  } else log(`${CHROMIUM} is missing: the Glance load is not measured`);
} catch (err) {
  log(`docker bench failed: ${err.stack ?? err}`);
  process.exitCode = 1;
} finally {
  await cleanup();
}
