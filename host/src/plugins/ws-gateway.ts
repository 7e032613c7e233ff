import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { type PluginSocket, type RequestUser, refuseSocket } from "@archnest/sdk/plugin";
import { WebSocket, WebSocketServer } from "ws";
import type { AgentSocketHandler, SocketHandler } from "./plugin-context.js";
import type { PluginRuntime } from "./runtime.js";

const PATH = /^\/api\/plugins\/([a-z][a-z0-9-]{1,48})\/(ws|agent)\/(.+)$/;
/** Below this many queued bytes a paused producer may resume. */
const LOW_WATER = 256 * 1024;

export interface WsGatewayOptions {
  runtime: PluginRuntime;
  /**
   * Resolves the session of an upgrade request (cookie), or undefined. It is the gateway's only check of
   * the request's Origin, so it must refuse a foreign or malformed one (the host's `authenticateUpgrade` does).
   */
  authenticate(req: IncomingMessage): Promise<RequestUser | undefined>;
  /** False for an upgrade whose Host the server does not serve (DNS rebinding); refused with 421. */
  hostAllowed?(req: IncomingMessage): boolean;
  maxPayload?: number;
}

function reject(socket: Duplex, status: number, text: string): void {
  socket.end(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/** Wraps a `ws` connection as the SDK's PluginSocket (with a drain signal for flow control). */
function wrap(ws: WebSocket): PluginSocket {
  const drainListeners: (() => void)[] = [];
  let draining = false;
  const checkDrain = () => {
    if (ws.bufferedAmount <= LOW_WATER) {
      draining = false;
      for (const l of drainListeners) l();
    } else setTimeout(checkDrain, 5);
  };
  return {
    send(data) {
      if (ws.readyState !== WebSocket.OPEN) return;
      ws.send(data, { binary: typeof data !== "string" });
      if (!draining && ws.bufferedAmount > LOW_WATER) {
        draining = true;
        setTimeout(checkDrain, 5);
      }
    },
    close(code, reason) {
      ws.close(code ?? 1000, reason);
    },
    get bufferedAmount() {
      return ws.bufferedAmount;
    },
    onMessage(listener) {
      ws.on("message", (data, isBinary) => {
        const buf = Array.isArray(data) ? Buffer.concat(data) : data instanceof ArrayBuffer ? Buffer.from(data) : data;
        // One copy: `ws` may hand over a slice of the socket's read buffer, and a plugin that keeps the
        // frame (a recording's input events) must not pin all of it.
        listener(isBinary ? new Uint8Array(buf) : buf.toString("utf8"), isBinary);
      });
    },
    onClose(listener) {
      ws.on("close", (code, reason) => listener(code, reason.toString("utf8")));
    },
    onDrain(listener) {
      drainListeners.push(listener);
    },
  };
}

/**
 * Routes WebSocket upgrades under `/api/plugins/<id>/ws/<path>` to the plugin that registered the path,
 * after the same session and origin checks (both in `authenticate`) and license check as HTTP. Upgrades
 * under `/api/plugins/<id>/agent/<path>` (`ctx.ws.handleAgent`) carry no session: they are refused when
 * they come from a browser (an Origin header), licensed like the rest, and authenticated by the plugin.
 * Connections are tracked per plugin instance so an upgrade or disable closes them with a reason.
 */
export function createWsGateway(opts: WsGatewayOptions) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: opts.maxPayload ?? 1024 * 1024 });
  return {
    /** Attach to the node http server's `upgrade` event. Returns false for paths it does not own. */
    async handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<boolean> {
      const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
      const match = PATH.exec(url.pathname);
      if (!match) return false;
      const [, id = "", kind = "", path = ""] = match;
      if (opts.hostAllowed && !opts.hostAllowed(req)) {
        reject(socket, 421, "Misdirected Request");
        return true;
      }
      const agent = kind === "agent";
      // An agent's route carries no session, so a browser must not reach it: a page on any site could open
      // it with the visitor's network position. Agents send no Origin; browsers always do.
      if (agent && req.headers.origin !== undefined) {
        reject(socket, 403, "Forbidden");
        return true;
      }
      const user = agent ? undefined : await opts.authenticate(req).catch(() => undefined);
      if (!agent && !user) {
        reject(socket, 401, "Unauthorized");
        return true;
      }
      // A locked plugin has no running instance: its record says which module the caller needs.
      const rec = await opts.runtime.repo.peek(id);
      if (rec && !opts.runtime.licensed(rec.module)) {
        // The page learns why, as over HTTP: the same 402 body, in the error frame gated sockets send.
        wss.handleUpgrade(req, socket, head, (ws) => refuseSocket(wrap(ws), opts.runtime.gate.body(rec.module)));
        return true;
      }
      const instance = opts.runtime.instance(id);
      const handler = agent ? instance?.agentSockets.get(path) : instance?.sockets.get(path);
      if (!instance || !handler) {
        reject(socket, 404, "Not Found");
        return true;
      }
      wss.handleUpgrade(req, socket, head, (ws) => {
        const tracked = { close: (code: number, reason: string) => ws.close(code, reason) };
        instance.liveSockets.add(tracked);
        ws.on("close", () => instance.liveSockets.delete(tracked));
        ws.on("error", () => ws.terminate());
        try {
          if (agent) (handler as AgentSocketHandler)(wrap(ws), { url, remoteAddress: req.socket.remoteAddress ?? "" });
          else (handler as SocketHandler)(wrap(ws), { url, user: user as RequestUser });
        } catch {
          ws.close(1011, "plugin error");
        }
      });
      return true;
    },
    /** Serves upgrades of a node http server; paths it does not own are refused with 404. */
    attach(server: Server): void {
      server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
        socket.on("error", () => socket.destroy());
        this.handleUpgrade(req, socket, head).then(
          (handled) => {
            if (!handled) reject(socket, 404, "Not Found");
          },
          () => reject(socket, 500, "Internal Server Error"),
        );
      });
    },
    close(): void {
      for (const c of wss.clients) c.terminate();
      wss.close();
    },
  };
}
