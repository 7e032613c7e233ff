import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";

/** One structured log line. Secrets (tokens, keys, signatures, bodies) are never put in one. */
export type LogEntry = { level: "info" | "warn" | "error"; msg: string } & Record<string, unknown>;

export type LogSink = (entry: LogEntry & { time: string }) => void;

/** Writes each entry as one JSON line on stdout. */
export const stdoutSink: LogSink = (entry) => {
  process.stdout.write(`${JSON.stringify(entry)}\n`);
};

export interface Logger {
  log(entry: LogEntry): void;
}

export function createLogger(sink: LogSink, now: () => Date): Logger {
  return { log: (entry) => sink({ time: now().toISOString(), ...entry }) };
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Gives each request an id (the caller's x-request-id when it is sane, else a fresh one), echoes it in
 * the response, and logs one line per request with its status and duration.
 */
export function requestLog(logger: Logger): MiddlewareHandler<{ Variables: { requestId: string } }> {
  return async (c, next) => {
    const given = c.req.header("x-request-id");
    const requestId = given && REQUEST_ID.test(given) ? given : randomUUID();
    c.set("requestId", requestId);
    const started = performance.now();
    await next();
    try {
      c.res.headers.set("x-request-id", requestId);
    } catch {
      // a response with immutable headers (a proxied fetch) keeps its own
    }
    logger.log({
      level: c.res.status >= 500 ? "error" : "info",
      msg: "request",
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
  };
}
