// A real Docker engine for the bench files (plain ESM, imported by path: plugins/docker/bench and web/bench).
// Debian's dockerd runs on its own socket with --bridge=none --iptables=false and the vfs driver. Its data
// root persists under the temp folder so the containers (created, never started) are made once and reused by
// later runs; the socket, exec root and pid file are fresh each run. Each bench file passes its own data
// root: two dockerds on one data root corrupt it, and bench files may be run by hand at the same time.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";

export const DOCKERD = "/usr/sbin/dockerd";
export const BUSYBOX = "/bin/busybox";
const IMAGE = "archnest-bench/busybox:1";
const LABEL = "archnest.bench=1";

/** The binaries an engine needs, or a message naming what is missing. */
export function missingEngineBinaries() {
  const missing = [DOCKERD, BUSYBOX].filter((b) => !existsSync(b));
  return missing.length === 0 ? undefined : `${missing.join(", ")} missing: run scripts/install-system-deps.sh as root (docker.io, busybox-static)`;
}

/**
 * Starts dockerd on `dataRoot` and makes sure it holds at least `containers` created containers from a
 * busybox image imported from the local binary (no registry, no network). Creating them stops after
 * `createBudgetMs`, so a first run still ends inside the bench runner's time limit.
 *
 * Resolves with `{ socketPath, docker, total, stop }`; `stop()` sends SIGTERM, then SIGKILL after 15 s, and
 * deletes the run folder. If the calling process exits first, the engine is killed with it.
 */
export async function startBenchEngine({ dataRoot, containers, log = () => {}, createBudgetMs = 90_000 }) {
  const run = mkdtempSync(join(tmpdir(), "an-bench-engine-"));
  const socketPath = join(run, "docker.sock");
  mkdirSync(dataRoot, { recursive: true });
  const dockerd = spawn(
    DOCKERD,
    [
      "--host",
      `unix://${socketPath}`,
      "--data-root",
      dataRoot,
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
  // If the bench dies on an uncaught error, the engine it started must not outlive it.
  const killOnExit = () => {
    if (dockerd.exitCode === null && dockerd.signalCode === null) dockerd.kill("SIGKILL");
  };
  process.on("exit", killOnExit);
  let output = "";
  dockerd.stderr.on("data", (d) => (output = (output + d).slice(-5000)));
  const stop = async () => {
    if (dockerd.exitCode === null && dockerd.signalCode === null) {
      const exited = new Promise((r) => dockerd.once("exit", r));
      dockerd.kill("SIGTERM");
      const t = setTimeout(() => dockerd.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(t);
    }
    process.off("exit", killOnExit);
    rmSync(run, { recursive: true, force: true });
  };

  try {
    const docker = new Docker({ socketPath });
    const until = Date.now() + 60_000;
    for (;;) {
      try {
        await docker.ping();
        break;
      } catch {
        if (dockerd.exitCode !== null || Date.now() > until) throw new Error(`dockerd did not start:\n${output}`);
        await new Promise((r) => setTimeout(r, 150));
      }
    }
    if ((await docker.listImages({ filters: { reference: [IMAGE] } })).length === 0) {
      log("importing the busybox image…");
      const root = join(run, "rootfs");
      mkdirSync(join(root, "bin"), { recursive: true });
      copyFileSync(BUSYBOX, join(root, "bin", "busybox"));
      symlinkSync("busybox", join(root, "bin", "sh"));
      const tar = join(run, "rootfs.tar");
      spawnSync("tar", ["-C", root, "-cf", tar, "."]);
      const [repo, tag] = IMAGE.split(":");
      const progress = await docker.importImage(createReadStream(tar), { repo, tag });
      await new Promise((resolve, reject) => docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve())));
    }
    const existing = await docker.listContainers({ all: true, filters: { label: [LABEL] } });
    if (existing.length < containers) {
      log(`creating ${containers - existing.length} containers (once; later runs reuse them)…`);
      const started = Date.now();
      for (let i = existing.length; i < containers; i++) {
        // The bench runner kills a file after 150 s; stop well before that so cleanup still runs.
        if (Date.now() - started > createBudgetMs) throw new Error(`creating the containers took over ${createBudgetMs / 1000} s`);
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
    return { socketPath, docker, total, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
