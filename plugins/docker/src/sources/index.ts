/**
 * Docker sources: where an Engine API answers. A source is a unix socket, a TCP address (optionally with
 * TLS client certificates), or an engine's socket on an SSH host (reached through the `ssh` transport of
 * the Docker over SSH module), or the engine of a Docker host whose agent connects out to ArchNest
 * (the `agent` transport of the Docker Push Agent module). TLS certificates and key live in the plugin's secrets (encrypted by the
 * host's vault) and never leave the server: the API only says whether TLS is set.
 */
import type { Json, PluginContext } from "@archnest/sdk/plugin";
import { DockerPluginError } from "../errors/index.js";
import type { DockerSshVia } from "../service/api.js";

export type SourceKind = "unix" | "tcp" | "ssh" | "agent";

export interface DockerSource {
  id: string;
  name: string;
  kind: SourceKind;
  /** The engine's socket: on this machine (unix), or on the SSH host (ssh). */
  socketPath?: string;
  host?: string;
  port?: number;
  /** The SSH host of an ssh source (the agent of an agent source), and its name when the source was saved. */
  hostId?: string;
  hostName?: string;
  via?: DockerSshVia;
  /** True when the engine is reached over TLS (client certificate, key and optional CA in secrets). */
  tls: boolean;
  createdAt: number;
}

/** PEM material for a TLS source, as given when the source is added or edited. */
export interface TlsMaterial {
  ca?: string;
  cert: string;
  key: string;
}

export interface SourceInput {
  name: string;
  kind: SourceKind;
  socketPath?: string;
  host?: string;
  port?: number;
  hostId?: string;
  via?: DockerSshVia;
  tls?: TlsMaterial | null;
}

/** The engine socket an SSH source points at unless told otherwise. */
export const DEFAULT_SSH_SOCKET = "/var/run/docker.sock";
const VIAS: readonly DockerSshVia[] = ["auto", "socket", "cli"];

const NAME_MAX = 60;
const PEM_MAX = 64 * 1024;
const HOSTNAME = /^(?=.{1,253}$)[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6 = /^[0-9a-fA-F:.]{2,45}$/;

function invalid(message: string): DockerPluginError {
  return new DockerPluginError("DOCKER_ERR_VALIDATION", message);
}

function pem(value: unknown, what: string, marker: RegExp): string {
  if (typeof value !== "string" || !marker.test(value) || value.length > PEM_MAX) {
    throw invalid(`tls.${what} must be PEM text (${marker.source.replace(/\\/g, "")}), at most 64 KiB.`);
  }
  return value.trim();
}

/** Validates a source from a request body; every problem names the field. */
export function parseSourceInput(body: unknown): SourceInput {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid("Send a JSON object: {name, kind, socketPath | host and port, tls?}.");
  const b = body as Record<string, unknown>;
  const name = typeof b.name === "string" ? b.name.trim() : "";
  if (!name || name.length > NAME_MAX) throw invalid(`name is 1-${NAME_MAX} characters.`);
  const socketPathOf = (value: unknown) => {
    const socketPath = typeof value === "string" ? value.trim() : "";
    if (!socketPath.startsWith("/") || socketPath.length > 200 || socketPath.includes("\0"))
      throw invalid("socketPath is an absolute path such as /var/run/docker.sock.");
    return socketPath;
  };
  if (b.kind === "unix") {
    const socketPath = socketPathOf(b.socketPath);
    if (b.tls) throw invalid("TLS applies to TCP sources only.");
    return { name, kind: "unix", socketPath };
  }
  if (b.kind === "ssh") {
    if (typeof b.hostId !== "string" || b.hostId === "" || b.hostId.length > 100) throw invalid("hostId names an SSH host of this install.");
    const via = b.via ?? "auto";
    if (!VIAS.includes(via as DockerSshVia)) throw invalid('via is "auto", "socket" or "cli".');
    if (b.tls) throw invalid("TLS applies to TCP sources only.");
    return { name, kind: "ssh", hostId: b.hostId, socketPath: socketPathOf(b.socketPath ?? DEFAULT_SSH_SOCKET), via: via as DockerSshVia };
  }
  if (b.kind === "agent") {
    if (typeof b.hostId !== "string" || b.hostId === "" || b.hostId.length > 100) throw invalid("hostId names an agent enrolled in this install.");
    if (b.tls) throw invalid("TLS applies to TCP sources only.");
    return { name, kind: "agent", hostId: b.hostId };
  }
  if (b.kind === "tcp") {
    const host = typeof b.host === "string" ? b.host.trim().replace(/^\[(.*)\]$/, "$1") : "";
    const v4 = IPV4.exec(host);
    const hostOk = v4 ? v4.slice(1).every((o) => Number(o) <= 255) : HOSTNAME.test(host) || (host.includes(":") && IPV6.test(host));
    if (!hostOk) throw invalid("host is a host name or an IP address.");
    const port = typeof b.port === "number" ? b.port : typeof b.port === "string" ? Number(b.port) : Number.NaN;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw invalid("port is a whole number from 1 to 65535.");
    let tls: TlsMaterial | null | undefined;
    if (b.tls === null || b.tls === false) tls = null;
    else if (b.tls !== undefined) {
      if (typeof b.tls !== "object" || Array.isArray(b.tls)) throw invalid("tls is {cert, key, ca?} with PEM text, or null.");
      const t = b.tls as Record<string, unknown>;
      tls = {
        cert: pem(t.cert, "cert", /-----BEGIN CERTIFICATE-----/),
        key: pem(t.key, "key", /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/),
        ...(t.ca !== undefined && t.ca !== "" && t.ca !== null && { ca: pem(t.ca, "ca", /-----BEGIN CERTIFICATE-----/) }),
      };
    }
    return { name, kind: "tcp", host, port, ...(tls !== undefined && { tls }) };
  }
  throw invalid('kind is "unix", "tcp", "ssh" or "agent".');
}

/**
 * Where a source points, for people: `unix:///var/run/docker.sock`, `tcp://10.0.0.5:2376 (TLS)`,
 * `ssh://web-1/var/run/docker.sock`, `agent://edge-1`.
 */
export function describeSource(s: Pick<DockerSource, "kind" | "socketPath" | "host" | "port" | "tls" | "hostName" | "hostId" | "via">): string {
  if (s.kind === "unix") return `unix://${s.socketPath}`;
  if (s.kind === "ssh") return `ssh://${s.hostName ?? s.hostId}${s.socketPath}${s.via === "cli" ? " (docker CLI)" : ""}`;
  if (s.kind === "agent") return `agent://${s.hostName ?? s.hostId}`;
  const host = s.host?.includes(":") ? `[${s.host}]` : s.host;
  return `tcp://${host}:${s.port}${s.tls ? " (TLS)" : ""}`;
}

const TLS_FIELDS = ["ca", "cert", "key"] as const;

/** The sources in plugin storage, oldest first, and their TLS material in plugin secrets. */
export class SourceStore {
  // Every container call looks its source up; this plugin instance is the only writer of its storage, so
  // the list is read once and dropped on every change. It is frozen and shared: a new list (new array, new
  // objects) after each change, the same one until then, so callers may cache what they derive from it by
  // identity.
  private cached: Promise<readonly Readonly<DockerSource>[]> | undefined;

  constructor(private readonly ctx: Pick<PluginContext, "storage" | "secrets">) {}

  async list(): Promise<readonly Readonly<DockerSource>[]> {
    this.cached ??= this.ctx.storage.list<DockerSource & { [k: string]: Json }>("source:").then(
      (rows) => Object.freeze(rows.map((r) => Object.freeze(r.value as DockerSource)).sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id))),
      (err) => {
        this.cached = undefined;
        throw err;
      },
    );
    return this.cached;
  }

  /** Runs a write to the stored sources, then drops the cached list (also when the write failed part way). */
  private async write<T>(run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } finally {
      this.cached = undefined;
    }
  }

  async get(id: string): Promise<Readonly<DockerSource>> {
    const s = (await this.list()).find((x) => x.id === id);
    if (!s) throw new DockerPluginError("DOCKER_ERR_SOURCE_NOT_FOUND", `No Docker source "${id}".`);
    return s;
  }

  async tls(id: string): Promise<TlsMaterial | undefined> {
    const [ca, cert, key] = await Promise.all(TLS_FIELDS.map((f) => this.ctx.secrets.get(`tls.${id}.${f}`)));
    if (!cert || !key) return undefined;
    return { cert, key, ...(ca !== undefined && { ca }) };
  }

  async create(input: SourceInput & { hostName?: string }): Promise<DockerSource> {
    // Creation order decides which sources stay usable when the free cap applies again, so it must be
    // strict: two sources added in the same millisecond still get distinct, ordered times.
    const latest = Math.max(0, ...(await this.list()).map((x) => x.createdAt));
    const source: DockerSource = { id: crypto.randomUUID(), createdAt: Math.max(Date.now(), latest + 1), tls: false, ...strip(input) };
    await this.saveTls(source, input.tls);
    await this.write(() => this.ctx.storage.set(`source:${source.id}`, toJson(source)));
    return source;
  }

  async update(id: string, input: SourceInput & { hostName?: string }): Promise<DockerSource> {
    const current = await this.get(id);
    const next: DockerSource = {
      id,
      createdAt: current.createdAt,
      tls: input.tls === undefined && input.kind === "tcp" ? current.tls : false,
      ...strip(input),
    };
    await this.saveTls(next, input.kind === "tcp" ? input.tls : null);
    await this.write(() => this.ctx.storage.set(`source:${id}`, toJson(next)));
    return next;
  }

  async remove(id: string): Promise<boolean> {
    const had = await this.write(() => this.ctx.storage.delete(`source:${id}`));
    if (had) await Promise.all(TLS_FIELDS.map((f) => this.ctx.secrets.delete(`tls.${id}.${f}`)));
    return had;
  }

  // undefined keeps what is stored, null removes it, material replaces it.
  private async saveTls(source: DockerSource, tls: TlsMaterial | null | undefined): Promise<void> {
    if (tls === undefined) return;
    if (tls === null) {
      await Promise.all(TLS_FIELDS.map((f) => this.ctx.secrets.delete(`tls.${source.id}.${f}`)));
      source.tls = false;
      return;
    }
    await this.ctx.secrets.set(`tls.${source.id}.cert`, tls.cert);
    await this.ctx.secrets.set(`tls.${source.id}.key`, tls.key);
    if (tls.ca) await this.ctx.secrets.set(`tls.${source.id}.ca`, tls.ca);
    else await this.ctx.secrets.delete(`tls.${source.id}.ca`);
    source.tls = true;
  }
}

function strip(input: SourceInput & { hostName?: string }): Omit<DockerSource, "id" | "createdAt" | "tls"> {
  if (input.kind === "unix") return { name: input.name, kind: "unix", socketPath: input.socketPath as string };
  if (input.kind === "ssh")
    return {
      name: input.name,
      kind: "ssh",
      hostId: input.hostId as string,
      ...(input.hostName !== undefined && { hostName: input.hostName }),
      socketPath: input.socketPath as string,
      via: input.via ?? "auto",
    };
  if (input.kind === "agent")
    return { name: input.name, kind: "agent", hostId: input.hostId as string, ...(input.hostName !== undefined && { hostName: input.hostName }) };
  return { name: input.name, kind: "tcp", host: input.host as string, port: input.port as number };
}

function toJson(s: DockerSource): Json {
  return JSON.parse(JSON.stringify(s)) as Json;
}
