import { bootHost } from "./boot.js";
import { loadEnv } from "./env.js";
import { createLogger } from "./log/index.js";
import { serveHost, serverUrl } from "./server/index.js";

// Long-lived connections (event streams, WebSockets) get this long to finish before they are cut.
const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  // Everything the host writes (database, plugins, their data, uploads) is its user's alone, as
  // PostgreSQL does for its data folder; createHost tightens what an earlier run left.
  process.umask(0o077);
  const config = loadEnv();
  const log = createLogger({ level: config.logLevel });
  const { host, plugins } = await bootHost(config, { log });
  const server = serveHost(host);
  plugins.ws.attach(server);
  server.once("listening", () => log.info("ArchNest host listening", { url: serverUrl(server), dataDir: config.dataDir, dev: config.dev }));
  server.once("error", (err) => {
    log.error("cannot listen", { err, host: config.host, port: config.port });
    void host.close().finally(() => process.exit(1));
  });

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info("shutting down", { signal });
    const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      clearTimeout(force);
      host.close().then(
        () => {
          log.info("stopped");
          process.exit(process.exitCode ?? 0);
        },
        (err: unknown) => {
          log.error("shutdown failed", { err });
          process.exit(1);
        },
      );
    });
    // Idle keep-alive sockets would hold close() open; active requests finish first.
    server.closeIdleConnections();
  };
  // A stray rejection (say, from a plugin's timer) is logged and the host keeps serving; an uncaught
  // exception leaves the process in an unknown state, so the host stops cleanly instead.
  process.on("unhandledRejection", (reason) => log.error("unhandled rejection", { err: reason }));
  process.on("uncaughtException", (err) => {
    log.error("uncaught exception; stopping", { err });
    process.exitCode = 1;
    shutdown("uncaughtException");
  });
  process.on("SIGINT", () => shutdown("SIGINT"));
  process.on("SIGTERM", () => shutdown("SIGTERM"));
}

main().catch((err: unknown) => {
  const code = (err as { code?: unknown }).code;
  createLogger().error("the host could not start", { err, code });
  process.exit(1);
});
