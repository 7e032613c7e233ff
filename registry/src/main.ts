// The registry's entry point: read the environment, build the app (which migrates), listen.
import { serve } from "@hono/node-server";
import { createRegistry } from "./app.js";
import { readEnv } from "./env.js";
import { isRegistryError } from "./errors/index.js";

try {
  const { port, host, config } = readEnv();
  const registry = await createRegistry(config);
  const server = serve({ fetch: registry.app.fetch, port, hostname: host }, (info) => {
    process.stdout.write(
      `${JSON.stringify({ time: new Date().toISOString(), level: "info", msg: "listening", url: `http://${host}:${info.port}`, publicUrl: config.publicUrl, stripe: Boolean(config.stripe) })}\n`,
    );
  });
  const stop = () => {
    server.close(() => {
      registry.close().finally(() => process.exit(0));
    });
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
} catch (err) {
  const message = isRegistryError(err) ? `${err.message} [${err.code}]` : err instanceof Error ? err.message : String(err);
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level: "error", msg: "cannot start", error: message })}\n`);
  process.exit(1);
}
