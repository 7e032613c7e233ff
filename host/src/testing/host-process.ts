import { fileURLToPath } from "node:url";
import { type ServiceProcess, startServiceProcess } from "@archnest/sdk/testing";

const HOST_DIR = fileURLToPath(new URL("../../", import.meta.url));
const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

/** The host's own entry point running as a child process, as an operator starts it. */
export type HostProcess = ServiceProcess;

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
  return startServiceProcess({ entry: MAIN, cwd: HOST_DIR, env, listening: '"ArchNest host listening"', name: "the host", timeoutMs });
}
