import { randomUUID } from "node:crypto";
import { createMiddleware } from "hono/factory";
import { withDefaultHeaders } from "../http/default-headers.js";
import { headerOf } from "../http/request-info.js";
import { type LogFields, type Logger, logsAt } from "./logger.js";

// An incoming id is reused only when it cannot smuggle anything into logs or headers.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * The request's logger: the child bound to the request id, made on first use (most requests log nothing
 * but their one line, which the middleware writes only when the level admits it).
 */
class RequestLog implements Logger {
  #child: Logger | undefined;

  constructor(
    private readonly parent: Logger,
    private readonly requestId: string,
  ) {}

  get level() {
    return this.parent.level;
  }

  #log(): Logger {
    this.#child ??= this.parent.child({ requestId: this.requestId });
    return this.#child;
  }

  debug(msg: string, fields?: LogFields) {
    this.#log().debug(msg, fields);
  }

  info(msg: string, fields?: LogFields) {
    this.#log().info(msg, fields);
  }

  warn(msg: string, fields?: LogFields) {
    this.#log().warn(msg, fields);
  }

  error(msg: string, fields?: LogFields) {
    this.#log().error(msg, fields);
  }

  child(fields: LogFields): Logger {
    return this.#log().child(fields);
  }
}

/**
 * Gives every request an id (the caller's x-request-id when it looks safe, else a new UUID), a logger
 * bound to it, the x-request-id response header, and one log line when the response is ready. The query
 * string is left out of the line because it may carry tokens.
 */
export function requestLogger(log: Logger) {
  return createMiddleware<{ Variables: { requestId: string; log: Logger } }>(async (c, next) => {
    const requestId = requestIdFrom(headerOf(c, "x-request-id"));
    const reqLog = new RequestLog(log, requestId);
    c.set("requestId", requestId);
    c.set("log", reqLog);
    const start = performance.now();
    await withDefaultHeaders(c, [["x-request-id", requestId]], next);
    const status = c.res.status;
    const level = status >= 500 ? "error" : "info";
    if (!logsAt(reqLog, level)) return;
    reqLog[level]("request", { method: c.req.method, path: c.req.path, status, durationMs: Math.round((performance.now() - start) * 10) / 10 });
  });
}
