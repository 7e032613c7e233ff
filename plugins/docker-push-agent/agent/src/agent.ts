/**
 * The agent: one outbound WebSocket to ArchNest, kept up with backoff. Over it, the agent pushes its
 * engine's state and container events, and serves ArchNest's Engine API calls through its policy to the
 * local engine socket.
 */
import { createServer, type IncomingMessage, request, type ServerResponse } from "node:http";
import { connect as netConnect } from "node:net";
import { hostname } from "node:os";
import type { Duplex } from "node:stream";
import WebSocket from "ws";
import { decide } from "./policy.js";
import {
  AGENT_PATH,
  type AgentAction,
  type AgentContainer,
  type AgentMessage,
  type AgentState,
  ChannelMux,
  CLOSE_REFUSED,
  PROTOCOL,
  parseMessage,
  type ServerMessage,
  signChallenge,
} from "./protocol.js";

export const AGENT_VERSION = "1.0.0";

/** What `enroll` saves and `run` reads (a file the agent's user alone may read: it holds the key). */
export interface AgentConfig {
  /** ArchNest's URL, as people open it (`https://archnest.example.com`). */
  url: string;
  agentId: string;
  name: string;
  privateKeyPem: string;
}

export type AgentLog = (level: "info" | "warn" | "error", message: string) => void;

export interface RunOptions {
  /** The engine's socket on this machine. */
  socketPath: string;
  /** The most ArchNest may be allowed to do here, whatever its admin sets (`--allow`). */
  ceiling: readonly AgentAction[];
  log: AgentLog;
  /** Reconnect delays: the first, and the cap of the doubling (with jitter). */
  backoff?: { initialMs: number; maxMs: number };
  /** Called once ArchNest refused the agent for good (removed, or never enrolled): `run` stops. */
  onRefused?: (code: string, message: string) => void;
}

/** The agent's URL of ArchNest's agent route. */
export function agentUrl(base: string): string {
  const u = new URL(base);
  u.protocol = u.protocol === "https:" ? "wss:" : "ws:";
  u.pathname = `${u.pathname.replace(/\/+$/, "")}${AGENT_PATH}`;
  u.search = "";
  return u.toString();
}

/** One GET of the local engine's API, parsed as JSON. */
function engineGet<T>(socketPath: string, path: string, timeoutMs = 10_000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const req = request({ socketPath, path, method: "GET", timeout: timeoutMs, headers: { host: "docker" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        if ((res.statusCode ?? 500) >= 400) return reject(new Error(`engine answered ${res.statusCode}: ${text.slice(0, 200)}`));
        try {
          resolve(JSON.parse(text) as T);
        } catch (err) {
          reject(err as Error);
        }
      });
      res.on("error", reject);
    });
    req.on("timeout", () => req.destroy(new Error(`engine did not answer within ${timeoutMs} ms`)));
    req.on("error", reject);
    req.end();
  });
}

/** The engine's version and containers, or why they could not be read. */
export async function readState(socketPath: string): Promise<AgentState> {
  try {
    const [version, list] = await Promise.all([
      engineGet<{ Version: string; ApiVersion: string; Os: string; Arch: string }>(socketPath, "/version"),
      engineGet<{ Id: string; Names?: string[]; Image: string; State: string; Status: string }[]>(socketPath, "/containers/json?all=1"),
    ]);
    const containers: AgentContainer[] = list.map((c) => ({
      id: c.Id,
      name: (c.Names?.[0] ?? c.Id.slice(0, 12)).replace(/^\//, ""),
      image: c.Image,
      state: c.State,
      status: c.Status,
    }));
    return { at: Date.now(), engine: { version: version.Version, apiVersion: version.ApiVersion, os: version.Os, arch: version.Arch }, containers };
  } catch (err) {
    return { at: Date.now(), engine: null, error: (err as Error).message, containers: [] };
  }
}

function refuse(res: ServerResponse, status: number, message: string): void {
  const body = JSON.stringify({ message });
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(body) });
  res.end(body);
}

/**
 * The agent's side of the channels: an HTTP server without a listening socket, fed each channel as a
 * connection. Allowed requests are passed to the engine's socket and their answers streamed back;
 * hijacked ones (`docker exec` with a terminal) are spliced to the engine byte for byte.
 */
export function createEngineProxy(socketPath: string, allowed: () => ReadonlySet<AgentAction>, log: AgentLog) {
  const check = (req: IncomingMessage): string | undefined => {
    const d = decide(req.method ?? "GET", req.url ?? "/", allowed());
    if (d.allowed) return undefined;
    const now = [...allowed()];
    return d.action
      ? `The ArchNest agent on ${hostname()} does not allow "${d.action}" (allowed here: ${now.length ? now.join(", ") : "none"}).`
      : `The ArchNest agent on ${hostname()} does not pass ${req.method} ${String(req.url).split("?")[0]}.`;
  };
  const server = createServer((req, res) => {
    const refused = check(req);
    if (refused) {
      log("warn", refused);
      req.resume();
      return refuse(res, 403, refused);
    }
    const upstream = request({ socketPath, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", (err) => {
      if (!res.headersSent) refuse(res, 502, `The engine on ${hostname()} did not answer: ${err.message}`);
      else res.destroy(err);
    });
    // A follow of logs or events ends when ArchNest goes away.
    res.on("close", () => upstream.destroy());
    req.pipe(upstream);
  });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const refused = check(req);
    if (refused) {
      log("warn", refused);
      const body = JSON.stringify({ message: refused });
      socket.end(`HTTP/1.1 403 Forbidden\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
      return;
    }
    const engine = netConnect(socketPath);
    const lines = [`${req.method} ${req.url} HTTP/1.1`];
    for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
    engine.write(`${lines.join("\r\n")}\r\n\r\n`);
    if (head.length > 0) engine.write(head);
    engine.pipe(socket);
    socket.pipe(engine);
    const end = () => {
      engine.destroy();
      socket.destroy();
    };
    engine.on("error", end);
    socket.on("error", end);
    engine.on("close", () => socket.end());
    socket.on("close", () => engine.destroy());
  });
  server.on("clientError", (_err, socket) => socket.destroy());
  return { accept: (channel: Duplex) => server.emit("connection", channel) };
}

/**
 * Watches the engine's container events and calls `changed` after each (and `event` with it); restarts
 * the stream when the engine goes away. Returns a stop function.
 */
function watchEvents(socketPath: string, onEvent: (e: { time: number; action: string; id: string; name: string; image: string }) => void): () => void {
  let stopped = false;
  let current: ReturnType<typeof request> | undefined;
  let retry: NodeJS.Timeout | undefined;
  const filters = encodeURIComponent(JSON.stringify({ type: ["container"] }));
  const start = () => {
    if (stopped) return;
    current = request({ socketPath, path: `/events?filters=${filters}`, method: "GET", headers: { host: "docker" } }, (res) => {
      let buffered = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        buffered += chunk;
        let nl = buffered.indexOf("\n");
        while (nl >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          nl = buffered.indexOf("\n");
          if (!line) continue;
          try {
            const e = JSON.parse(line) as {
              Action?: string;
              status?: string;
              id?: string;
              time?: number;
              timeNano?: number;
              Actor?: { Attributes?: Record<string, string> };
            };
            const attrs = e.Actor?.Attributes ?? {};
            onEvent({
              time: e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000,
              action: String(e.Action ?? e.status ?? "").slice(0, 100),
              id: String(e.id ?? "").slice(0, 100),
              name: String(attrs.name ?? "").slice(0, 200),
              image: String(attrs.image ?? "").slice(0, 200),
            });
          } catch {
            // A line that is not JSON is not an event.
          }
        }
      });
      res.on("end", again);
      res.on("error", again);
    });
    current.on("error", again);
    current.end();
  };
  function again() {
    current = undefined;
    if (stopped || retry) return;
    retry = setTimeout(() => {
      retry = undefined;
      start();
    }, 2000);
  }
  start();
  return () => {
    stopped = true;
    if (retry) clearTimeout(retry);
    current?.destroy();
  };
}

/** The host's answer to an agent while the module is not licensed: `{state: "error", code: "module_required"}`. */
function isModuleRequired(text: string): boolean {
  try {
    return (JSON.parse(text) as { code?: unknown }).code === "module_required";
  } catch {
    return false;
  }
}

/** Sends one agent message as a text frame. */
function sendJson(ws: WebSocket, msg: AgentMessage): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(msg));
}

/**
 * Runs the agent until `stop()`: connects, proves its key, pushes state and events, serves channels, and
 * reconnects with doubling, jittered delays whenever the connection drops.
 */
export function runAgent(config: AgentConfig, opts: RunOptions): { stop(): Promise<void>; connected(): boolean } {
  const backoff = opts.backoff ?? { initialMs: 1000, maxMs: 30_000 };
  const ceiling = new Set(opts.ceiling);
  let allowed = new Set<AgentAction>();
  let attempt = 0;
  let stopped = false;
  let ws: WebSocket | undefined;
  let timer: NodeJS.Timeout | undefined;
  let isConnected = false;
  const proxy = createEngineProxy(opts.socketPath, () => allowed, opts.log);

  const connectOnce = () => {
    if (stopped) return;
    const socket = new WebSocket(agentUrl(config.url), { handshakeTimeout: 15_000, maxPayload: 8 * 1024 * 1024 });
    ws = socket;
    let welcomed = false;
    let refusedForGood = false;
    let heartbeat: NodeJS.Timeout | undefined;
    let lastHeard = Date.now();
    let stopEvents: (() => void) | undefined;
    let snapshotTimer: NodeJS.Timeout | undefined;
    const mux = new ChannelMux({
      text: (m) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(m));
      },
      binary: (frame) => {
        if (socket.readyState === WebSocket.OPEN) socket.send(frame, { binary: true });
      },
    });
    const pushState = async () => {
      snapshotTimer = undefined;
      const state = await readState(opts.socketPath);
      sendJson(socket, { t: "state", state });
    };
    const scheduleState = () => {
      snapshotTimer ??= setTimeout(() => void pushState(), 250);
    };

    socket.on("message", (data, isBinary) => {
      lastHeard = Date.now();
      if (isBinary) {
        const buf = Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data as ArrayBuffer);
        mux.onBinary(buf);
        return;
      }
      const text = String(data);
      if (isModuleRequired(text)) {
        opts.log("warn", "ArchNest answered that the Docker Push Agent module is not licensed; retrying later.");
        return;
      }
      const m = parseMessage<ServerMessage>(text);
      if (!m) return;
      switch (m.t) {
        case "challenge": {
          if (m.protocol !== PROTOCOL) opts.log("warn", `ArchNest speaks ${m.protocol}; this agent speaks ${PROTOCOL}.`);
          sendJson(socket, {
            t: "hello",
            agentId: config.agentId,
            signature: signChallenge(config.privateKeyPem, m.nonce),
            version: AGENT_VERSION,
            hostname: hostname(),
          });
          return;
        }
        case "welcome": {
          welcomed = true;
          isConnected = true;
          attempt = 0;
          allowed = new Set(m.actions.filter((a) => ceiling.has(a)));
          opts.log("info", `connected to ${config.url} as "${m.name}"; actions allowed: ${[...allowed].join(", ") || "none"}`);
          heartbeat = setInterval(
            () => {
              if (Date.now() - lastHeard > m.heartbeatMs * 3) {
                opts.log("warn", "ArchNest stopped answering; reconnecting.");
                socket.terminate();
                return;
              }
              sendJson(socket, { t: "ping" });
            },
            Math.max(100, m.heartbeatMs),
          );
          stopEvents = watchEvents(opts.socketPath, (event) => {
            sendJson(socket, { t: "event", event });
            scheduleState();
          });
          void pushState();
          return;
        }
        case "policy": {
          allowed = new Set(m.actions.filter((a) => ceiling.has(a)));
          opts.log("info", `actions allowed now: ${[...allowed].join(", ") || "none"}`);
          return;
        }
        case "refused": {
          refusedForGood = true;
          opts.log("error", `ArchNest refused this agent: ${m.message}`);
          opts.onRefused?.(m.code, m.message);
          return;
        }
        case "open": {
          if (!welcomed) return;
          const channel = mux.create(m.ch);
          sendJson(socket, { t: "opened", ch: m.ch });
          proxy.accept(channel);
          return;
        }
        case "pong":
          return;
        default:
          mux.onControl(m as { t: string; ch?: unknown });
      }
    });
    socket.on("close", (code) => {
      isConnected = false;
      if (heartbeat) clearInterval(heartbeat);
      if (snapshotTimer) clearTimeout(snapshotTimer);
      stopEvents?.();
      mux.closeAll("the connection to ArchNest closed");
      if (ws === socket) ws = undefined;
      if (stopped) return;
      if (refusedForGood || code === CLOSE_REFUSED) {
        stopped = true;
        return;
      }
      const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** attempt);
      attempt = Math.min(attempt + 1, 20);
      const jittered = Math.round(delay / 2 + Math.random() * (delay / 2));
      opts.log("warn", `${welcomed ? "connection lost" : "could not connect"} (${code}); retrying in ${(jittered / 1000).toFixed(1)} s`);
      timer = setTimeout(connectOnce, jittered);
    });
    socket.on("error", (err) => {
      if (!welcomed) opts.log("warn", `cannot reach ${config.url}: ${err.message}`);
    });
    socket.on("unexpected-response", (_req, res) => {
      opts.log("warn", `ArchNest answered HTTP ${res.statusCode} to the agent's connection`);
      socket.terminate();
    });
  };

  connectOnce();
  return {
    connected: () => isConnected,
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      const s = ws;
      if (!s) return;
      await new Promise<void>((resolve) => {
        if (s.readyState === WebSocket.CLOSED) return resolve();
        s.once("close", () => resolve());
        s.close(1000, "agent stopped");
        setTimeout(() => s.terminate(), 2000).unref();
      });
    },
  };
}

/**
 * Enrolls with a one-time token from ArchNest's Docker agents page: creates the key pair, proves it holds
 * it, and resolves with the configuration to save. Rejects with ArchNest's reason when the token is wrong,
 * used or expired.
 */
export function enroll(
  url: string,
  token: string,
  opts: { name?: string; privateKeyPem: string; publicKey: string; timeoutMs?: number },
): Promise<AgentConfig> {
  return new Promise<AgentConfig>((resolve, reject) => {
    const socket = new WebSocket(agentUrl(url), { handshakeTimeout: opts.timeoutMs ?? 15_000 });
    const timer = setTimeout(() => {
      socket.terminate();
      reject(new Error(`ArchNest at ${url} did not answer the enrollment within ${(opts.timeoutMs ?? 15_000) / 1000} s`));
    }, opts.timeoutMs ?? 15_000);
    let settled = false;
    const done = (err: Error | undefined, config?: AgentConfig) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.close(1000, "enrolled");
      if (err) reject(err);
      else resolve(config as AgentConfig);
    };
    socket.on("message", (data, isBinary) => {
      if (isBinary) return;
      const text = String(data);
      if (isModuleRequired(text)) return done(new Error("The Docker Push Agent module is not licensed in this ArchNest: buy it in the Module Store first."));
      const m = parseMessage<ServerMessage>(text);
      if (m?.t === "challenge")
        sendJson(socket, {
          t: "enroll",
          token,
          publicKey: opts.publicKey,
          signature: signChallenge(opts.privateKeyPem, m.nonce),
          version: AGENT_VERSION,
          hostname: hostname(),
          ...(opts.name && { name: opts.name }),
        });
      else if (m?.t === "welcome") done(undefined, { url, agentId: m.agentId, name: m.name, privateKeyPem: opts.privateKeyPem });
      else if (m?.t === "refused") done(new Error(m.message));
    });
    socket.on("unexpected-response", (_req, res) =>
      done(new Error(`ArchNest answered HTTP ${res.statusCode}: is ${url} the address of ArchNest, and is the Docker Push Agent plugin installed?`)),
    );
    socket.on("error", (err) => done(new Error(`cannot reach ArchNest at ${url}: ${err.message}`)));
    socket.on("close", () => done(new Error("ArchNest closed the connection before the enrollment finished")));
  });
}
