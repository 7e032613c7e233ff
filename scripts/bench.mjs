#!/usr/bin/env node
// The benchmark runner behind `npm run bench` (docs/architecture.md section 6): finds every `<workspace>/bench/*.bench.mjs`
// (sdk/*, host, registry, web, plugins/*), runs each in its own Node process, prints one table and writes
// bench-results/results.json. Targets are information: a missed target never changes the exit code; a bench
// file that crashes, times out or reports nothing does (exit 1), because then nothing was measured.
//
//   node scripts/bench.mjs [FILTER...] [--out DIR] [--timeout SECONDS] [--root DIR]
//
// FILTER keeps bench files whose path contains it (`npm run bench -- sdk/core`). --root searches another
// tree laid out like the repository (the runner's own test uses it).
//
// A bench file reports rows by printing one JSON object per line on stdout (anything else on stdout or
// stderr is passed through to stderr as progress):
//   {"suite": "sdk-verify", "name": "verify 10 MB", "metric": "time", "value": 41.2, "unit": "ms",
//    "baseline": 35.0, "target": {"ratio": 1.5}}
// Optional fields: metric (what is measured, e.g. time or rss-growth), baseline (same unit, measured in the
// same run), target ({ratio: R}: value/baseline <= R; {max: M}: value <= M; {min: M}: value >= M),
// pass (a verdict the bench file computed itself, which wins over target), ratio: false (hide the ratio
// column where the comparison is an absolute margin), note.
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import { arch, cpus, platform, totalmem } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const WORKSPACE_PARENTS = ["sdk", "plugins"];
const WORKSPACES = ["host", "registry", "web"];

function benchFiles(root) {
  const dirs = [...WORKSPACES.map((w) => join(root, w))];
  for (const parent of WORKSPACE_PARENTS) {
    const at = join(root, parent);
    if (!existsSync(at)) continue;
    for (const d of readdirSync(at, { withFileTypes: true })) if (d.isDirectory()) dirs.push(join(at, d.name));
  }
  const files = [];
  for (const dir of dirs) {
    const bench = join(dir, "bench");
    if (!existsSync(bench)) continue;
    for (const f of readdirSync(bench)) if (f.endsWith(".bench.mjs")) files.push(join(bench, f));
  }
  return files.sort();
}

function isRow(value) {
  return (
    typeof value === "object" &&
    value !== null &&
    typeof value.suite === "string" &&
    typeof value.name === "string" &&
    typeof value.value === "number" &&
    Number.isFinite(value.value)
  );
}

/** Runs one bench file; resolves with its rows and how it ended. */
function runFile(root, file, timeoutMs) {
  return new Promise((resolvePromise) => {
    const started = performance.now();
    const child = spawn(process.execPath, ["--expose-gc", file], { cwd: dirname(file), stdio: ["ignore", "pipe", "pipe"] });
    const rows = [];
    let pending = "";
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const onLine = (line) => {
      const trimmed = line.trim();
      if (trimmed.startsWith("{")) {
        try {
          const parsed = JSON.parse(trimmed);
          if (isRow(parsed)) return void rows.push(parsed);
        } catch {
          // Not a row: shown as progress below.
        }
      }
      if (trimmed) process.stderr.write(`  ${line}\n`);
    };
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (chunk) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const l of lines) onLine(l);
    });
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (chunk) => process.stderr.write(chunk.replace(/^(?=.)/gm, "  ")));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (pending) onLine(pending);
      const durationMs = Math.round(performance.now() - started);
      let error;
      if (timedOut) error = `timed out after ${timeoutMs / 1000} s`;
      else if (code !== 0) error = `exited with ${code ?? signal}`;
      else if (rows.length === 0) error = "reported no rows";
      resolvePromise({ file: relative(root, file), ok: !error, durationMs, rows, ...(error && { error }) });
    });
  });
}

function judge(row) {
  const baseline = typeof row.baseline === "number" && Number.isFinite(row.baseline) ? row.baseline : null;
  // A row compared by an absolute margin sets "ratio": false: a ratio of two small numbers misleads.
  const ratio = baseline !== null && baseline !== 0 && row.ratio !== false ? row.value / baseline : null;
  let pass = null;
  if (typeof row.pass === "boolean") pass = row.pass;
  else if (row.target && typeof row.target === "object") {
    const t = row.target;
    const checks = [];
    if (typeof t.ratio === "number" && ratio !== null) checks.push(ratio <= t.ratio);
    if (typeof t.max === "number") checks.push(row.value <= t.max);
    if (typeof t.min === "number") checks.push(row.value >= t.min);
    if (checks.length > 0) pass = checks.every(Boolean);
  }
  return { ...row, baseline, ratio, pass };
}

function fmt(n, unit) {
  if (n === null || n === undefined) return "-";
  const digits = Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2;
  return `${n.toFixed(digits)}${unit ? ` ${unit}` : ""}`;
}

function targetText(row) {
  const t = row.target;
  if (!t || typeof t !== "object") return "-";
  const parts = [];
  if (typeof t.ratio === "number") parts.push(`<= ${t.ratio}x`);
  if (typeof t.max === "number") parts.push(`<= ${fmt(t.max, row.unit)}`);
  if (typeof t.min === "number") parts.push(`>= ${fmt(t.min, row.unit)}`);
  return parts.join(", ") || "-";
}

function table(rows) {
  const head = ["suite", "name", "metric", "value", "baseline", "ratio", "target", "result"];
  const body = rows.map((r) => [
    r.suite,
    r.name,
    r.metric ?? "-",
    fmt(r.value, r.unit),
    fmt(r.baseline, r.unit),
    r.ratio === null ? "-" : `${r.ratio.toFixed(2)}x`,
    targetText(r),
    r.pass === null ? "-" : r.pass ? "pass" : "FAIL",
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => String(b[i]).length)));
  const line = (cells) => cells.map((c, i) => (i >= 3 && i <= 5 ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join("  ");
  return [line(head), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

async function main() {
  const { values, positionals } = parseArgs({
    options: { out: { type: "string" }, timeout: { type: "string" }, root: { type: "string" } },
    allowPositionals: true,
  });
  const root = resolve(values.root ?? REPO);
  const outDir = resolve(values.out ?? join(root, "bench-results"));
  const timeoutMs = Number(values.timeout ?? 300) * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new Error(`--timeout must be a number of seconds, not ${values.timeout}`);
  const files = benchFiles(root).filter((f) => positionals.length === 0 || positionals.some((p) => relative(root, f).includes(p)));
  if (files.length === 0) {
    console.error("No bench files found (looked for <workspace>/bench/*.bench.mjs).");
    return 1;
  }
  const startedAt = new Date();
  const results = [];
  for (const file of files) {
    console.error(`▶ ${relative(root, file)}`);
    const r = await runFile(root, file, timeoutMs);
    console.error(`${r.ok ? "✓" : "✗"} ${r.file} (${(r.durationMs / 1000).toFixed(1)} s)${r.error ? `: ${r.error}` : ""}`);
    results.push(r);
  }
  const rows = results.flatMap((r) => r.rows.map((row) => ({ ...judge(row), file: r.file })));
  console.log(`\n${table(rows)}\n`);
  const missed = rows.filter((r) => r.pass === false).length;
  const broken = results.filter((r) => !r.ok);
  console.log(
    `${rows.length} rows from ${results.length} bench files; ${rows.filter((r) => r.pass).length} targets met, ${missed} missed` +
      `${broken.length ? `; ${broken.length} bench files failed: ${broken.map((b) => `${b.file} (${b.error})`).join(", ")}` : ""}`,
  );
  mkdirSync(outDir, { recursive: true });
  const report = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: {
      node: process.version,
      platform: platform(),
      arch: arch(),
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "unknown",
      totalMemMB: Math.round(totalmem() / 2 ** 20),
    },
    files: results.map(({ rows: _rows, ...r }) => r),
    rows,
  };
  const outFile = join(outDir, "results.json");
  writeFileSync(outFile, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`Results written to ${relative(process.cwd(), outFile) || outFile}`);
  return broken.length === 0 ? 0 : 1;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    console.error(`bench: ${err.message}`);
    process.exitCode = 2;
  },
);
