/**
 * Docker Push Agent as a person meets it: the real host on a loopback port with this plugin and the
 * Docker plugin built, signed and installed; a real dockerd; and the agent as its own process (the
 * package's `archnest-docker-agent` command), reaching the host through a TCP relay the test can cut and
 * restore, so "ArchNest went away" happens to the agent's real connection.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server, type Socket, connect as tcpConnect } from "node:net";
import { fileURLToPath } from "node:url";
import { type FolderPluginHost, pluginHarness } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";

export type PluginHost = FolderPluginHost;

export const { startPluginHost, shot } = pluginHarness(new URL("..", import.meta.url), (dir) => buildPlugin(dir, { quiet: true }));

export const AGENT_BIN = fileURLToPath(new URL("../agent/bin/archnest-docker-agent.js", import.meta.url));

/** Calls a plugin's API as the admin; answers the status and the JSON body. */
export async function call<T = Record<string, unknown>>(
  h: PluginHost,
  path: string,
  init: { method?: string; json?: unknown } = {},
): Promise<{ status: number; body: T }> {
  const res = await h.request(path, { method: init.method ?? "GET", ...(init.json !== undefined && { json: init.json }) });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as T };
}

export interface AgentProcess {
  proc: ChildProcess;
  output(): string;
  exited: Promise<number>;
  /** Kills the process (by its PID) and waits for it. */
  kill(signal?: NodeJS.Signals): Promise<number>;
}

/** Runs `archnest-docker-agent <args>` as its own process. */
export function runAgentCli(args: string[], env: Record<string, string> = {}): AgentProcess {
  if (!existsSync(fileURLToPath(new URL("../agent/dist/cli.js", import.meta.url))))
    throw new Error("the agent is not built: run `npm run build` (turbo builds plugins/docker-push-agent/agent)");
  const proc = spawn(process.execPath, [AGENT_BIN, ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  proc.stderr?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  const exited = new Promise<number>((r) => proc.once("exit", (code, signal) => r(code ?? (signal ? 128 : -1))));
  return {
    proc,
    output: () => out,
    exited,
    async kill(signal = "SIGKILL") {
      if (proc.exitCode === null && proc.signalCode === null && proc.pid) process.kill(proc.pid, signal);
      return exited;
    },
  };
}

/** A TCP relay from a loopback port to the host: `cut()` drops every connection and stops listening. */
export interface Relay {
  url: string;
  cut(): Promise<void>;
  restore(): Promise<void>;
  close(): Promise<void>;
}

export async function startRelay(target: string): Promise<Relay> {
  const { hostname, port } = new URL(target);
  const sockets = new Set<Socket>();
  let server: Server | undefined;
  let relayPort = 0;
  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = createServer((client) => {
        const upstream = tcpConnect(Number(port), hostname);
        for (const x of [client, upstream]) {
          sockets.add(x);
          x.on("close", () => sockets.delete(x));
          x.on("error", () => x.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on("close", () => upstream.destroy());
        upstream.on("close", () => client.destroy());
      });
      s.once("error", reject);
      s.listen(relayPort, "127.0.0.1", () => {
        relayPort = (s.address() as { port: number }).port;
        server = s;
        resolve();
      });
    });
  await listen();
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const x of sockets) x.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = undefined;
    });
  return { url: `http://127.0.0.1:${relayPort}`, cut: stop, restore: listen, close: stop };
}
