// Host-to-host transfer speed and memory (run by `npm run bench -- plugins/host-transfer`, reads the built
// dist): one random file copied between two real OpenSSH sshd on loopback, by OpenSSH's `scp -3` (both
// connections from the client, data through it, as ArchNest does) and by a Host-to-Host Transfer job
// through the host's HTTP API, in alternating rounds of the same run. scp's connection setup (the same
// command on a 1-byte file) is subtracted, since ArchNest reuses its pooled connections.
//
//   time         seconds for SIZE_MB; target: ArchNest at least 0.7x scp -3's speed (time ratio <= 1.43).
//   rss-growth   the host process's peak RSS during a copy above its RSS before it (after a warm-up copy),
//                for two file sizes; target: at most 32 MiB for both (memory flat with size).
import { execFileSync, spawn } from "node:child_process";
import { mkdtempSync, openSync, rmSync, statSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { attachPlugins, StaticEntitlements, serveHost } from "@archnest/host";
import { addSshHost, createTestHost, installPlugins, setupAdmin, startSshd } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";
import { createTestTrust } from "@archnest/sdk/testing";

const MB = 1024 * 1024;
const SIZE_MB = Number(process.env.ARCHNEST_BENCH_TRANSFER_MB ?? 256);
const SMALL_MB = 64;
const ROUNDS = 3;
const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
const log = (m) => process.stderr.write(`${m}\n`);
const row = (r) => process.stdout.write(`${JSON.stringify({ suite: "host-transfer", ...r })}\n`);

const dir = mkdtempSync(join(tmpdir(), "archnest-transfer-bench-"));
const [a, b] = [await startSshd(), await startSshd()];
const trust = createTestTrust();
const t = await createTestHost({});
const attached = await attachPlugins(t.host, {
  trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }],
  entitlements: new StaticEntitlements(["host-transfer"]),
});
const server = serveHost(t.host, { port: 0, hostname: "127.0.0.1" });
await new Promise((r) => server.once("listening", r));
attached.ws?.attach?.(server);

function randomFile(name, mb) {
  const file = join(dir, name);
  execFileSync("head", ["-c", String(mb * MB), "/dev/urandom"], { stdio: ["ignore", openSync(file, "w"), "inherit"] });
  return file;
}

try {
  const admin = await setupAdmin(t.host);
  await buildPlugin(PLUGIN_DIR, { quiet: true });
  await installPlugins(t, admin, trust, [{ dir: PLUGIN_DIR, id: "host-transfer", permissions: ["hosts:read", "ssh:sftp", "storage"] }]);
  const from = await addSshHost(t, admin, a, "bench-a");
  const to = await addSshHost(t, admin, b, "bench-b");
  const api = async (path, init = {}) => {
    const res = await t.host.app.request(`/api/plugins/host-transfer${path}`, {
      ...init,
      headers: { ...admin.headers, "content-type": "application/json", ...init.headers },
    });
    if (!res.ok) throw new Error(`${init.method ?? "GET"} ${path} answered ${res.status}: ${await res.text()}`);
    return res.json();
  };

  const big = randomFile("big.bin", SIZE_MB);
  const small = randomFile("small.bin", SMALL_MB);
  const tiny = randomFile("tiny.bin", 0);
  writeFileSync(tiny, "x");
  const outDir = join(dir, "out");
  execFileSync("mkdir", ["-p", outDir]);

  const keyA = join(dir, "a.key");
  const keyB = join(dir, "b.key");
  for (const [file, key] of [
    [keyA, a.privateKey],
    [keyB, b.privateKey],
  ])
    writeFileSync(file, key.endsWith("\n") ? key : `${key}\n`, { mode: 0o600 });

  const scp3 = (file) =>
    new Promise((resolve, reject) => {
      const started = performance.now();
      const p = spawn(
        "scp",
        [
          "-3",
          "-q",
          "-i",
          keyA,
          "-i",
          keyB,
          "-o",
          "StrictHostKeyChecking=no",
          "-o",
          "UserKnownHostsFile=/dev/null",
          "-o",
          "BatchMode=yes",
          `scp://${a.user}@127.0.0.1:${a.port}/${file}`,
          `scp://${b.user}@127.0.0.1:${b.port}/${join(outDir, "scp.bin")}`,
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      let err = "";
      p.stderr.on("data", (d) => (err += d));
      p.on("exit", (code) => (code === 0 ? resolve((performance.now() - started) / 1000) : reject(new Error(`scp -3 exited ${code}: ${err}`))));
    });

  /** One ArchNest job; resolves with its seconds and the host process's peak RSS growth (MiB) meanwhile. */
  const archnest = async (file) => {
    rmSync(join(outDir, file.split("/").pop()), { force: true });
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    const started = performance.now();
    const { job } = await api("/jobs", {
      method: "POST",
      body: JSON.stringify({ kind: "copy", sourceHostId: from, paths: [file], targetHostId: to, folder: outDir, conflicts: "overwrite" }),
    });
    for (;;) {
      const { jobs } = await api("/jobs");
      const j = jobs.find((x) => x.id === job.id);
      if (j.state === "done") break;
      if (!["queued", "scanning", "running"].includes(j.state)) throw new Error(`the job ended ${j.state}: ${JSON.stringify(j.error)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    if (statSync(join(outDir, file.split("/").pop())).size !== statSync(file).size) throw new Error("the copy has the wrong size");
    return { seconds, rssMiB: (peak - before) / MB };
  };

  // One copy first: JIT, the SSH connections and Node's buffer pools warm up before anything is measured.
  await archnest(small);
  const setup = Math.min(await scp3(tiny), await scp3(tiny));
  log(`scp -3 connection setup: ${setup.toFixed(2)} s`);
  let bestScp = Number.POSITIVE_INFINITY;
  let bestOurs = Number.POSITIVE_INFINITY;
  let rssBig = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const s = Math.max(0.001, (await scp3(big)) - setup);
    const ours = await archnest(big);
    log(
      `round ${round + 1}: scp -3 ${(SIZE_MB / s).toFixed(1)} MB/s, ArchNest ${(SIZE_MB / ours.seconds).toFixed(1)} MB/s, peak RSS +${ours.rssMiB.toFixed(1)} MiB`,
    );
    bestScp = Math.min(bestScp, s);
    bestOurs = Math.min(bestOurs, ours.seconds);
    rssBig = Math.max(rssBig, ours.rssMiB);
  }
  let rssSmall = 0;
  for (let round = 0; round < 2; round++) rssSmall = Math.max(rssSmall, (await archnest(small)).rssMiB);
  const load = loadavg()
    .map((x) => x.toFixed(2))
    .join(" ");

  row({
    name: `copy ${SIZE_MB} MiB host to host`,
    metric: "time",
    value: Number(bestOurs.toFixed(3)),
    unit: "s",
    baseline: Number(bestScp.toFixed(3)),
    target: { ratio: 1.43 },
    note: `ArchNest ${(SIZE_MB / bestOurs).toFixed(1)} MB/s vs scp -3 ${(SIZE_MB / bestScp).toFixed(1)} MB/s (${(bestScp / bestOurs).toFixed(2)}x); best of ${ROUNDS}; load ${load}`,
  });
  for (const [mb, growth] of [
    [SMALL_MB, rssSmall],
    [SIZE_MB, rssBig],
  ])
    row({
      name: `peak RSS growth while copying ${mb} MiB`,
      metric: "rss-growth",
      value: Number(growth.toFixed(1)),
      unit: "MiB",
      target: { max: 32 },
      note: `flat with size: ${SMALL_MB} MiB +${rssSmall.toFixed(1)} MiB, ${SIZE_MB} MiB +${rssBig.toFixed(1)} MiB (~8 MiB in flight)`,
    });
} finally {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await t.cleanup();
  await a.cleanup();
  await b.cleanup();
  rmSync(dir, { recursive: true, force: true });
}
