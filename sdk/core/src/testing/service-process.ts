import { type ChildProcess, spawn } from "node:child_process";

/** A service's own entry point running as a child process, as an operator starts it. */
export interface ServiceProcess {
  /** The URL the service logged once listening. */
  url: string;
  child: ChildProcess;
  pid: number;
  /** Everything it printed so far. */
  output(): string;
  /** SIGKILL, and resolves once it is gone. */
  kill(): Promise<void>;
}

export interface StartServiceOptions {
  /** The entry point (a TypeScript source file, run through tsx with the workspace-source condition). */
  entry: string;
  cwd: string;
  /** The whole environment beside PATH: nothing else of the test process leaks into the service. */
  env: Record<string, string>;
  /** A piece of the JSON log line the service prints once listening; that line carries `"url"`. */
  listening: string;
  /** How the service is named in errors ("the host", "the registry"). */
  name: string;
  timeoutMs?: number;
}

/**
 * Starts a service from source in a child process and resolves with the URL from its "listening" log
 * line; rejects with everything it printed when it exits first or does not listen in time.
 *
 * @example
 * ```ts
 * const svc = await startServiceProcess({ entry: "registry/src/main.ts", cwd: repo, env, listening: '"msg":"listening"', name: "the registry" });
 * await svc.kill();
 * ```
 */
export function startServiceProcess(opts: StartServiceOptions): Promise<ServiceProcess> {
  const timeoutMs = opts.timeoutMs ?? 60_000;
  const child = spawn(process.execPath, ["--conditions=archnest-source", "--import", "tsx", opts.entry], {
    cwd: opts.cwd,
    env: { PATH: process.env.PATH ?? "", ...opts.env },
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
      reject(new Error(`${opts.name} did not listen within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    child.stderr?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const line = output.split("\n").find((l) => l.includes(opts.listening));
      const url = line === undefined ? undefined : /"url":"(http:\/\/[^"]+)"/.exec(line)?.[1];
      if (url && child.pid !== undefined) {
        clearTimeout(timer);
        resolve({ url, child, pid: child.pid, output: () => output, kill });
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${opts.name} exited with ${code} before listening:\n${output}`));
    });
  });
}
