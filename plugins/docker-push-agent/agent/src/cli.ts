/**
 * `archnest-docker-agent`: enroll this Docker host with ArchNest once, then run the agent.
 *
 *   archnest-docker-agent enroll --url https://archnest.example.com --token <one-time token> [--name web-1]
 *   archnest-docker-agent run [--socket /var/run/docker.sock] [--allow start,stop,restart,exec]
 *
 * `run` given `--url` and `--token` (or ARCHNEST_URL and ARCHNEST_ENROLL_TOKEN) enrolls first when no
 * configuration exists yet, which is how the container image starts.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { AGENT_VERSION, type AgentConfig, enroll, runAgent } from "./agent.js";
import { parseActions } from "./policy.js";
import { AGENT_ACTIONS, generateAgentKey } from "./protocol.js";

export interface CliIo {
  stdout: { write(s: string): unknown };
  stderr: { write(s: string): unknown };
  env: NodeJS.ProcessEnv;
  /** Resolves when the process is asked to stop (SIGINT, SIGTERM). */
  stopSignal: Promise<void>;
}

const USAGE = `Usage:
  archnest-docker-agent enroll --url <ArchNest URL> --token <token> [--name <name>] [--config <file>]
  archnest-docker-agent run [--config <file>] [--socket <engine socket>] [--allow <actions>] [--retry-max <seconds>]
                            [--url <ArchNest URL> --token <token>]   (enrolls first when not enrolled)

  --allow   the most ArchNest may do here, whatever its admin allows: ${AGENT_ACTIONS.join(", ")}, all or none
            (default all: the admin's choice in ArchNest decides, and it allows none until changed)
  --retry-max  the longest wait between reconnection attempts, in seconds (default 30)
  Environment: ARCHNEST_AGENT_CONFIG, ARCHNEST_URL, ARCHNEST_ENROLL_TOKEN, ARCHNEST_AGENT_NAME,
               ARCHNEST_AGENT_ALLOW, DOCKER_HOST (unix:// only)
`;

export function defaultConfigPath(env: NodeJS.ProcessEnv): string {
  if (env.ARCHNEST_AGENT_CONFIG) return resolve(env.ARCHNEST_AGENT_CONFIG);
  const base = env.XDG_CONFIG_HOME || join(homedir(), ".config");
  return join(base, "archnest-docker-agent", "agent.json");
}

function engineSocket(flag: string | undefined, env: NodeJS.ProcessEnv): string {
  if (flag) return resolve(flag);
  const host = env.DOCKER_HOST;
  if (host?.startsWith("unix://")) return host.slice("unix://".length);
  if (host) throw new Error(`DOCKER_HOST=${host}: the agent reaches its engine over a unix socket (unix:///var/run/docker.sock)`);
  return "/var/run/docker.sock";
}

/** Writes the configuration readable by this user alone, replacing any older one in one step. */
function saveConfig(path: string, config: AgentConfig): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

function loadConfig(path: string): AgentConfig {
  const c = JSON.parse(readFileSync(path, "utf8")) as Partial<AgentConfig>;
  if (typeof c.url !== "string" || typeof c.agentId !== "string" || typeof c.privateKeyPem !== "string")
    throw new Error(`${path} is not an agent configuration: enroll again`);
  return { url: c.url, agentId: c.agentId, name: c.name ?? "", privateKeyPem: c.privateKeyPem };
}

async function doEnroll(io: CliIo, url: string, token: string, name: string | undefined, configPath: string): Promise<AgentConfig> {
  new URL(url); // a clear error for a URL that is not one
  const key = generateAgentKey();
  const config = await enroll(url, token, { ...(name && { name }), privateKeyPem: key.privateKeyPem, publicKey: key.publicKey });
  saveConfig(configPath, config);
  io.stdout.write(`Enrolled as "${config.name}" (agent ${config.agentId}); configuration saved to ${configPath}\n`);
  return config;
}

/** Runs the CLI; resolves with the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === "--version" || command === "-v") {
    io.stdout.write(`${AGENT_VERSION}\n`);
    return 0;
  }
  if (command !== "enroll" && command !== "run") {
    io.stderr.write(USAGE);
    return command === "--help" || command === "-h" ? 0 : 64;
  }
  let values: Record<string, string | undefined>;
  try {
    values = parseArgs({
      args: rest,
      options: {
        url: { type: "string" },
        token: { type: "string" },
        name: { type: "string" },
        config: { type: "string" },
        socket: { type: "string" },
        allow: { type: "string" },
        "retry-max": { type: "string" },
      },
      strict: true,
    }).values;
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${USAGE}`);
    return 64;
  }
  const env = io.env;
  const configPath = values.config ? resolve(values.config) : defaultConfigPath(env);
  const url = values.url ?? env.ARCHNEST_URL;
  const token = values.token ?? env.ARCHNEST_ENROLL_TOKEN;
  const name = values.name ?? env.ARCHNEST_AGENT_NAME;
  try {
    if (command === "enroll") {
      if (!url || !token) throw new Error("enroll needs --url and --token (the token is on ArchNest's Docker agents page)");
      await doEnroll(io, url, token, name, configPath);
      io.stdout.write("Start the agent with: archnest-docker-agent run\n");
      return 0;
    }
    const ceiling = parseActions(values.allow ?? env.ARCHNEST_AGENT_ALLOW ?? "all", AGENT_ACTIONS);
    const socketPath = engineSocket(values.socket, env);
    const retryMax = Number(values["retry-max"] ?? env.ARCHNEST_AGENT_RETRY_MAX ?? 30);
    if (!Number.isFinite(retryMax) || retryMax < 1 || retryMax > 3600) throw new Error("--retry-max is a number of seconds from 1 to 3600");
    let config: AgentConfig;
    if (existsSync(configPath)) config = loadConfig(configPath);
    else if (url && token) config = await doEnroll(io, url, token, name, configPath);
    else throw new Error(`not enrolled (no ${configPath}): run "archnest-docker-agent enroll --url … --token …" first`);
    let refused: string | undefined;
    const log = (level: string, message: string) => (level === "info" ? io.stdout : io.stderr).write(`${new Date().toISOString()} ${level} ${message}\n`);
    io.stdout.write(`archnest-docker-agent ${AGENT_VERSION}: engine ${socketPath}, ArchNest ${config.url}\n`);
    let wake: () => void = () => undefined;
    const refusedSignal = new Promise<void>((r) => {
      wake = r;
    });
    const agent = runAgent(config, {
      socketPath,
      ceiling,
      log,
      backoff: { initialMs: Math.min(1000, retryMax * 1000), maxMs: retryMax * 1000 },
      onRefused: (_code, message) => {
        refused = message;
        wake();
      },
    });
    await Promise.race([io.stopSignal, refusedSignal]);
    await agent.stop();
    if (refused) {
      io.stderr.write(`Stopped: ${refused}\n`);
      return 2;
    }
    return 0;
  } catch (err) {
    io.stderr.write(`archnest-docker-agent: ${(err as Error).message}\n`);
    return 1;
  }
}
