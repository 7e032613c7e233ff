import type { IncomingMessage, ServerResponse } from "node:http";
import { discardUnread, limitedBody } from "./limited-body.js";

/**
 * What the request guards below need of a Hono context, written out so the SDK does not depend on Hono:
 * the Node request and response in `env` when served by `@hono/node-server`, and the web request.
 */
export interface GuardedContext {
  env: unknown;
  req: { method: string; raw: Request; header(name: string): string | undefined };
}

/** A route's cap and the error its 413 carries. */
export interface BodyCapOf {
  maxBytes: number;
  tooLarge: () => Error;
}

function nodeOf(c: GuardedContext): { incoming?: IncomingMessage; outgoing?: ServerResponse } {
  return (c.env ?? {}) as { incoming?: IncomingMessage; outgoing?: ServerResponse };
}

/**
 * The body of a service's one request body limit, shared by the host and the registry: a declared
 * Content-Length over the cap is refused before a byte is read, a chunked body errors as soon as the bytes
 * counted so far pass it (so no route ever buffers more than its cap), and whatever a route leaves unread
 * is dropped for a bounded time after it answered. `capOf` is asked only for requests that carry a body.
 *
 * @example
 * ```ts
 * app.use("*", (c, next) => enforceBodyLimit(c, next, () => ({ maxBytes: 65536, tooLarge: () => new Error("413") })));
 * ```
 */
export async function enforceBodyLimit(c: GuardedContext, next: () => Promise<void>, capOf: () => BodyCapOf): Promise<void> {
  const method = c.req.method;
  if (method === "GET" || method === "HEAD") return next();
  const { incoming, outgoing } = nodeOf(c);
  const declared = incoming ? incoming.headers["content-length"] : c.req.header("content-length");
  const chunked = (incoming ? incoming.headers["transfer-encoding"] : c.req.header("transfer-encoding")) !== undefined;
  // Over HTTP/1.1 a request has a body only with one of those headers; in process, when it has one.
  if (incoming ? !chunked && (declared === undefined || declared === "0") : c.req.raw.body === null) return next();
  if (incoming && outgoing) outgoing.once("finish", () => discardUnread(incoming));
  const { maxBytes, tooLarge } = capOf();
  // Node's parser never delivers more than a declared length, so that is checked once, up front.
  if (!chunked && declared !== undefined && Number(declared) > maxBytes) throw tooLarge();
  const raw = c.req.raw;
  const source = incoming ?? raw.body;
  if (!source) return next();
  let tripped = false;
  const body = limitedBody(source, maxBytes, () => {
    tripped = true;
    return tooLarge();
  });
  c.req.raw = new Request(raw.url, { method, headers: raw.headers, body, signal: raw.signal, duplex: "half" } as RequestInit);
  await next();
  // Whatever the route made of its failed read (a 400, a plugin's own 500), the answer is the 413.
  if (tripped) throw tooLarge();
}

/**
 * True when the request path's percent-encoding does not decode (`/%ff/...`, `/api/hosts/%zz`, a cut UTF-8
 * sequence). Services refuse such a path with 400 before any route sees it: a route decoding its
 * parameters would otherwise fail with a URIError, answered as a 500.
 */
export function hasMalformedPath(c: GuardedContext): boolean {
  const raw = nodeOf(c).incoming?.url ?? c.req.raw.url;
  const query = raw.indexOf("?");
  const path = query >= 0 ? raw.slice(0, query) : raw;
  if (!path.includes("%")) return false;
  try {
    decodeURIComponent(path);
    return false;
  } catch {
    return true;
  }
}
