#!/usr/bin/env node
// What recording costs the terminal, in one run: the terminal's throughput bench (plugins/terminal/bench)
// with Session Recording installed and licensed, alternating rounds with no recording and with every
// session on the host recorded (the `recordHosts` setting), so both see the same machine at the same
// moment. Rows go to stdout as JSON (scripts/bench.mjs); progress to stderr.
//
//   throughput   ~100 MB of base64 through sshd → host → WebSocket → a decode+ack client, recorded to an
//                asciicast file or not. Target: recording costs at most 5% (with >= 0.95 x without).
//   host CPU     the host process's CPU time per MB (recorder thread included), recorded and not: the cost
//                that is the recorder's, which a busy machine's wall-clock swings cannot move.
//   machine CPU  the whole machine's busy CPU time per MB (sshd, the client, the host, the kernel's
//                networking and disk writes), recorded and not: on a machine the terminal keeps busy,
//                throughput is capacity over this, so recording's share of it is its cost in throughput.
//                Target: at most 5% more.
//   file         bytes written per byte of output, and whether the file is valid asciicast v2.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { inClient, startStack } from "../../terminal/bench/terminal.bench.mjs";

const PLUGIN_DIR = fileURLToPath(new URL("..", import.meta.url));
const ROUNDS = 5;
const MODULE = "session-recording";

const log = (msg) => process.stderr.write(`${msg}\n`);
const row = (r) => process.stdout.write(`${JSON.stringify({ suite: "session-recording", ...r })}\n`);

async function call(stack, path, init) {
  const res = await stack.request(path, init);
  if (!res.ok) throw new Error(`${init?.method ?? "GET"} ${path} answered ${res.status}: ${await res.text()}`);
  return res.json();
}

async function setRecording(stack, on) {
  const { values } = await call(stack, `/api/plugins/${MODULE}/settings`);
  await call(stack, `/api/plugins/${MODULE}/settings`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ values: { ...values, recordHosts: on ? stack.hostId : "" } }),
  });
}

/** Waits for the round's recording to be closed, checks its file's first and last lines, and deletes it. */
async function takeRecording(stack) {
  for (let i = 0; i < 100; i++) {
    const { recordings } = await call(stack, `/api/plugins/${MODULE}/recordings`);
    const done = recordings.find((r) => r.state !== "recording");
    if (recordings.length === 1 && done) {
      const cast = await (await stack.request(`/api/plugins/${MODULE}/recordings/${done.id}/download`)).text();
      const lines = cast.trimEnd().split("\n");
      const header = JSON.parse(lines[0]);
      const last = JSON.parse(lines.at(-1));
      const valid = header.version === 2 && Array.isArray(last) && last.length === 3;
      await call(stack, `/api/plugins/${MODULE}/recordings/${done.id}`, { method: "DELETE" });
      return { bytes: done.bytes, state: done.state, valid };
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("the round's recording never finished");
}

/** Busy CPU time of the whole machine so far, in ms (/proc/stat: all but idle and iowait). */
function machineBusyMs() {
  const [, ...fields] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
  const jiffies = fields.map(Number);
  const total = jiffies.slice(0, 8).reduce((a, b) => a + b, 0);
  return ((total - jiffies[3] - jiffies[4]) * 1000) / 100;
}

/** One throughput round, with the machine's busy CPU time per MB it cost. */
async function measure(stack) {
  const before = machineBusyMs();
  const r = await inClient("archnest", stack.info(), false);
  return { ...r, machinePerMB: (machineBusyMs() - before) / (r.bytes / 1e6) };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

async function main() {
  const stack = await startStack({ plugins: [{ dir: PLUGIN_DIR, id: MODULE, permissions: ["storage"] }], licensed: [MODULE] });
  try {
    let best = { without: 0, with: 0, bytes: 0, file: 0, valid: true, cpuWithout: Number.POSITIVE_INFINITY, cpuWith: Number.POSITIVE_INFINITY };
    const cpuPerMB = (r) => r.hostCpuMs / (r.bytes / 1e6);
    const machine = { without: [], with: [] };
    /** Each round's recorded throughput over its unrecorded one: the two ran back to back. */
    const paired = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternating which goes first, so neither always runs after the other's disk writes.
      let plain;
      let recorded;
      for (const on of round % 2 ? [true, false] : [false, true]) {
        await setRecording(stack, on);
        if (on) recorded = await measure(stack);
        else plain = await measure(stack);
      }
      const file = await takeRecording(stack);
      if (file.state !== "done") throw new Error(`the recording ended ${file.state}`);
      log(
        `round ${round + 1}: without ${plain.mbps.toFixed(1)} MB/s ${plain.machinePerMB.toFixed(1)} ms/MB, recorded ${recorded.mbps.toFixed(1)} MB/s ${recorded.machinePerMB.toFixed(1)} ms/MB (${(recorded.bytes / 1e6).toFixed(1)} MB, file ${(file.bytes / 1e6).toFixed(1)} MB)`,
      );
      paired.push(recorded.mbps / plain.mbps);
      machine.without.push(plain.machinePerMB);
      machine.with.push(recorded.machinePerMB);
      best = {
        without: Math.max(best.without, plain.mbps),
        with: Math.max(best.with, recorded.mbps),
        bytes: recorded.bytes,
        file: file.bytes,
        valid: best.valid && file.valid,
        cpuWithout: Math.min(best.cpuWithout, cpuPerMB(plain)),
        cpuWith: Math.min(best.cpuWith, cpuPerMB(recorded)),
      };
    }
    const ratio = median(paired);
    row({
      name: "terminal throughput 100 MB, recorded",
      metric: "throughput",
      value: ratio * best.without,
      unit: "MB/s",
      baseline: best.without,
      target: { min: 0.95 * best.without },
      ratio: false,
      note: `baseline: the same terminal, same run, not recorded (best of ${ROUNDS}); value: the baseline times the median of the rounds' recorded/unrecorded ratios, ${ratio.toFixed(3)}x (rounds: ${paired.map((r) => r.toFixed(2)).join(", ")}; best of each: ${(best.with / best.without).toFixed(3)}x); target: recording costs at most 5%`,
    });
    row({
      name: "host CPU per MB, recorded",
      metric: "cpu",
      value: best.cpuWith,
      unit: "ms/MB",
      baseline: best.cpuWithout,
      note: `the host process's CPU time per MB of output (recorder thread included), least of ${ROUNDS}; recording adds ${(best.cpuWith - best.cpuWithout).toFixed(2)} ms/MB (${((best.cpuWith / best.cpuWithout - 1) * 100).toFixed(1)}%)`,
    });
    const machineWithout = median(machine.without);
    const machineWith = median(machine.with);
    row({
      name: "machine CPU per MB, recorded",
      metric: "cpu",
      value: machineWith,
      unit: "ms/MB",
      baseline: machineWithout,
      target: { max: 1.05 * machineWithout },
      note: `the whole machine's busy CPU time per MB of terminal output (sshd, client, host, kernel), median of ${ROUNDS}; recording adds ${(machineWith - machineWithout).toFixed(2)} ms/MB (${((machineWith / machineWithout - 1) * 100).toFixed(1)}%); target: at most 5%`,
    });
    row({
      name: "recording file per output byte",
      metric: "size",
      value: best.file / best.bytes,
      unit: "x",
      pass: best.valid,
      note: `${(best.file / 1e6).toFixed(1)} MB of asciicast for ${(best.bytes / 1e6).toFixed(1)} MB of output; header and last event valid: ${best.valid}`,
    });
  } finally {
    await stack.close();
  }
}

await main();
