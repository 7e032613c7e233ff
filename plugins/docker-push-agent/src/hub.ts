/**
 * The agents of this install: their records (plugin storage), the one-time enrollment tokens, and the
 * live connections. An agent proves it holds the key it enrolled with on every connection; until then
 * nothing it sends is believed.
 */
import { createHash, randomBytes } from "node:crypto";
import {
  type AgentAction,
  type AgentContainer,
  type AgentEvent,
  type AgentMessage,
  type AgentState,
  type Channel,
  ChannelMux,
  CLOSE_REFUSED,
  HEARTBEAT_MS,
  PROTOCOL,
  parseMessage,
  type ServerMessage,
  verifyChallenge,
} from "@archnest/docker-agent/protocol";
import type { Json, PluginContext, PluginSocket } from "@archnest/sdk/plugin";
import { DockerAgentErrors } from "./errors.js";

export const MODULE = "docker-push-agent";
/** How long an enrollment token works. */
export const TOKEN_TTL_MS = 60 * 60 * 1000;
/** An agent that has not proven its key by then is dropped. */
const AUTH_DEADLINE_MS = 10_000;
const MAX_CONTAINERS = 5000;
const RECENT_EVENTS = 50;
const NAME_MAX = 60;
/** State writes to storage are coalesced: at most one per agent in this time. */
const STATE_WRITE_MS = 2000;
/** How often connections are checked for silence and for a license that lapsed. */
const SWEEP_MS = 5000;

export interface AgentRecord {
  id: string;
  name: string;
  hostname: string;
  publicKey: string;
  createdAt: number;
  lastSeen: number | null;
  lastAddress: string;
  version: string;
  /** What the admin lets ArchNest do through this agent beyond reading; none by default. */
  actions: AgentAction[];
  /** The engine's state as the agent last pushed it (kept while the agent is away). */
  state: AgentState | null;
}

/** An agent as the API shows it. */
export interface AgentView extends Omit<AgentRecord, "publicKey"> {
  online: boolean;
  connectedAt: number | null;
  /** The SHA-256 of its public key, for people comparing it with the agent's log. */
  keyFingerprint: string;
  events: AgentEvent[];
}

interface TokenRecord {
  name: string;
  createdAt: number;
  expiresAt: number;
  createdBy: string;
}

interface Live {
  socket: PluginSocket;
  mux: ChannelMux;
  nextChannel: number;
  connectedAt: number;
  lastHeard: number;
  pending: Map<number, { resolve(): void; reject(err: Error): void }>;
}

const str = (v: unknown, max: number) => (typeof v === "string" ? v.slice(0, max) : "");

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function fingerprint(publicKey: string): string {
  return `SHA256:${createHash("sha256").update(Buffer.from(publicKey, "base64url")).digest("base64").replace(/=+$/, "")}`;
}

/** The agent's pushed state, kept to its known fields and bounded. */
function cleanState(s: unknown): AgentState | null {
  if (typeof s !== "object" || s === null) return null;
  const v = s as Record<string, unknown>;
  const e = v.engine as Record<string, unknown> | null;
  const containers: AgentContainer[] = (Array.isArray(v.containers) ? v.containers : []).slice(0, MAX_CONTAINERS).map((c: Record<string, unknown>) => ({
    id: str(c?.id, 100),
    name: str(c?.name, 200),
    image: str(c?.image, 300),
    state: str(c?.state, 30),
    status: str(c?.status, 100),
  }));
  return {
    at: Date.now(),
    engine: e && typeof e === "object" ? { version: str(e.version, 40), apiVersion: str(e.apiVersion, 20), os: str(e.os, 40), arch: str(e.arch, 40) } : null,
    ...(typeof v.error === "string" && { error: v.error.slice(0, 500) }),
    containers,
  };
}

export class AgentHub {
  private readonly live = new Map<string, Live>();
  private readonly events = new Map<string, AgentEvent[]>();
  private readonly stateTimers = new Map<string, NodeJS.Timeout>();
  /** When each agent's last-seen time was last written to storage (at most once a minute while online). */
  private readonly lastWritten = new Map<string, number>();
  private readonly records = new Map<string, AgentRecord>();
  private loaded: Promise<void> | undefined;
  private sweeper: NodeJS.Timeout;

  constructor(private readonly ctx: Pick<PluginContext, "storage" | "log" | "license">) {
    // Agents that went quiet (a half-open connection) and connections that outlived the license.
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  private load(): Promise<void> {
    this.loaded ??= this.ctx.storage.list<AgentRecord & { [k: string]: Json }>("agent:").then((rows) => {
      for (const r of rows) this.records.set(r.value.id, r.value as AgentRecord);
    });
    return this.loaded;
  }

  private save(record: AgentRecord): Promise<void> {
    this.records.set(record.id, record);
    return this.ctx.storage.set(`agent:${record.id}`, JSON.parse(JSON.stringify(record)) as Json);
  }

  async list(): Promise<AgentView[]> {
    await this.load();
    return [...this.records.values()].sort((a, b) => a.createdAt - b.createdAt).map((r) => this.view(r));
  }

  async get(id: string): Promise<AgentRecord> {
    await this.load();
    const r = this.records.get(id);
    if (!r) throw DockerAgentErrors.create("DOCKER_AGENT_ERR_NOT_FOUND", `No agent "${String(id).slice(0, 100)}".`);
    return r;
  }

  view(r: AgentRecord): AgentView {
    const { publicKey, ...rest } = r;
    const live = this.live.get(r.id);
    return {
      ...rest,
      online: live !== undefined,
      connectedAt: live?.connectedAt ?? null,
      keyFingerprint: fingerprint(publicKey),
      events: this.events.get(r.id) ?? [],
    };
  }

  isOnline(id: string): boolean {
    return this.live.has(id);
  }

  /** A new one-time enrollment token; only its hash is stored. */
  async createToken(name: string, createdBy: string): Promise<{ token: string; expiresAt: number; name: string }> {
    const token = `anagent_${randomBytes(24).toString("base64url")}`;
    const now = Date.now();
    const record: TokenRecord = { name, createdAt: now, expiresAt: now + TOKEN_TTL_MS, createdBy };
    await this.ctx.storage.set(`token:${hashToken(token)}`, record as unknown as Json);
    // Expired tokens are swept as new ones are made.
    for (const row of await this.ctx.storage.list<TokenRecord & { [k: string]: Json }>("token:"))
      if (row.value.expiresAt < now) await this.ctx.storage.delete(row.key);
    return { token, expiresAt: record.expiresAt, name };
  }

  async pendingTokens(): Promise<{ name: string; createdAt: number; expiresAt: number }[]> {
    const now = Date.now();
    return (await this.ctx.storage.list<TokenRecord & { [k: string]: Json }>("token:"))
      .filter((r) => r.value.expiresAt >= now)
      .map((r) => ({ name: r.value.name, createdAt: r.value.createdAt, expiresAt: r.value.expiresAt }));
  }

  async update(id: string, change: { name?: string; actions?: AgentAction[] }): Promise<AgentRecord> {
    const r = await this.get(id);
    const next: AgentRecord = {
      ...r,
      ...(change.name !== undefined && { name: change.name }),
      ...(change.actions !== undefined && { actions: change.actions }),
    };
    await this.save(next);
    if (change.actions !== undefined) this.send(id, { t: "policy", actions: next.actions });
    return next;
  }

  /** Forgets the agent: its key stops working at once, and its live connection is refused for good. */
  async remove(id: string): Promise<void> {
    await this.get(id);
    await this.ctx.storage.delete(`agent:${id}`);
    this.records.delete(id);
    this.events.delete(id);
    const live = this.live.get(id);
    if (live) {
      live.socket.send(
        JSON.stringify({ t: "refused", code: "DOCKER_AGENT_ERR_REMOVED", message: "This agent was removed in ArchNest; enroll it again to reconnect." }),
      );
      live.socket.close(CLOSE_REFUSED, "removed");
    }
  }

  private send(id: string, msg: ServerMessage): void {
    this.live.get(id)?.socket.send(JSON.stringify(msg));
  }

  /** Opens one stream to the agent's engine API; resolves once the agent accepted it. */
  async open(id: string, timeoutMs: number): Promise<Channel> {
    const r = await this.get(id);
    const live = this.live.get(id);
    if (!live) {
      const seen = r.lastSeen ? `last seen ${new Date(r.lastSeen).toISOString()}` : "never connected";
      throw DockerAgentErrors.create("DOCKER_AGENT_ERR_OFFLINE", `The agent "${r.name}" is not connected (${seen}).`);
    }
    const ch = live.nextChannel;
    live.nextChannel = (live.nextChannel % 0x7fffffff) + 1;
    const channel = live.mux.create(ch);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        live.pending.delete(ch);
        channel.destroy();
        reject(DockerAgentErrors.create("DOCKER_AGENT_ERR_TIMEOUT", `The agent "${r.name}" did not open a connection within ${timeoutMs} ms.`));
      }, timeoutMs);
      live.pending.set(ch, {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
      live.socket.send(JSON.stringify({ t: "open", ch } satisfies ServerMessage));
    });
    return channel;
  }

  /** One agent connection, from its first byte: challenge, proof, then the session. */
  accept(socket: PluginSocket, remoteAddress: string): void {
    const nonce = randomBytes(32).toString("base64url");
    let agentId: string | undefined;
    let live: Live | undefined;
    // Every refusal is for good: the agent stops rather than retry what cannot succeed.
    const refuse = (code: string, message: string) => {
      socket.send(JSON.stringify({ t: "refused", code, message } satisfies ServerMessage));
      socket.close(CLOSE_REFUSED, code);
    };
    const deadline = setTimeout(() => {
      if (!agentId) socket.close(4408, "no proof in time");
    }, AUTH_DEADLINE_MS);
    socket.send(JSON.stringify({ t: "challenge", nonce, protocol: PROTOCOL } satisfies ServerMessage));

    const start = async (record: AgentRecord, hello: { version: unknown; hostname: unknown }) => {
      clearTimeout(deadline);
      // One connection per agent: a new one (the agent restarted) replaces the old.
      this.live.get(record.id)?.socket.close(4409, "replaced by a newer connection");
      agentId = record.id;
      const now = Date.now();
      const current: Live = {
        socket,
        connectedAt: now,
        lastHeard: now,
        nextChannel: 1,
        pending: new Map(),
        mux: new ChannelMux({ text: (m) => socket.send(JSON.stringify(m)), binary: (frame) => socket.send(frame) }),
      };
      live = current;
      this.live.set(record.id, current);
      await this.save({
        ...record,
        lastSeen: now,
        lastAddress: remoteAddress,
        version: str(hello.version, 20),
        hostname: str(hello.hostname, 200) || record.hostname,
      });
      socket.send(
        JSON.stringify({ t: "welcome", agentId: record.id, name: record.name, actions: record.actions, heartbeatMs: HEARTBEAT_MS } satisfies ServerMessage),
      );
      this.ctx.log.info("docker agent connected", { agent: record.id, name: record.name, address: remoteAddress });
    };

    const authenticate = async (m: AgentMessage) => {
      if (m.t === "hello") {
        await this.load();
        const record = this.records.get(str(m.agentId, 100));
        if (!record || !verifyChallenge(record.publicKey, nonce, str(m.signature, 200)))
          return refuse("DOCKER_AGENT_ERR_UNKNOWN", "This agent is not enrolled here (removed, or its key does not match): enroll it again.");
        return start(record, m);
      }
      if (m.t === "enroll") {
        const publicKey = str(m.publicKey, 100);
        if (!verifyChallenge(publicKey, nonce, str(m.signature, 200))) return refuse("DOCKER_AGENT_ERR_PROOF", "The enrollment's key proof is not valid.");
        const key = `token:${hashToken(str(m.token, 200))}`;
        const token = await this.ctx.storage.get<TokenRecord & { [k: string]: Json }>(key);
        // Deleting claims the token: of two enrollments racing with it, one deletes it and wins.
        const claimed = token !== undefined && (await this.ctx.storage.delete(key));
        if (!token || !claimed || token.expiresAt < Date.now())
          return refuse("DOCKER_AGENT_ERR_TOKEN", "The enrollment token is not valid: it is wrong, used or expired. Make a new one on the Docker agents page.");
        await this.load();
        const hostname = str(m.hostname, 200);
        const wanted = (token.name || str(m.name, NAME_MAX) || hostname || "docker-host").slice(0, NAME_MAX);
        const record: AgentRecord = {
          id: crypto.randomUUID(),
          name: this.uniqueName(wanted),
          hostname,
          publicKey,
          createdAt: Date.now(),
          lastSeen: null,
          lastAddress: remoteAddress,
          version: str(m.version, 20),
          actions: [],
          state: null,
        };
        await this.save(record);
        this.ctx.log.info("docker agent enrolled", { agent: record.id, name: record.name, address: remoteAddress });
        return start(record, m);
      }
      socket.close(4400, "prove the key first");
    };

    let authenticating = false;
    socket.onMessage((data, isBinary) => {
      if (!live) {
        if (isBinary || authenticating) return socket.close(4400, "prove the key first");
        const m = parseMessage<AgentMessage>(String(data));
        if (!m) return socket.close(4400, "not a message");
        authenticating = true;
        authenticate(m).catch((err) => {
          this.ctx.log.warn("docker agent refused", { error: String(err) });
          socket.close(1011, "enrollment failed");
        });
        return;
      }
      const id = agentId as string;
      live.lastHeard = Date.now();
      if (isBinary) return live.mux.onBinary(data as Uint8Array);
      const m = parseMessage<AgentMessage>(String(data));
      if (!m) return;
      if (m.t === "ping") {
        if (!this.ctx.license.licensed(MODULE)) return socket.close(4402, "module_required");
        socket.send(JSON.stringify({ t: "pong" } satisfies ServerMessage));
        this.touch(id);
      } else if (m.t === "state") this.setState(id, cleanState(m.state));
      else if (m.t === "event") this.addEvent(id, m.event);
      else if (m.t === "opened") {
        live.pending.get(m.ch)?.resolve();
        live.pending.delete(m.ch);
      } else live.mux.onControl(m);
    });
    socket.onClose(() => {
      clearTimeout(deadline);
      if (!live || !agentId) return;
      live.mux.closeAll("the agent disconnected");
      for (const p of live.pending.values()) p.reject(DockerAgentErrors.create("DOCKER_AGENT_ERR_OFFLINE", "The agent disconnected."));
      if (this.live.get(agentId) === live) {
        this.live.delete(agentId);
        const r = this.records.get(agentId);
        if (r) void this.save({ ...r, lastSeen: Date.now() }).catch(() => undefined);
        this.ctx.log.info("docker agent disconnected", { agent: agentId });
      }
    });
  }

  private uniqueName(wanted: string): string {
    const taken = new Set([...this.records.values()].map((r) => r.name));
    if (!taken.has(wanted)) return wanted;
    for (let i = 2; ; i++) if (!taken.has(`${wanted}-${i}`)) return `${wanted}-${i}`;
  }

  private touch(id: string): void {
    const r = this.records.get(id);
    if (!r) return;
    const now = Date.now();
    r.lastSeen = now;
    // Written at most once a minute; the in-memory time is what the page shows while the agent is online.
    if (now - (this.lastWritten.get(id) ?? 0) > 60_000) {
      this.lastWritten.set(id, now);
      void this.save({ ...r }).catch(() => undefined);
    }
  }

  private setState(id: string, state: AgentState | null): void {
    const r = this.records.get(id);
    if (!r || !state) return;
    r.state = state;
    r.lastSeen = Date.now();
    if (this.stateTimers.has(id)) return;
    this.stateTimers.set(
      id,
      setTimeout(() => {
        this.stateTimers.delete(id);
        const current = this.records.get(id);
        if (current) void this.save({ ...current }).catch(() => undefined);
      }, STATE_WRITE_MS),
    );
  }

  private addEvent(id: string, e: unknown): void {
    if (typeof e !== "object" || e === null) return;
    const v = e as Record<string, unknown>;
    const event: AgentEvent = {
      time: typeof v.time === "number" ? v.time : Date.now(),
      action: str(v.action, 100),
      id: str(v.id, 100),
      name: str(v.name, 200),
      image: str(v.image, 300),
    };
    const list = this.events.get(id) ?? [];
    list.unshift(event);
    list.length = Math.min(list.length, RECENT_EVENTS);
    this.events.set(id, list);
  }

  private sweep(): void {
    const licensed = this.ctx.license.licensed(MODULE);
    for (const live of this.live.values()) {
      if (!licensed) live.socket.close(4402, "module_required");
      else if (Date.now() - live.lastHeard > HEARTBEAT_MS * 3) live.socket.close(4408, "silent for too long");
    }
  }

  /** Closes every connection (the plugin is unloading); the records stay. */
  close(): void {
    clearInterval(this.sweeper);
    for (const t of this.stateTimers.values()) clearTimeout(t);
    for (const live of this.live.values()) live.socket.close(1012, "ArchNest is restarting the Docker Push Agent plugin");
  }
}
