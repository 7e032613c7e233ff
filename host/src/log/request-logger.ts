import { randomUUID } from "node:crypto";
import { createMiddleware } from "hono/factory";
import { withDefaultHeaders } from "../http/default-headers.js";
import { headerOf } from "../http/request-info.js";
import type { Logger } from "./logger.js";

// An incoming id is reused only when it cannot smuggle anything into logs or headers.
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdFrom(header: string | undefined): string {
  return header !== undefined && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
}

/**
 * Gives every request an id (the caller's x-request-id when it looks safe, else a new UUID), a child
 * logger bound to it, the x-request-id response header, and one log line when the response is ready.
 * The query string is left out of the line because it may carry tokens.
 */
export function requestLogger(log: Logger) {
  return createMiddleware<{ Variables: { requestId: string; log: Logger } }>(async (c, next) => {
    const requestId = requestIdFrom(headerOf(c, "x-request-id"));
    const reqLog = log.child({ requestId });
    c.set("requestId", requestId);
    c.set("log", reqLog);
    const start = performance.now();
    await withDefaultHeaders(c, [["x-request-id", requestId]], next);
    const status = c.res.status;
    const fields = { method: c.req.method, path: c.req.path, status, durationMs: Math.round((performance.now() - start) * 10) / 10 };
    if (status >= 500) reqLog.error("request", fields);
    else reqLog.info("request", fields);
  });
}
