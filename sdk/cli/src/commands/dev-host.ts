import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { dirname, join, relative } from "node:path";
import { SdkError } from "@archnest/sdk";

/** A host `dev` started for the plugin in a folder, and the admin it made there. */
export interface DevHost {
  url: string;
  username: string;
  password: string;
  /** Stops the host (SIGTERM, then SIGKILL after 10 s) and waits for it to exit. */
  stop(): Promise<void>;
}

const ADMIN = "dev";
const READY_MS = 60_000;

/** The host program of `@archnest/host` as the plugin's project installed it (npm install -D @archnest/host). */
function hostProgram(dir: string): string {
  let pkgJson: string;
  try {
    pkgJson = createRequire(join(dir, "package.json")).resolve("@archnest/host/package.json");
  } catch {
    throw new SdkError(
      "SDK_ERR_USAGE",
      "No host to install into: pass --host URL for a running host, or `npm install -D @archnest/host` so dev starts one for this plugin.",
    );
  }
  const pkg = JSON.parse(readFileSync(pkgJson, "utf8")) as { bin?: Record<string, string> };
  const bin = pkg.bin?.["archnest-host"];
  if (!bin) throw new SdkError("SDK_ERR_USAGE", `${pkgJson} has no archnest-host program; install @archnest/host 1.1 or later.`);
  return join(dirname(pkgJson), bin);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function ask(url: string, init?: RequestInit): Promise<Response | undefined> {
  try {
    return await fetch(url, init);
  } catch {
    return undefined;
  }
}

/**
 * Starts a host for development from the project's `@archnest/host`, its data in `.archnest/dev-host/`
 * (kept between runs, git-ignored like the development keys), on 127.0.0.1 at `port` (a free one when
 * 0). The first start makes the admin `dev` with a random password, saved beside the data (mode 0600)
 * so the author can sign in in the browser. The host's own log goes to `log`.
 */
export async function startDevHost(dir: string, port: number, log: (line: string) => void): Promise<DevHost> {
  const program = hostProgram(dir);
  const dataDir = join(dir, ".archnest", "dev-host");
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const adminFile = join(dataDir, "dev-admin.json");
  if (!existsSync(adminFile)) {
    writeFileSync(adminFile, `${JSON.stringify({ username: ADMIN, password: randomBytes(18).toString("base64url") }, null, 2)}\n`, { mode: 0o600 });
  }
  const admin = JSON.parse(readFileSync(adminFile, "utf8")) as { username: string; password: string };
  const listen = port === 0 ? await freePort() : port;
  const url = `http://127.0.0.1:${listen}`;
  const child: ChildProcess = spawn(process.execPath, [program], {
    cwd: dataDir,
    env: { ...process.env, ARCHNEST_DATA_DIR: dataDir, ARCHNEST_HOST: "127.0.0.1", ARCHNEST_PORT: String(listen), ARCHNEST_LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let spawnError: Error | undefined;
  const exited = new Promise<number | null>((resolve) => {
    child.once("exit", (code) => resolve(code));
    // A program that cannot be started never exits: the wait below reports it.
    child.once("error", (err) => {
      spawnError = err;
      resolve(null);
    });
  });
  let output = "";
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on("data", (chunk: Buffer) => {
      output = (output + chunk.toString("utf8")).slice(-4000);
      for (const text of chunk.toString("utf8").split("\n")) if (text.trim()) log(`host: ${text}`);
    });
  }
  const stop = async () => {
    if (spawnError || child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const force = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(force);
  };

  try {
    const deadline = Date.now() + READY_MS;
    let setup: Response | undefined;
    while (!setup?.ok) {
      if (spawnError) throw new SdkError("SDK_ERR_IO", `The development host could not be started: ${spawnError.message}`);
      if (child.exitCode !== null) throw new SdkError("SDK_ERR_IO", `The development host stopped while starting (exit ${child.exitCode}): ${output.trim()}`);
      if (Date.now() > deadline) throw new SdkError("SDK_ERR_IO", `The development host did not answer at ${url} within ${READY_MS / 1000} s.`);
      await new Promise((r) => setTimeout(r, 200));
      setup = await ask(`${url}/api/setup`);
    }
    if (((await setup.json()) as { needsSetup?: boolean }).needsSetup) {
      // The first-run setup code is in the host's data folder, which only its starter can read.
      const setupCode = readFileSync(join(dataDir, "setup-code"), "utf8").trim();
      const res = await ask(`${url}/api/setup`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ setupCode, username: admin.username, password: admin.password }),
      });
      if (res?.status !== 201)
        throw new SdkError("SDK_ERR_IO", `The development host refused its first admin: HTTP ${res?.status ?? "unreachable"} ${await res?.text()}`);
    }
  } catch (err) {
    await stop();
    throw err;
  }
  log(`dev: started a host at ${url} (data in ${relative(dir, dataDir)}; sign in as ${admin.username}, password in ${relative(dir, adminFile)})`);
  return { url, username: admin.username, password: admin.password, stop };
}
