/**
 * Engine clients per source, and the calls the API makes through them. Each call has a deadline, so one
 * unreachable engine never holds up a page: it is made through a client built for that deadline, which
 * cuts the request off when the engine has not answered in time, while the caller gets a coded timeout
 * error at the same moment. Followed logs use a client without deadline, since they may stay quiet for hours.
 */

import type { Agent } from "node:http";
import { type DockerEndpoint, type PluginDocker, streamAgent } from "@archnest/sdk/plugin";
import Docker from "dockerode";
import { classifyEngineError, DockerPluginError } from "../errors/index.js";
import type { DockerTransport, DockerTransportKind } from "../service/api.js";
import { type DockerSource, describeSource, type SourceStore, type TlsMaterial } from "../sources/index.js";
import { isTransportKind, TRANSPORT_KINDS } from "../sources/kinds.js";
import { type ContainerUsage, type EngineStats, usageFromStats } from "./stats.js";

export { DockerStreamDemuxer, LineSplitter, type LogFrame, type LogStream } from "./demux.js";
export { type ContainerUsage, type EngineStats, usageFromStats } from "./stats.js";

/** Deadlines in milliseconds. Listing is what pages wait on; actions may legitimately take longer. */
export const DEADLINES = { list: 4_000, probe: 2_500, usage: 6_000, action: 40_000, test: 5_000 } as const;

export interface EngineClients {
  /**
   * The client for calls with a deadline of `ms`: a request the engine has not answered within `ms` is
   * destroyed (docker-modem's connection timer, which runs until the response arrives, and an idle
   * timeout for a response that stalls). One per deadline, made on first use.
   */
  within(ms: number): Docker;
  /** Without deadline, for followed logs. */
  stream: Docker;
  where: string;
}

/** The fields of a source that say where its engine is. */
export type SourceAddress = Pick<DockerSource, "name" | "kind" | "socketPath" | "host" | "port" | "tls" | "hostId" | "hostName" | "via">;

/** Where the host connects for a unix or TCP source; the TLS material travels with it and stays on the server. */
function endpoint(source: SourceAddress, tls: TlsMaterial | undefined): DockerEndpoint {
  if (source.kind === "unix") return { kind: "unix", socketPath: source.socketPath as string };
  return { kind: "tcp", host: source.host as string, port: source.port as number, ...(source.tls && tls && { tls }) };
}

/** Finds the registered transport of a kind, at each connection (its plugin may have been reloaded). */
export type TransportLookup = (kind: DockerTransportKind) => DockerTransport | undefined;

export { isTransportKind, TRANSPORT_KINDS } from "../sources/kinds.js";

/** Says a source's transport is missing: its module's plugin is not installed or not running. */
export function transportUnavailable(source: Pick<DockerSource, "name" | "kind">): DockerPluginError {
  const kind = isTransportKind(source.kind) ? TRANSPORT_KINDS[source.kind] : TRANSPORT_KINDS.ssh;
  return new DockerPluginError(
    "DOCKER_ERR_TRANSPORT_UNAVAILABLE",
    `"${source.name}" is reached ${kind.way}: install and enable the ${kind.plugin} plugin to reach its engine.`,
  );
}

/**
 * The HTTP agent of a source: the lent Docker connection for unix and TCP sources, the registered
 * transport's stream for SSH and agent sources.
 */
export function agentFor(docker: PluginDocker, transports: TransportLookup, source: SourceAddress, tls: TlsMaterial | undefined, timeoutMs: number): Agent {
  const kind = source.kind;
  if (!isTransportKind(kind)) return docker.agent(endpoint(source, tls), { timeoutMs });
  const hostId = source.hostId as string;
  const hostName = source.hostName ?? hostId;
  return streamAgent(async () => {
    const transport = transports(kind);
    if (!transport) throw transportUnavailable(source);
    if (transport.kind === "agent") return transport.connect({ hostId, hostName }, { timeoutMs });
    return transport.connect({ hostId, hostName, socketPath: source.socketPath as string, via: source.via ?? "auto" }, { timeoutMs });
  });
}

/**
 * dockerode options that reach the engine through the host: the host opens every connection (and does
 * TLS), so dockerode speaks plain HTTP over the agent; the host name in its URLs is never resolved.
 */
function options(agent: Agent): Docker.DockerOptions {
  // docker-modem reads `agent` (dockerode's types leave it out).
  return { host: "docker.engine", port: 2375, protocol: "http", agent } as Docker.DockerOptions;
}

/**
 * Builds and caches clients; a source's clients are rebuilt when the source changes. The same source object
 * finds its clients at once; another object for the source is compared by content.
 */
export class Engines {
  private readonly cache = new Map<string, { source: Readonly<DockerSource>; fingerprint: string; clients: EngineClients; agent: Agent }>();

  constructor(
    private readonly store: SourceStore,
    private readonly docker: PluginDocker,
    private readonly transports: TransportLookup,
  ) {}

  async clients(source: Readonly<DockerSource>): Promise<EngineClients> {
    const hit = this.cache.get(source.id);
    if (hit?.source === source) return hit.clients;
    const fingerprint = JSON.stringify(source);
    if (hit && hit.fingerprint === fingerprint) {
      hit.source = source;
      return hit.clients;
    }
    const tls = source.tls ? await this.store.tls(source.id) : undefined;
    hit?.agent.destroy();
    // One agent per source: its connections are shared by every deadline's client and by followed logs.
    const agent = agentFor(this.docker, this.transports, source, tls, DEADLINES.test);
    const base = options(agent);
    const timed = new Map<number, Docker>();
    const clients: EngineClients = {
      within(ms) {
        let docker = timed.get(ms);
        if (!docker) {
          // dockerode hands its options to docker-modem, which reads connectionTimeout (not in dockerode's types).
          docker = new Docker({ ...base, connectionTimeout: ms, timeout: ms } as Docker.DockerOptions);
          timed.set(ms, docker);
        }
        return docker;
      },
      stream: new Docker(base),
      where: `"${source.name}" (${describeSource(source)})`,
    };
    this.cache.set(source.id, { source, fingerprint, clients, agent });
    return clients;
  }

  forget(id: string): void {
    this.cache.get(id)?.agent.destroy();
    this.cache.delete(id);
  }

  clear(): void {
    for (const { agent } of this.cache.values()) agent.destroy();
    this.cache.clear();
  }
}

/**
 * Runs one engine call with a deadline: `call` gets the client for that deadline, which cuts the request
 * off, and the caller gets DOCKER_ERR_ENGINE_TIMEOUT when the deadline passes. Failures become coded,
 * plainly worded errors. No AbortSignal per call: docker-modem and node:http would each hang listeners and
 * inspection work on it for every request.
 */
export async function withDeadline<T>(clients: EngineClients, sourceId: string, ms: number, call: (docker: Docker) => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new DOMException(`The engine did not answer within ${ms} ms.`, "TimeoutError")), ms);
  });
  try {
    return await Promise.race([call(clients.within(ms)), deadline]);
  } catch (err) {
    throw classifyEngineError(err, clients.where, sourceId);
  } finally {
    clearTimeout(timer);
  }
}

/** What a source test found: the engine answered `/_ping` and `/version`. */
export interface EngineInfo {
  version: string;
  apiVersion: string;
  os: string;
  arch: string;
}

/**
 * Tests a source before it is saved, as the Docker CLI's first calls would: `GET /_ping`, then
 * `GET /version`, each within {@link DEADLINES}.test. A failure is DOCKER_ERR_SOURCE_TEST_FAILED naming the
 * step that failed and why (the engine's own error as `cause`); nothing is kept of the client.
 */
export async function testSource(lender: PluginDocker, transports: TransportLookup, source: SourceAddress, tls: TlsMaterial | undefined): Promise<EngineInfo> {
  const agent = agentFor(lender, transports, source, tls, DEADLINES.test);
  const docker = new Docker({ ...options(agent), connectionTimeout: DEADLINES.test, timeout: DEADLINES.test } as Docker.DockerOptions);
  const clients: EngineClients = { within: () => docker, stream: docker, where: `"${source.name}" (${describeSource(source)})` };
  let step = "GET /_ping";
  try {
    await withDeadline(clients, "", DEADLINES.test, (d) => d.ping());
    step = "GET /version";
    const v = await withDeadline(clients, "", DEADLINES.test, (d) => d.version());
    if (typeof v?.ApiVersion !== "string") throw new DockerPluginError("DOCKER_ERR_ENGINE", `${clients.where} did not answer like a Docker engine.`);
    return { version: v.Version, apiVersion: v.ApiVersion, os: v.Os, arch: v.Arch };
  } catch (err) {
    const cause = err instanceof DockerPluginError ? err : classifyEngineError(err, clients.where);
    throw new DockerPluginError("DOCKER_ERR_SOURCE_TEST_FAILED", `Testing the source failed at ${step}: ${cause.message}`, undefined, {
      step,
      cause: { error: cause.code, message: cause.message },
    });
  } finally {
    agent.destroy();
  }
}

/** A container as the list and the UI show it. */
export interface ContainerView {
  id: string;
  name: string;
  image: string;
  state: string;
  /** The engine's own words, with the uptime: "Up 3 hours", "Exited (0) 2 minutes ago". */
  status: string;
  createdAt: number;
  ports: { privatePort: number; publicPort?: number; type: string; ip?: string }[];
}

export function containerView(c: Docker.ContainerInfo): ContainerView {
  const name = c.Names?.[0] ?? c.Id.slice(0, 12);
  const ports: ContainerView["ports"] = [];
  for (const p of c.Ports ?? []) {
    const port: ContainerView["ports"][number] = { privatePort: p.PrivatePort, type: p.Type };
    if (p.PublicPort !== undefined) port.publicPort = p.PublicPort;
    if (p.IP !== undefined && p.IP !== "") port.ip = p.IP;
    ports.push(port);
  }
  return {
    id: c.Id,
    name: name.startsWith("/") ? name.slice(1) : name,
    image: c.Image,
    state: c.State,
    status: c.Status,
    createdAt: c.Created * 1000,
    ports,
  };
}

/** Counts by state: running, stopped (everything not running or paused), paused. */
export function countContainers(list: readonly { state: string }[]): { running: number; paused: number; stopped: number; total: number } {
  let running = 0;
  let paused = 0;
  for (const c of list) {
    if (c.state === "running") running++;
    else if (c.state === "paused") paused++;
  }
  return { running, paused, stopped: list.length - running - paused, total: list.length };
}

/** CPU, memory and start time of one running container (two engine calls, in parallel). */
export async function containerUsage(docker: Docker, id: string, signal: AbortSignal): Promise<ContainerUsage & { id: string; startedAt: number | null }> {
  const container = docker.getContainer(id);
  const [stats, info] = await Promise.all([
    container.stats({ stream: false, abortSignal: signal } as { stream: false }) as unknown as Promise<EngineStats>,
    container.inspect({ abortSignal: signal } as Docker.ContainerInspectOptions),
  ]);
  const started = Date.parse(info.State?.StartedAt ?? "");
  return { id, ...usageFromStats(stats), startedAt: Number.isFinite(started) && started > 0 ? started : null };
}

/** Runs `fn` over items with at most `limit` in flight; results keep the input order. */
export async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
