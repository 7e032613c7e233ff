import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import type { Host } from "../app.js";

export interface ServeHostOptions {
  /** Overrides config.port (0 picks a free port). */
  port?: number;
  /** Overrides config.host. */
  hostname?: string;
}

/**
 * Starts listening with @hono/node-server and returns the raw Node HTTP server (WebSocket upgrades attach
 * to its `upgrade` event). Wait for its `listening` event before reading `server.address()`.
 */
export function serveHost(host: Host, options: ServeHostOptions = {}): Server {
  return serve({
    fetch: host.app.fetch,
    port: options.port ?? host.config.port,
    hostname: options.hostname ?? host.config.host,
    // The body limit drops what a route leaves unread, for a while, instead (see BodyLimits).
    autoCleanupIncoming: false,
  }) as Server;
}

/** The http:// URL a listening server answers on (IPv6 addresses bracketed). */
export function serverUrl(server: Server): string {
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("the server is not listening on a TCP port");
  const hostname = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return `http://${hostname}:${address.port}`;
}
