// Verification speed and memory (run by `npm run bench`, see docs/bench.md).
//
// For 1, 10 and 50 MB plugin tarballs of random (incompressible) content, signed with throwaway keys:
// - time of a full verifyPluginTarball, hash-only and with a stageDir, against a baseline measured in the
//   same run: node:crypto SHA-256 of the same uncompressed bytes plus a plain extraction (tar.x into a
//   temp dir). Target: within 1.5x of the baseline.
// - memory of a verification in a fresh child process per size, two ways:
//   live memory (RSS sampled every 20 ms right after a forced full GC: what the verifier holds).
//   Target: it does not grow with the tarball's size (each size within 8 MB of the 1 MB figure).
//   peak RSS (normal GC: what the OS sees). V8 lets freed Buffers pile up to its external-memory limit
//   (about 32 MB) before it collects them, so this rises from 1 to 10 MB and then levels off; a 150 MB
//   tarball, measured only here, shows the plateau. Target: no higher at 150 MB than at 50 MB (+8 MB).
//
// Reads the SDK from its built dist (`turbo run build` first). Prints rows as JSON lines on stdout and
// progress on stderr. Loops are bounded both in rounds and in time.
import { spawnSync } from "node:child_process";
import { createHash, randomFillSync } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import {
  createKeyring,
  createReleaseStatement,
  generateKeyPair,
  parsePluginPackage,
  parsePublicKeyPem,
  publicKeyToPem,
  RELEASE_ENVELOPE_PATH,
  signRelease,
  verifyKeyring,
} from "@archnest/sdk";
import { packPlugin, signTarball, verifyPluginTarball } from "@archnest/sdk/node";
import * as tar from "tar";

const SUITE = "sdk/verify";
const MB = 1024 * 1024;
const SIZES_MB = [1, 10, 50];
/** Rounds after one warm-up round, and the time after which no new round starts, per size. */
const ROUNDS = { 1: { max: 31, budgetMs: 4_000 }, 10: { max: 9, budgetMs: 5_000 }, 50: { max: 4, budgetMs: 8_000 } };
const TIME_TARGET_RATIO = 1.5;
const MEMORY_SLACK_MB = 8;
/** Memory-only size that shows the peak RSS levels off instead of following the tarball size. */
const PLATEAU_MB = 150;

const log = (msg) => process.stderr.write(`${msg}\n`);
const row = (r) => process.stdout.write(`${JSON.stringify({ suite: SUITE, ...r })}\n`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const round1 = (n) => Math.round(n * 10) / 10;

async function timed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** A plugin folder holding `sizeMb` MB of random bytes in 1 MB files. */
function writePluginFolder(work, sizeMb) {
  const dir = join(work, `plugin-${sizeMb}`);
  mkdirSync(join(dir, "data"), { recursive: true });
  const pkg = {
    name: `@bench/payload-${sizeMb}mb`,
    version: "1.0.0",
    type: "module",
    archnest: { id: `payload-${sizeMb}mb`, displayName: `Payload ${sizeMb} MB`, module: "free", sdk: "^1.0.0", server: "server.js", permissions: [] },
  };
  writeFileSync(join(dir, "package.json"), JSON.stringify(pkg, null, 2));
  writeFileSync(join(dir, "server.js"), "export default {};\n");
  for (let i = 0; i < sizeMb; i += 1) {
    writeFileSync(join(dir, "data", `part-${String(i).padStart(3, "0")}.bin`), randomFillSync(Buffer.alloc(MB)));
  }
  return dir;
}

/** Packs and signs with the SDK exactly as `archnest-plugin pack` and `sign` do. */
async function makeTarball(work, sizeMb, release) {
  const dir = writePluginFolder(work, sizeMb);
  const file = join(work, `payload-${sizeMb}mb.tgz`);
  await packPlugin(dir, file);
  await signTarball(file, release);
  rmSync(dir, { recursive: true, force: true });
  return file;
}

/**
 * The same package format, signed with the SDK's release statement, but gzipped at level 1: the CLI's
 * level 9 would spend most of the bench's time budget compressing 150 MB of incompressible bytes.
 */
async function makeTarballFast(work, sizeMb, release) {
  const dir = writePluginFolder(work, sizeMb);
  const names = ["package.json", "server.js", ...Array.from({ length: sizeMb }, (_, i) => `data/part-${String(i).padStart(3, "0")}.bin`)];
  const hashes = new Map(
    names.map((n) => [
      n,
      createHash("sha256")
        .update(readFileSync(join(dir, n)))
        .digest("hex"),
    ]),
  );
  const pkg = parsePluginPackage(JSON.parse(readFileSync(join(dir, "package.json"), "utf8")));
  writeFileSync(join(dir, RELEASE_ENVELOPE_PATH), JSON.stringify(signRelease(createReleaseStatement(pkg, hashes, new Date()), release)));
  const file = join(work, `payload-${sizeMb}mb.tgz`);
  await tar.c({ file, cwd: dir, gzip: { level: 1 }, prefix: "package/", portable: true, noDirRecurse: true }, [...names, RELEASE_ENVELOPE_PATH].sort());
  rmSync(dir, { recursive: true, force: true });
  return file;
}

async function measureTimes(work, sizeMb, file, trust) {
  const uncompressed = gunzipSync(readFileSync(file));
  const samples = { hash: [], extract: [], verifyHash: [], verifyStage: [] };
  const check = (outcome) => {
    if (!outcome.ok) throw new Error(`verification failed: ${outcome.code} ${outcome.message}`);
  };
  const ops = {
    hash: async () => timed(() => createHash("sha256").update(uncompressed).digest("hex")),
    extract: async () => {
      const dest = mkdtempSync(join(work, "extract-"));
      const ms = await timed(() => tar.x({ file, cwd: dest }));
      rmSync(dest, { recursive: true, force: true });
      return ms;
    },
    verifyHash: async () => timed(async () => check(await verifyPluginTarball(file, { trust }))),
    verifyStage: async () => {
      const stage = mkdtempSync(join(work, "stage-"));
      const ms = await timed(async () => check(await verifyPluginTarball(file, { trust, stageDir: stage })));
      rmSync(stage, { recursive: true, force: true });
      return ms;
    },
  };
  // The order rotates each round so that no operation always runs first (cold) or right after another.
  const names = Object.keys(ops);
  const oneRound = async (n) => {
    const r = {};
    for (let i = 0; i < names.length; i += 1) {
      const name = names[(i + n) % names.length];
      r[name] = await ops[name]();
    }
    return r;
  };

  await oneRound(0); // warm-up: JIT, page cache
  const { max, budgetMs } = ROUNDS[sizeMb];
  const start = performance.now();
  for (let i = 0; i < max && performance.now() - start < budgetMs; i += 1) {
    const r = await oneRound(i);
    for (const k of Object.keys(samples)) samples[k].push(r[k]);
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const baseline = m.hash + m.extract;
  const rounds = samples.hash.length;
  const tarMb = round1(uncompressed.length / MB);
  log(
    `  ${sizeMb} MB: ${rounds} rounds; sha256 ${m.hash.toFixed(1)} ms, tar.x ${m.extract.toFixed(1)} ms, verify ${m.verifyHash.toFixed(1)} / ${m.verifyStage.toFixed(1)} ms`,
  );
  const note = `median of ${rounds} rounds; ${tarMb} MB uncompressed`;
  row({ name: `${sizeMb} MB baseline: sha256 of uncompressed bytes`, metric: "time", value: m.hash, unit: "ms", note });
  row({ name: `${sizeMb} MB baseline: tar.x extraction`, metric: "time", value: m.extract, unit: "ms", note });
  row({ name: `${sizeMb} MB verify, hash only`, metric: "time", value: m.verifyHash, unit: "ms", baseline, target: { ratio: TIME_TARGET_RATIO }, note });
  row({ name: `${sizeMb} MB verify with stageDir`, metric: "time", value: m.verifyStage, unit: "ms", baseline, target: { ratio: TIME_TARGET_RATIO }, note });
}

/**
 * What every verification pays whatever the size: checking the keyring's root signature (the release
 * signature costs the same). It explains most of the gap at 1 MB.
 */
function measureFixedCost(root, keyring) {
  const samples = [];
  const start = performance.now();
  for (let i = 0; i < 50 && performance.now() - start < 2_000; i += 1) {
    const t = performance.now();
    verifyKeyring(keyring, { rootKeys: [root], now: new Date() });
    samples.push(performance.now() - t);
  }
  row({
    name: "fixed cost: keyring verification (one Ed25519 signature check)",
    metric: "time",
    value: median(samples),
    unit: "ms",
    note: `median of ${samples.length}; a full verify checks two signatures (keyring and release)`,
  });
}

/** Runs one verification in a fresh process and returns how far its RSS rose above where it started. */
function measureMemory(work, file, warmUpFile, rootPubFile, keyringFile, withStage, forceGc) {
  const stage = withStage ? join(work, `mem-stage-${Date.now()}`) : "";
  const args = ["--expose-gc", fileURLToPath(import.meta.url), "--memory-child", file, warmUpFile, rootPubFile, keyringFile, stage, forceGc ? "gc" : "normal"];
  const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: 60_000 });
  if (stage) rmSync(stage, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(`memory child failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop());
}

async function memoryChild([file, warmUpFile, rootPubFile, keyringFile, stage, gcMode]) {
  const forceGc = gcMode === "gc";
  const trust = { rootKeys: [parsePublicKeyPem(readFileSync(rootPubFile, "utf8"))], keyring: JSON.parse(readFileSync(keyringFile, "utf8")) };
  // One small verification first, so that lazy module loading and compilation, the same for every size,
  // are not counted as growth.
  const warmUp = await verifyPluginTarball(warmUpFile, { trust });
  if (!warmUp.ok) throw new Error(`warm-up verification failed: ${warmUp.code}`);
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  const maxBefore = process.resourceUsage().maxRSS * 1024;
  let sampled = before;
  // Sampling catches the live peak; the kernel's maxRSS catches spikes between samples.
  // With forceGc each sample follows a full collection, so it counts only what the verifier holds; a
  // collection every 2 ms would slow a 50 MB verification to tens of seconds, hence 20 ms.
  const timer = setInterval(
    () => {
      if (forceGc) globalThis.gc?.();
      sampled = Math.max(sampled, process.memoryUsage().rss);
    },
    forceGc ? 20 : 2,
  );
  const outcome = await verifyPluginTarball(file, { trust, ...(stage && { stageDir: stage }) });
  clearInterval(timer);
  sampled = Math.max(sampled, process.memoryUsage().rss);
  if (!outcome.ok) throw new Error(`verification failed: ${outcome.code}`);
  const maxAfter = process.resourceUsage().maxRSS * 1024;
  // The kernel's peak includes garbage between samples, so it only counts when GC runs normally.
  const peak = forceGc ? sampled : Math.max(sampled, maxAfter > maxBefore ? maxAfter : 0);
  process.stdout.write(`${JSON.stringify({ before, peak, growth: peak - before })}\n`);
}

async function main() {
  const work = mkdtempSync(join(tmpdir(), "archnest-bench-verify-"));
  try {
    const root = generateKeyPair();
    const release = generateKeyPair();
    const keyring = createKeyring([root], { keys: [{ key: release, name: "bench", roles: ["release"], scopes: ["@bench/*"] }] });
    const rootPubFile = join(work, "root.pub");
    const keyringFile = join(work, "keyring.json");
    writeFileSync(rootPubFile, publicKeyToPem(root));
    writeFileSync(keyringFile, JSON.stringify(keyring));
    const trust = { rootKeys: [root], keyring };

    const files = {};
    for (const size of SIZES_MB) {
      const t = await timed(async () => {
        files[size] = await makeTarball(work, size, release);
      });
      log(`  packed and signed ${size} MB in ${(t / 1000).toFixed(1)} s`);
    }
    for (const size of SIZES_MB) await measureTimes(work, size, files[size], trust);
    measureFixedCost(root, keyring);

    log(`  building the ${PLATEAU_MB} MB memory-only tarball`);
    files[PLATEAU_MB] = await makeTarballFast(work, PLATEAU_MB, release);
    for (const [mode, withStage] of [
      ["with stageDir", true],
      ["hash only", false],
    ]) {
      const measure = (size, forceGc) => measureMemory(work, files[size], files[SIZES_MB[0]], rootPubFile, keyringFile, withStage, forceGc).growth / MB;
      const live = Object.fromEntries(SIZES_MB.map((size) => [size, measure(size, true)]));
      const peak = Object.fromEntries([...SIZES_MB, PLATEAU_MB].map((size) => [size, measure(size, false)]));
      const ref = SIZES_MB[0];
      const largest = SIZES_MB[SIZES_MB.length - 1];
      for (const size of SIZES_MB) {
        log(`  ${size} MB ${mode}: live memory growth ${live[size].toFixed(1)} MB, peak RSS growth ${peak[size].toFixed(1)} MB`);
        row({
          name: `${size} MB verify ${mode}: live memory growth`,
          metric: "live-rss",
          value: live[size],
          unit: "MB",
          baseline: live[ref],
          ratio: false,
          target: { max: round1(Math.max(live[ref], 0) + MEMORY_SLACK_MB) },
          note: `fresh process, after a warm-up; RSS sampled every 20 ms right after a forced full GC; must not grow with size (baseline: the ${ref} MB figure)`,
        });
      }
      log(`  ${PLATEAU_MB} MB ${mode}: peak RSS growth ${peak[PLATEAU_MB].toFixed(1)} MB`);
      for (const size of [...SIZES_MB, PLATEAU_MB]) {
        row({
          name: `${size} MB verify ${mode}: peak RSS growth`,
          metric: "peak-rss",
          value: peak[size],
          unit: "MB",
          ...(size === PLATEAU_MB && { baseline: peak[largest], target: { max: round1(peak[largest] + MEMORY_SLACK_MB) } }),
          note:
            size === PLATEAU_MB
              ? `fresh process, after a warm-up, normal GC; must level off: no higher than at ${largest} MB (baseline)`
              : "fresh process, after a warm-up, normal GC; includes freed buffers V8 has not collected yet",
        });
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--memory-child") await memoryChild(process.argv.slice(3));
else await main();
