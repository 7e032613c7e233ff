// SFTP transfer speed through ArchNest (run by `npm run bench`, reads the built dist):
// upload and download of one file through the host's HTTP API and the files plugin to a real OpenSSH
// sshd on loopback, against OpenSSH's own `sftp` client in batch mode on the same file, same sshd, same
// run. Targets: uploads at least 90% of sftp's MB/s, downloads 80%. sftp's connection setup (measured with a batch that only runs
// `pwd`) is subtracted, since ArchNest reuses its pooled connection. Best of ROUNDS alternating rounds.
import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { attachPlugins, StaticEntitlements, serveHost, serverUrl } from "@archnest/host";
import { addSshHost, createTestHost, installPlugins, setupAdmin, startSshd } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";
import { createTestTrust } from "@archnest/sdk/testing";

const MB = 1024 * 1024;
const SIZE_MB = Number(process.env.ARCHNEST_BENCH_SFTP_MB ?? 256);
const ROUNDS = 3;
const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
const log = (m) => process.stderr.write(`${m}\n`);
const row = (r) => process.stdout.write(`${JSON.stringify({ suite: "files-sftp", ...r })}\n`);

const dir = mkdtempSync(join(tmpdir(), "archnest-sftp-bench-"));
const sshd = await startSshd();
const trust = createTestTrust();
const t = await createTestHost({});
const attached = await attachPlugins(t.host, { trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }], entitlements: new StaticEntitlements([]) });
const server = serveHost(t.host, { port: 0, hostname: "127.0.0.1" });
await new Promise((r) => server.once("listening", r));
attached.ws?.attach?.(server);

try {
  const admin = await setupAdmin(t.host);
  await buildPlugin(PLUGIN_DIR, { quiet: true });
  await installPlugins(t, admin, trust, [{ dir: PLUGIN_DIR, id: "files", permissions: ["hosts:read", "ssh:sftp"] }]);
  // Registered and its host key trusted as an admin does (first test, compare, accept).
  const hostId = await addSshHost(t, admin, sshd, "bench");
  const base = `${serverUrl(server)}/api/plugins/files`;
  const headers = admin.headers;

  // The source file, written once; both clients send the same bytes.
  const source = join(dir, "source.bin");
  const out = createWriteStream(source);
  for (let i = 0; i < SIZE_MB; i += 1) if (!out.write(randomBytes(MB))) await new Promise((r) => out.once("drain", r));
  await new Promise((r) => out.end(r));
  const size = statSync(source).size;
  const want = createHash("sha256");
  await pipeline(createReadStream(source), want);
  const wantHex = want.digest("hex");

  const keyFile = join(dir, "id");
  writeFileSync(keyFile, sshd.privateKey.endsWith("\n") ? sshd.privateKey : `${sshd.privateKey}\n`, { mode: 0o600 });
  const sftp = (batch) =>
    new Promise((resolve, reject) => {
      const batchFile = join(dir, "batch");
      writeFileSync(batchFile, `${batch}\n`);
      const start = performance.now();
      const p = spawn(
        "sftp",
        [
          "-q",
          "-b",
          batchFile,
          "-i",
          keyFile,
          "-P",
          String(sshd.port),
          "-o",
          "StrictHostKeyChecking=no",
          "-o",
          "UserKnownHostsFile=/dev/null",
          "-o",
          "BatchMode=yes",
          `${sshd.user}@127.0.0.1`,
        ],
        { stdio: ["ignore", "ignore", "pipe"] },
      );
      let err = "";
      p.stderr.on("data", (d) => {
        err += d;
      });
      p.on("exit", (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`sftp exited ${code}: ${err.slice(0, 300)}`))));
    });

  // ArchNest's side is driven by curl in its own process, as sftp is: a client sharing the host's one
  // JavaScript thread would measure the client as much as the host.
  const curl = (args) =>
    new Promise((resolve, reject) => {
      const start = performance.now();
      const p = spawn("curl", ["-sS", "--fail-with-body", "-H", `cookie: ${headers.cookie}`, "-H", `x-archnest-csrf: ${headers["x-archnest-csrf"]}`, ...args], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "";
      p.stdout.on("data", (d) => {
        out += d;
      });
      p.stderr.on("data", (d) => {
        out += d;
      });
      p.on("exit", (code) => (code === 0 ? resolve(performance.now() - start) : reject(new Error(`curl exited ${code}: ${out.slice(0, 300)}`))));
    });
  const viaArchNestUp = (remote) =>
    curl(["-o", "/dev/null", "-T", source, `${base}/upload?host=${hostId}&path=${encodeURIComponent(remote)}&offset=0&size=${size}&overwrite=1`]);
  const viaArchNestDown = (remote, local) => curl(["-o", local, `${base}/download?host=${hostId}&path=${encodeURIComponent(remote)}`]);
  const sha = async (f) => {
    const h = createHash("sha256");
    await pipeline(createReadStream(f), h);
    return h.digest("hex");
  };

  // Warm both paths (connection, SFTP session, page cache) before measuring.
  await sftp("pwd");
  await viaArchNestUp(join(dir, "warm.bin"));
  const setup = Math.min(await sftp("pwd"), await sftp("pwd"));

  const best = { anUp: Infinity, anDown: Infinity, sUp: Infinity, sDown: Infinity };
  for (let round = 0; round < ROUNDS; round += 1) {
    const r1 = join(dir, `an-${round}.bin`);
    const r2 = join(dir, `sftp-${round}.bin`);
    best.sUp = Math.min(best.sUp, (await sftp(`put ${source} ${r2}`)) - setup);
    best.anUp = Math.min(best.anUp, await viaArchNestUp(r1));
    best.sDown = Math.min(best.sDown, (await sftp(`get ${r2} ${join(dir, `sftp-got-${round}.bin`)}`)) - setup);
    best.anDown = Math.min(best.anDown, await viaArchNestDown(r1, join(dir, `an-got-${round}.bin`)));
    if ((await sha(r1)) !== wantHex || (await sha(join(dir, `an-got-${round}.bin`))) !== wantHex)
      throw new Error("a transfer through ArchNest changed the bytes");
    for (const f of [r1, r2, join(dir, `sftp-got-${round}.bin`), join(dir, `an-got-${round}.bin`)]) rmSync(f, { force: true });
    log(`round ${round + 1}/${ROUNDS} done`);
  }
  const mbps = (ms) => Math.round((size / MB / (ms / 1000)) * 10) / 10;
  // Uploads must keep up with sftp's own client (90%); downloads are held to 80%.
  for (const [name, ours, theirs, share] of [
    [`upload ${SIZE_MB} MB`, best.anUp, best.sUp, 0.9],
    [`download ${SIZE_MB} MB`, best.anDown, best.sDown, 0.8],
  ]) {
    const value = mbps(ours);
    const baseline = mbps(theirs);
    row({
      name,
      metric: "throughput",
      value,
      unit: "MB/s",
      baseline,
      target: { min: Math.round(baseline * share * 10) / 10 },
      note: "baseline: OpenSSH sftp -b, same file and sshd",
    });
  }
} finally {
  server.closeAllConnections?.();
  await new Promise((r) => server.close(r));
  await t.cleanup();
  await sshd.cleanup();
  rmSync(dir, { recursive: true, force: true });
}
