#!/usr/bin/env node
// Container Exec speed against `docker exec -t` on the same engine, in one run: a real dockerd
// (plugins/docker/bench/bench-engine.mjs), the real host with the terminal, Docker and Container Exec
// plugins, and the terminal bench's clients (plugins/terminal/bench), each in its own process.
//
//   throughput   ~100 MB of base64 printed in a container: through ArchNest (engine → Docker plugin →
//                terminal session → WebSocket → a decode+ack client) against `docker exec -t` printing
//                the same to a pipe. Target: 90% of docker exec or more (best of the rounds).
import { randomBytes } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { missingEngineBinaries, startBenchEngine } from "../../docker/bench/bench-engine.mjs";
import { inClient, startStack } from "../../terminal/bench/terminal.bench.mjs";
import { execHostId } from "../dist/server.js";

const ROUNDS = 3;
const FLOOD = "busybox head -c 75000000 /dev/zero | busybox base64";
const log = (msg) => process.stderr.write(`${msg}\n`);
const row = (r) => process.stdout.write(`${JSON.stringify({ suite: "container-exec", ...r })}\n`);
const plugin = (name) => fileURLToPath(new URL(`../../${name}/`, import.meta.url));

async function main() {
  const missing = missingEngineBinaries();
  if (missing) throw new Error(missing);
  const engine = await startBenchEngine({ dataRoot: join(tmpdir(), "archnest-bench-exec-engine"), containers: 0, log });
  const name = `exec-bench-${randomBytes(4).toString("hex")}`;
  const container = await engine.docker.createContainer({
    name,
    Image: "archnest-bench/busybox:1",
    Cmd: ["/bin/busybox", "sh", "-c", "trap 'exit 0' TERM; while :; do /bin/busybox sleep 1; done"],
    HostConfig: { NetworkMode: "none" },
  });
  await container.start();
  const stack = await startStack({
    plugins: [
      { dir: plugin("docker"), id: "docker", permissions: ["docker", "storage", "secrets"] },
      { dir: plugin("container-exec"), id: "container-exec", permissions: [] },
    ],
    licensed: ["container-exec"],
  });
  try {
    const res = await stack.request("/api/plugins/docker/sources", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "bench", kind: "unix", socketPath: engine.socketPath }),
    });
    if (res.status !== 201) throw new Error(`adding the source answered ${res.status}: ${await res.text()}`);
    const { id: sourceId } = await res.json();
    const hostId = execHostId({ sourceId, containerId: name, name, shell: "/bin/sh", user: "" });
    const docker = { command: "docker", args: ["-H", `unix://${engine.socketPath}`, "exec", "-t", name, "/bin/sh", "-c", FLOOD] };
    let best = { archnest: 0, raw: 0, bytes: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const raw = await inClient("command", docker, false);
      const via = await inClient("archnest", { ...stack.info(), hostId, flood: FLOOD }, false);
      log(`round ${round + 1}: docker exec ${raw.mbps.toFixed(1)} MB/s, ArchNest ${via.mbps.toFixed(1)} MB/s (${(via.bytes / 1e6).toFixed(1)} MB)`);
      best = { archnest: Math.max(best.archnest, via.mbps), raw: Math.max(best.raw, raw.mbps), bytes: via.bytes };
    }
    row({
      name: "container exec throughput 100 MB, decode+ack client",
      metric: "throughput",
      value: best.archnest,
      unit: "MB/s",
      baseline: best.raw,
      target: { min: 0.9 * best.raw },
      ratio: false,
      note: `${(best.bytes / 1e6).toFixed(1)} MB; baseline: docker exec -t to a pipe on the same engine; target 90% of baseline; best of ${ROUNDS}; ${(best.archnest / best.raw).toFixed(2)}x`,
    });
  } finally {
    await stack.close();
    await container.remove({ force: true }).catch(() => undefined);
    await engine.stop();
  }
}

await main();
