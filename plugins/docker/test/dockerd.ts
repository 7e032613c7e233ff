/**
 * A real Docker engine for the tests: Debian's `dockerd` on its own unix socket, data root, exec root and
 * pid file under a temp folder, without networking (`--bridge=none --iptables=false`) and with the vfs
 * storage driver, so it runs beside anything else on the machine and leaves nothing behind. Images are
 * imported from a local root filesystem built from busybox-static: no registry, no network.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { copyFileSync, createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";

export const DOCKERD = process.env.DOCKERD_PATH ?? "/usr/sbin/dockerd";
export const BUSYBOX = "/bin/busybox";
export const TEST_IMAGE = "archnest-test/busybox:1";

export interface TestEngine {
  dir: string;
  socketPath: string;
  docker: Docker;
  /** dockerd's log so far (for failure messages). */
  log(): string;
  /** Stops the engine (SIGTERM, then SIGKILL) and waits for it to exit; the data stays until cleanup. */
  stop(): Promise<void>;
  /** Stops the engine if running and deletes its folder. */
  cleanup(): Promise<void>;
}

export function requireEngineBinaries(): void {
  const missing = [DOCKERD, BUSYBOX].filter((p) => !existsSync(p));
  if (missing.length > 0)
    throw new Error(`missing ${missing.join(", ")}: run scripts/install-system-deps.sh as root (Debian packages docker.io, busybox-static)`);
}

async function waitForPing(docker: Docker, proc: ChildProcess, output: () => string, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (proc.exitCode !== null) throw new Error(`dockerd exited with ${proc.exitCode}:\n${output().slice(-3000)}`);
    try {
      await docker.ping();
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  throw new Error(`dockerd did not answer within ${ms} ms:\n${output().slice(-3000)}`);
}

/** Starts dockerd on a fresh temp folder and waits until its API answers. */
export async function startEngine(opts: { extraArgs?: string[] } = {}): Promise<TestEngine> {
  requireEngineBinaries();
  // Unix socket paths are limited to 108 bytes: keep the folder short.
  const dir = mkdtempSync(join(tmpdir(), "an-dockerd-"));
  const socketPath = join(dir, "docker.sock");
  const args = [
    "--host",
    `unix://${socketPath}`,
    "--data-root",
    join(dir, "data"),
    "--exec-root",
    join(dir, "exec"),
    "--pidfile",
    join(dir, "docker.pid"),
    "--bridge=none",
    "--iptables=false",
    "--ip6tables=false",
    "--storage-driver=vfs",
    "--shutdown-timeout=2",
    ...(opts.extraArgs ?? []),
  ];
  let output = "";
  const proc = spawn(DOCKERD, args, { stdio: ["ignore", "pipe", "pipe"] });
  proc.stdout?.on("data", (d) => (output = (output + d).slice(-20_000)));
  proc.stderr?.on("data", (d) => (output = (output + d).slice(-20_000)));
  const docker = new Docker({ socketPath });
  const stop = async () => {
    if (proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((r) => proc.once("exit", r));
    proc.kill("SIGTERM");
    const timer = setTimeout(() => proc.kill("SIGKILL"), 15_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitForPing(docker, proc, () => output, 60_000);
  } catch (err) {
    await stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  return {
    dir,
    socketPath,
    docker,
    log: () => output,
    stop,
    async cleanup() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Builds a root filesystem tarball with busybox-static as /bin/busybox and `sh` linked to it, and
 * imports it through the Engine API (`POST /images/create?fromSrc=-`) as {@link TEST_IMAGE}.
 */
export async function importBusyboxImage(engine: TestEngine, image = TEST_IMAGE): Promise<string> {
  const root = join(engine.dir, "rootfs");
  mkdirSync(join(root, "bin"), { recursive: true });
  copyFileSync(BUSYBOX, join(root, "bin", "busybox"));
  for (const tool of ["sh", "echo", "sleep", "cat", "yes", "head"]) if (!existsSync(join(root, "bin", tool))) symlinkSync("busybox", join(root, "bin", tool));
  const tar = join(engine.dir, "rootfs.tar");
  const made = spawnSync("tar", ["-C", root, "-cf", tar, "."], { encoding: "utf8" });
  if (made.status !== 0) throw new Error(`tar failed: ${made.stderr}`);
  const [repo, tag] = image.split(":") as [string, string];
  const progress = await engine.docker.importImage(createReadStream(tar) as unknown as string, { repo, tag });
  await new Promise<void>((resolve, reject) => engine.docker.modem.followProgress(progress, (err) => (err ? reject(err) : resolve())));
  rmSync(root, { recursive: true, force: true });
  rmSync(tar, { force: true });
  return image;
}

/** Creates (and optionally starts) a container running a shell script from the test image, without networking. */
export async function createContainer(
  engine: TestEngine,
  opts: { name: string; script: string; tty?: boolean; start?: boolean; labels?: Record<string, string> },
): Promise<Docker.Container> {
  const c = await engine.docker.createContainer({
    name: opts.name,
    Image: TEST_IMAGE,
    Cmd: ["/bin/busybox", "sh", "-c", opts.script],
    Tty: opts.tty ?? false,
    Labels: opts.labels ?? {},
    HostConfig: { NetworkMode: "none" },
  });
  if (opts.start !== false) await c.start();
  return c;
}

/** The pid dockerd wrote (to check that the tests stopped what they started). */
export function enginePid(engine: TestEngine): number | undefined {
  try {
    return Number(readFileSync(join(engine.dir, "docker.pid"), "utf8"));
  } catch {
    return undefined;
  }
}

/**
 * Adds the engine as a unix Docker source through the Docker plugin's API, as an admin does in the
 * form; `request` calls the host as the admin (a test host's `request`). Answers the source's view.
 */
export async function addEngineSource<T = { id: string; name: string }>(
  request: (path: string, init: { method: string; json: unknown }) => Promise<Response>,
  engine: TestEngine,
  name = "lab",
): Promise<T> {
  const res = await request("/api/plugins/docker/sources", { method: "POST", json: { name, kind: "unix", socketPath: engine.socketPath } });
  if (res.status !== 201) throw new Error(`adding the source answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}
