/**
 * Engine clients per source, and the calls the API makes through them. Each source gets two dockerode
 * clients: `quick`, whose socket idles out fast, for ordinary calls; and `stream`, without an idle
 * timeout, for followed logs, which may stay quiet for hours. Every call also carries its own deadline
 * (an AbortSignal), so one unreachable engine never holds up a page.
 */
import Docker from "dockerode";
import { classifyEngineError } from "../errors/index.js";
import { type DockerSource, describeSource, type SourceStore, type TlsMaterial } from "../sources/index.js";
import { type ContainerUsage, type EngineStats, usageFromStats } from "./stats.js";

export { DockerStreamDemuxer, LineSplitter, type LogFrame, type LogStream } from "./demux.js";
export { type ContainerUsage, type EngineStats, usageFromStats } from "./stats.js";

/** Deadlines in milliseconds. Listing is what pages wait on; actions may legitimately take longer. */
export const DEADLINES = { list: 4_000, probe: 2_500, usage: 6_000, action: 40_000 } as const;

export interface EngineClients {
  quick: Docker;
  stream: Docker;
  where: string;
}

// No docker-modem connectionTimeout: it runs until the response headers arrive, so it would cut off a
// `stop` that legitimately waits for the container. Each call's own deadline bounds connecting instead.
function options(source: DockerSource, tls: TlsMaterial | undefined): Docker.DockerOptions {
  if (source.kind === "unix") return { socketPath: source.socketPath as string };
  return {
    host: source.host as string,
    port: source.port as number,
    protocol: source.tls ? "https" : "http",
    ...(tls && { cert: tls.cert, key: tls.key, ...(tls.ca && { ca: tls.ca }) }),
  };
}

/** Builds and caches clients; a source's clients are rebuilt when the source changes. */
export class Engines {
  private readonly cache = new Map<string, { fingerprint: string; clients: EngineClients }>();

  constructor(private readonly store: SourceStore) {}

  async clients(source: DockerSource): Promise<EngineClients> {
    const fingerprint = JSON.stringify(source);
    const hit = this.cache.get(source.id);
    if (hit && hit.fingerprint === fingerprint) return hit.clients;
    const tls = source.tls ? await this.store.tls(source.id) : undefined;
    const base = options(source, tls);
    const clients: EngineClients = {
      quick: new Docker({ ...base, timeout: DEADLINES.action }),
      stream: new Docker(base),
      where: `"${source.name}" (${describeSource(source)})`,
    };
    this.cache.set(source.id, { fingerprint, clients });
    return clients;
  }

  forget(id: string): void {
    this.cache.delete(id);
  }

  clear(): void {
    this.cache.clear();
  }
}

/** Runs one engine call with a deadline; failures become coded, plainly worded errors. */
export async function withDeadline<T>(clients: EngineClients, sourceId: string, ms: number, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  // A plain timer, cleared as soon as the call settles: AbortSignal.timeout's timer and listener would stay
  // behind on every list for the whole deadline.
  const abort = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = new DOMException(`The engine did not answer within ${ms} ms.`, "TimeoutError");
      abort.abort(reason);
      reject(reason);
    }, ms);
  });
  try {
    return await Promise.race([call(abort.signal), deadline]);
  } catch (err) {
    throw classifyEngineError(err, clients.where, sourceId);
  } finally {
    clearTimeout(timer);
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
  return {
    id: c.Id,
    name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ""),
    image: c.Image,
    state: c.State,
    status: c.Status,
    createdAt: c.Created * 1000,
    ports: (c.Ports ?? []).map((p) => ({
      privatePort: p.PrivatePort,
      type: p.Type,
      ...(p.PublicPort !== undefined && { publicPort: p.PublicPort }),
      ...(p.IP !== undefined && p.IP !== "" && { ip: p.IP }),
    })),
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
