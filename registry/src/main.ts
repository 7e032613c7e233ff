// The registry's entry point: read the environment, listen, build the app (which migrates), serve.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { createRegistry } from "./app.js";
import { readEnv } from "./env.js";
import { isRegistryError } from "./errors/index.js";

function logLine(entry: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), ...entry })}\n`);
}

// Everything the registry writes (database, tarballs, uploads) is its user's alone; createRegistry
// tightens what an earlier run left.
process.umask(0o077);

try {
  const { port, host, config, publicUrlFromEnv } = readEnv();
  // Listening comes first so that with port 0 the public URL can name the port actually bound; requests
  // that arrive while the database migrates get a 503 rather than hanging.
  let listener: ((req: IncomingMessage, res: ServerResponse) => unknown) | undefined;
  const server = createServer((req, res) => {
    if (listener) return void listener(req, res);
    const requestId = randomUUID();
    res.writeHead(503, { "content-type": "application/json", "retry-after": "1", "x-request-id": requestId });
    res.end(JSON.stringify({ error: "REG_ERR_NOT_READY", message: "The registry is starting.", requestId, code: "REG_ERR_NOT_READY" }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(":") ? `[${host}]` : host}:${bound}`;
  const registry = await createRegistry({ ...config, publicUrl: publicUrlFromEnv ?? url });
  // The body limit drops what a route leaves unread, for a while, instead of the adapter (see bodyLimit).
  listener = getRequestListener(registry.app.fetch, { autoCleanupIncoming: false });
  logLine({ level: "info", msg: "listening", url, publicUrl: publicUrlFromEnv ?? url, checkout: registry.checkout });
  const stop = () => {
    server.close(() => {
      registry.close().finally(() => process.exit(0));
    });
    server.closeAllConnections();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
} catch (err) {
  const message = isRegistryError(err) ? `${err.message} [${err.code}]` : err instanceof Error ? err.message : String(err);
  logLine({ level: "error", msg: "cannot start", error: message });
  process.exit(1);
}
