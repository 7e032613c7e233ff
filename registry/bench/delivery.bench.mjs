// Registry speed (`npm run bench`): gated delivery of a 1 MB paid tarball through the whole
// registry (signed request, install and nonce checks, purchase lookup, the bytes from its memory cache)
// against a bare node:http server streaming the same file in the same run, the same registry with that
// cache off (every download read from storage), and licenses issued per second.
// The servers run in a child process and the load generator in this one, so neither steals the other's
// event loop. Every loop is bounded; everything listens on 127.0.0.1 with ephemeral ports.
// Verdaccio 6.8.0 serving the same tarball behind a token is the outside anchor (./verdaccio.mjs); target:
// ArchNest's registry at least twice its rate. Needs `npm run build` (it imports the built packages).
import { fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { Agent, createServer, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startVerdaccio, VERDACCIO_VERSION } from "./verdaccio.mjs";

const CONCURRENCY = 16;
const DELIVERIES = 2000;
const LICENSES = 1500;
const WARMUP = 150;
const ROUNDS = 5;
const PATH = "/v1/tarballs/%40archnest%2Fvnc/1.0.0";
const log = (m) => process.stderr.write(`${m}\n`);
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];

/** The child: builds the registry and the bare server, buys the module, and pre-signs every request. */
async function serveBoth() {
  const { createKeyring, generateKeyPair } = await import("@archnest/sdk/trust");
  const { signInstallRequest } = await import("@archnest/sdk/license");
  const { packPlugin, signTarball } = await import("@archnest/sdk/node");
  const { createRegistry } = await import("@archnest/registry");
  const dir = mkdtempSync(join(tmpdir(), "archnest-bench-registry-"));
  const admin = `admin-${randomBytes(8).toString("hex")}`;
  process.on("disconnect", () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });

  const root = generateKeyPair();
  const release = generateKeyPair();
  const licenseKey = generateKeyPair();
  const indexKey = generateKeyPair();
  const keyring = createKeyring([root], {
    now: new Date(Date.now() - 60_000),
    keys: [
      { key: release, name: "bench-release", roles: ["release"], scopes: ["@archnest/*"] },
      { key: licenseKey, name: "bench-license", roles: ["license"] },
      { key: indexKey, name: "bench-index", roles: ["index"] },
    ],
  });
  // A paid plugin of about 1 MB (random bytes do not compress).
  const src = join(dir, "plugin");
  mkdirSync(src);
  writeFileSync(
    join(src, "package.json"),
    JSON.stringify({ name: "@archnest/vnc", version: "1.0.0", archnest: { id: "vnc", displayName: "VNC", module: "vnc", sdk: "^1.0.0", server: "server.js" } }),
  );
  writeFileSync(join(src, "server.js"), "export default {};\n");
  writeFileSync(join(src, "payload.bin"), randomBytes(1024 * 1024 - 2048));
  const tarball = join(dir, "vnc-1.0.0.tgz");
  await packPlugin(src, tarball);
  await signTarball(tarball, release);
  const size = statSync(tarball).size;

  const { serve } = await import("@hono/node-server");
  // The registry as configured by default (hot tarballs in memory), and with that cache off, so the gap
  // between the two shows what the checks cost when every download reads storage.
  async function gatedRegistry(name, extra) {
    const registry = await createRegistry({
      dataDir: join(dir, name),
      publicUrl: "http://127.0.0.1",
      licenseKey,
      indexKey,
      trust: { rootKeys: [root], keyring },
      adminToken: admin,
      devCheckout: true,
      log: () => {},
      ...extra,
    });
    const server = serve({ fetch: registry.app.fetch, port: 0, hostname: "127.0.0.1" });
    await new Promise((r) => server.once("listening", r));
    const base = `http://127.0.0.1:${server.address().port}`;
    const author = await (
      await fetch(`${base}/v1/admin/authors`, {
        method: "POST",
        headers: { authorization: `Bearer ${admin}` },
        body: JSON.stringify({ name: "bench", scopes: ["@archnest/*"] }),
      })
    ).json();
    const published = await fetch(`${base}/v1/packages`, { method: "PUT", headers: { authorization: `Bearer ${author.token}` }, body: readFileSync(tarball) });
    if (published.status !== 201) throw new Error(`publish: ${published.status} ${await published.text()}`);
    const install = generateKeyPair();
    const { installId } = await (
      await fetch(`${base}/v1/installs`, { method: "POST", body: JSON.stringify({ publicKey: Buffer.from(install.publicKey).toString("base64") }) })
    ).json();
    const sign = (method, path, body) => signInstallRequest({ method, path, ...(body && { body }), installId, secretKey: install.secretKey });
    const checkoutBody = JSON.stringify({ slug: "vnc" });
    const checkout = await (
      await fetch(`${base}/v1/checkout`, {
        method: "POST",
        headers: { ...sign("POST", "/v1/checkout", checkoutBody), "content-type": "application/json" },
        body: checkoutBody,
      })
    ).json();
    await fetch(`${base}/dev/checkout/${checkout.sessionId}/pay`, { method: "POST", redirect: "manual" });
    return { port: server.address().port, sign };
  }
  const cached = await gatedRegistry("registry", {});
  const uncached = await gatedRegistry("registry-uncached", { tarballCacheBytes: 0 });

  const bare = createServer((_req, res) => {
    res.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(size) });
    createReadStream(tarball, { highWaterMark: 256 * 1024 }).pipe(res);
  });
  await new Promise((r) => bare.listen(0, "127.0.0.1", r));
  // The floor: Hono on @hono/node-server streaming the same file the way the registry's route does, with
  // no signature, nonce or purchase check. What the registry costs beyond it is the registry's own.
  const { Hono } = await import("hono");
  const { RESPONSE_ALREADY_SENT } = await import("@hono/node-server/utils/response");
  const { pipeline } = await import("node:stream/promises");
  const floorApp = new Hono().get("/v1/tarballs/:name/:version", (c) => {
    const stream = createReadStream(tarball, { highWaterMark: 256 * 1024 });
    c.env.outgoing.writeHead(200, { "content-type": "application/octet-stream", "content-length": String(size) });
    pipeline(stream, c.env.outgoing).catch(() => stream.destroy());
    return RESPONSE_ALREADY_SENT;
  });
  const floor = serve({ fetch: floorApp.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise((r) => floor.once("listening", r));

  // The bench asks for this process's CPU time around each round: the servers' own cost per request.
  process.on("message", (m) => {
    if (m === "cpu") process.send({ cpu: process.cpuUsage() });
  });
  process.send({
    size,
    tarball,
    port: cached.port,
    uncachedPort: uncached.port,
    barePort: bare.address().port,
    floorPort: floor.address().port,
    // Signed before the clock starts: the host's signing cost is not the registry's.
    deliveries: Array.from({ length: WARMUP + DELIVERIES }, () => cached.sign("GET", PATH)),
    uncachedDeliveries: Array.from({ length: WARMUP + DELIVERIES }, () => uncached.sign("GET", PATH)),
    licenses: Array.from({ length: WARMUP + LICENSES }, () => cached.sign("POST", "/v1/license")),
  });
}

/** Runs `total` requests, CONCURRENCY at a time, over keep-alive connections; returns seconds and bytes. */
async function drive(port, total, makeRequest) {
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  let next = 0;
  let bytes = 0;
  let failures = 0;
  const one = (i) =>
    new Promise((resolve, reject) => {
      const { method, path, headers } = makeRequest(i);
      const req = request({ host: "127.0.0.1", port, method, path, headers, agent }, (res) => {
        if (res.statusCode !== 200) failures += 1;
        res.on("data", (c) => {
          bytes += c.length;
        });
        res.on("end", resolve);
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end();
    });
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < total) await one(next++);
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  if (failures > 0) throw new Error(`${failures} of ${total} requests failed`);
  return { seconds, bytes };
}

async function measure() {
  const child = fork(fileURLToPath(import.meta.url), ["--serve"], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
  try {
    const ready = await new Promise((resolve, reject) => {
      child.once("message", resolve);
      child.once("exit", (code) => reject(new Error(`the server process exited with ${code}`)));
    });
    log(`tarball: ${ready.size} bytes; registry :${ready.port}, bare node:http :${ready.barePort}`);
    const bareReq = () => ({ method: "GET", path: "/vnc-1.0.0.tgz", headers: {} });
    const verdaccioDir = mkdtempSync(join(tmpdir(), "archnest-bench-verdaccio-"));
    let verdaccio;
    let verdaccioError;
    try {
      verdaccio = await startVerdaccio({ workDir: verdaccioDir, tarball: ready.tarball, name: "@archnest/vnc", version: "1.0.0", log });
      log(`Verdaccio ${VERDACCIO_VERSION} :${verdaccio.port}`);
    } catch (err) {
      verdaccioError = err instanceof Error ? err.message : String(err);
      log(`Verdaccio is not compared: ${verdaccioError}`);
    }
    const verdaccioReq = () => ({ method: "GET", path: verdaccio.path, headers: verdaccio.headers });
    // Rounds alternate between the servers and the best round of each counts, so a burst of load from
    // elsewhere on the machine does not decide the comparison.
    let bareRun;
    let regRun;
    let verdaccioRun;
    const per = DELIVERIES / ROUNDS;
    const cpuTime = () =>
      new Promise((resolve) => {
        child.once("message", (m) => resolve(m.cpu.user + m.cpu.system));
        child.send("cpu");
      });
    const cpu = { bare: [], registry: [], floor: [], uncached: [] };
    let floorRun;
    let uncachedRun;
    // Verdaccio is stopped whatever fails from here on, warm-up included.
    try {
      await drive(ready.barePort, WARMUP, bareReq);
      await drive(ready.port, WARMUP, (i) => ({ method: "GET", path: PATH, headers: ready.deliveries[i] }));
      await drive(ready.floorPort, WARMUP, () => ({ method: "GET", path: PATH, headers: {} }));
      await drive(ready.uncachedPort, WARMUP, (i) => ({ method: "GET", path: PATH, headers: ready.uncachedDeliveries[i] }));
      if (verdaccio) await drive(verdaccio.port, WARMUP, verdaccioReq);
      for (let round = 0; round < ROUNDS; round++) {
        const c0 = await cpuTime();
        const b = await drive(ready.barePort, per, bareReq);
        const c1 = await cpuTime();
        const r = await drive(ready.port, per, (i) => ({ method: "GET", path: PATH, headers: ready.deliveries[WARMUP + round * per + i] }));
        const c2 = await cpuTime();
        const f = await drive(ready.floorPort, per, () => ({ method: "GET", path: PATH, headers: {} }));
        const c3 = await cpuTime();
        const u = await drive(ready.uncachedPort, per, (i) => ({ method: "GET", path: PATH, headers: ready.uncachedDeliveries[WARMUP + round * per + i] }));
        const c4 = await cpuTime();
        cpu.bare.push((c1 - c0) / per);
        cpu.registry.push((c2 - c1) / per);
        cpu.floor.push((c3 - c2) / per);
        cpu.uncached.push((c4 - c3) / per);
        if (!uncachedRun || u.seconds < uncachedRun.seconds) uncachedRun = u;
        if (!floorRun || f.seconds < floorRun.seconds) floorRun = f;
        if (!bareRun || b.seconds < bareRun.seconds) bareRun = b;
        if (!regRun || r.seconds < regRun.seconds) regRun = r;
        if (verdaccio) {
          const v = await drive(verdaccio.port, per, verdaccioReq);
          if (!verdaccioRun || v.seconds < verdaccioRun.seconds) verdaccioRun = v;
        }
      }
    } finally {
      verdaccio?.stop();
      rmSync(verdaccioDir, { recursive: true, force: true });
    }
    await drive(ready.port, WARMUP, (i) => ({ method: "POST", path: "/v1/license", headers: ready.licenses[i] }));
    const licRun = await drive(ready.port, LICENSES, (i) => ({ method: "POST", path: "/v1/license", headers: ready.licenses[WARMUP + i] }));

    const mb = 1024 * 1024;
    const round = (n) => Math.round(n * 10) / 10;
    const bareRps = per / bareRun.seconds;
    const regRps = per / regRun.seconds;
    const bareMBs = bareRun.bytes / mb / bareRun.seconds;
    const regMBs = regRun.bytes / mb / regRun.seconds;
    const rows = [
      {
        suite: "registry",
        name: "gated delivery 1 MB (req/s)",
        metric: "throughput",
        value: round(regRps),
        unit: "req/s",
        baseline: round(bareRps),
        target: { min: round(bareRps * 0.8) },
        note: `baseline: bare node:http streaming the same file; target 80% of it; ${CONCURRENCY} keep-alive clients; best of ${ROUNDS} alternating rounds`,
      },
      {
        suite: "registry",
        name: "gated delivery 1 MB (MB/s)",
        metric: "throughput",
        value: round(regMBs),
        unit: "MB/s",
        baseline: round(bareMBs),
        target: { min: round(bareMBs * 0.8) },
      },
      {
        suite: "registry",
        name: "gated delivery 1 MB: server CPU per request",
        metric: "cpu",
        value: Math.round(median(cpu.registry)),
        unit: "us",
        baseline: Math.round(median(cpu.bare)),
        note: "information: the server process's CPU time per download (median of the rounds); what the signature, nonce and purchase checks add on top of streaming the file",
      },
      {
        suite: "registry",
        name: "gated delivery 1 MB, memory cache off (req/s)",
        metric: "throughput",
        value: round(per / uncachedRun.seconds),
        unit: "req/s",
        baseline: round(bareRps),
        note: "information: every download read from storage (tarballCacheBytes: 0), against bare node:http; what the checks cost with the file read as bare node:http reads it",
      },
      {
        suite: "registry",
        name: "gated delivery 1 MB, memory cache off: server CPU per request",
        metric: "cpu",
        value: Math.round(median(cpu.uncached)),
        unit: "us",
        baseline: Math.round(median(cpu.bare)),
        note: "information: the server process's CPU time per download with every download read from storage",
      },
      {
        suite: "registry",
        name: "gated delivery 1 MB vs the floor (req/s)",
        metric: "throughput",
        value: round(regRps),
        unit: "req/s",
        baseline: round(per / floorRun.seconds),
        note: "information: the floor is Hono on @hono/node-server streaming the same file the same way with no checks; the gap to it is the registry's own cost",
      },
      {
        suite: "registry",
        name: "the floor: server CPU per request",
        metric: "cpu",
        value: Math.round(median(cpu.floor)),
        unit: "us",
        baseline: Math.round(median(cpu.bare)),
        note: "information: the floor against bare node:http, what Hono and its Node adapter cost per download",
      },
      verdaccioRun
        ? {
            suite: "registry",
            name: "gated delivery 1 MB vs Verdaccio (req/s)",
            metric: "throughput",
            value: round(regRps),
            unit: "req/s",
            baseline: round(per / verdaccioRun.seconds),
            target: { min: round((per / verdaccioRun.seconds) * 2) },
            note: `baseline: Verdaccio ${VERDACCIO_VERSION} serving the same tarball to a token holder (access: $authenticated), same load generator; target 2x`,
          }
        : {
            suite: "registry",
            name: "gated delivery 1 MB vs Verdaccio (req/s)",
            metric: "throughput",
            value: round(regRps),
            unit: "req/s",
            pass: false,
            note: `Verdaccio ${VERDACCIO_VERSION} could not be measured: ${verdaccioError}`,
          },
      {
        suite: "registry",
        name: "licenses issued",
        metric: "throughput",
        value: round(LICENSES / licRun.seconds),
        unit: "licenses/s",
        note: "each: signed request checked, nonce stored, sequence incremented, purchases read, license signed",
      },
    ];
    for (const row of rows) process.stdout.write(`${JSON.stringify(row)}\n`);
  } finally {
    child.disconnect();
  }
}

if (process.argv.includes("--serve")) await serveBoth();
else await measure();
