import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// Runs the real runner over a throwaway tree laid out like the repository, with bench files whose rows
// and outcomes are known in advance.
const RUNNER = join(dirname(fileURLToPath(import.meta.url)), "bench.mjs");
let root: string;

function benchFile(path: string, body: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), body);
}

const print = (row: object) => `console.log(${JSON.stringify(JSON.stringify(row))});`;

function run(...args: string[]) {
  const r = spawnSync(process.execPath, [RUNNER, "--root", root, "--out", join(root, "out"), ...args], { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const results = () => JSON.parse(readFileSync(join(root, "out", "results.json"), "utf8"));

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "archnest-bench-test-"));
  benchFile(
    "sdk/core/bench/speed.bench.mjs",
    [
      'console.error("warming up");',
      'console.log("not a row");',
      print({ suite: "speed", name: "fast enough", metric: "time", value: 12, unit: "ms", baseline: 10, target: { ratio: 1.5 } }),
      print({ suite: "speed", name: "too slow", metric: "time", value: 30, unit: "ms", baseline: 10, target: { ratio: 1.5 } }),
      print({ suite: "speed", name: "info only", metric: "time", value: 3, unit: "ms" }),
    ].join("\n"),
  );
  benchFile(
    "plugins/notes/bench/memory.bench.mjs",
    [
      print({ suite: "memory", name: "under the cap", metric: "rss", value: 5, unit: "MB", baseline: 1, ratio: false, target: { max: 9 } }),
      print({ suite: "memory", name: "judged by the bench", metric: "rss", value: 5, unit: "MB", pass: false }),
      print({ suite: "memory", name: "above the floor", metric: "throughput", value: 50, unit: "MB/s", target: { min: 40 } }),
    ].join("\n"),
  );
  benchFile("registry/bench/broken.bench.mjs", `${print({ suite: "broken", name: "half done", value: 1 })}\nprocess.exit(3);\n`);
  benchFile("web/bench/silent.bench.mjs", "// reports nothing\n");
  benchFile("host/bench/helper.mjs", 'throw new Error("not a bench file: must not run");\n');
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe("scripts/bench.mjs", () => {
  it("runs the bench files it finds, judges each row against its target and writes results.json", () => {
    const r = run("sdk/core", "plugins");
    expect(r.code, r.stderr).toBe(0);
    const rows = results().rows as { name: string; ratio: number | null; pass: boolean | null; file: string }[];
    const byName = Object.fromEntries(rows.map((row) => [row.name, row]));
    expect(Object.keys(byName).sort()).toEqual(["above the floor", "fast enough", "info only", "judged by the bench", "too slow", "under the cap"]);
    expect(byName["fast enough"]).toMatchObject({ ratio: 1.2, pass: true, file: "sdk/core/bench/speed.bench.mjs" });
    expect(byName["too slow"]).toMatchObject({ ratio: 3, pass: false });
    expect(byName["info only"]).toMatchObject({ ratio: null, pass: null });
    expect(byName["under the cap"]).toMatchObject({ ratio: null, pass: true });
    expect(byName["judged by the bench"]).toMatchObject({ pass: false });
    expect(byName["above the floor"]).toMatchObject({ pass: true });
    expect(r.stdout).toMatch(/too slow\s+time\s+30\.0 ms\s+10\.0 ms\s+3\.00x\s+<= 1\.5x\s+FAIL/);
    expect(r.stdout).toMatch(/fast enough\s+time\s+12\.0 ms\s+10\.0 ms\s+1\.20x\s+<= 1\.5x\s+pass/);
    expect(r.stdout).toContain("6 rows from 2 bench files; 3 targets met, 2 missed");
    expect(r.stderr).toContain("not a row");
    expect(r.stderr).toContain("warming up");
  });

  it("exits 1 and names the bench files that crashed or reported nothing, keeping the rows it got", () => {
    const r = run();
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("registry/bench/broken.bench.mjs (exited with 3)");
    expect(r.stdout).toContain("web/bench/silent.bench.mjs (reported no rows)");
    expect(r.stdout).not.toContain("must not run");
    const files = results().files as { file: string; ok: boolean }[];
    expect(files.map((f) => [f.file, f.ok])).toEqual([
      ["plugins/notes/bench/memory.bench.mjs", true],
      ["registry/bench/broken.bench.mjs", false],
      ["sdk/core/bench/speed.bench.mjs", true],
      ["web/bench/silent.bench.mjs", false],
    ]);
    expect(results().rows.some((row: { name: string }) => row.name === "half done")).toBe(true);
  });

  it("stops a bench file that runs past the time limit", () => {
    benchFile("host/bench/stuck.bench.mjs", "setInterval(() => {}, 1000);\n");
    const r = run("host", "--timeout", "1");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("host/bench/stuck.bench.mjs (timed out after 1 s)");
  });

  it("says so when no bench file matches", () => {
    const r = run("no-such-workspace");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("No bench files found");
  });
});
