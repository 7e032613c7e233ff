import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const HOST_DIR = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

/** The host's own entry point running as a child process, as an operator starts it. */
export interface HostProcess {
  url: string;
  child: ChildProcess;
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** SIGKILL, and resolves once it is gone. */
  kill(): Promise<void>;
}

/**
 * Starts `host/src/main.ts` (from source, so no build is needed) with only `env` and PATH in its
 * environment, and resolves with the URL it logs once listening (at log level info or lower). Set
 * ARCHNEST_PORT=0 for a free port.
 *
 * @example
 * ```ts
 * const host = await startHostProcess({ ARCHNEST_DATA_DIR: data, ARCHNEST_PORT: "0", HOME: dir });
 * await fetch(`${host.url}/healthz`);
 * await host.kill();
 * ```
 */
export function startHostProcess(env: Record<string, string>, timeoutMs = 60_000): Promise<HostProcess> {
  const child = spawn(process.execPath, ["--conditions=archnest-source", "--import", "tsx", MAIN], {
    cwd: HOST_DIR,
    env: { PATH: process.env.PATH ?? "", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void kill();
      reject(new Error(`the host did not listen within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n").find((l) => l.includes('"ArchNest host listening"'));
      const url = line === undefined ? undefined : /"url":"(http:\/\/[^"]+)"/.exec(line)?.[1];
      if (url && child.pid !== undefined) {
        clearTimeout(timer);
        resolve({ url, child, pid: child.pid, output: () => output, kill });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`the host exited with ${code} before listening:\n${output}`));
    });
  });
}
