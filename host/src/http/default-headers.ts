import { ServerResponse } from "node:http";
import type { Context } from "hono";

/**
 * Sets headers every response of a scope carries unless the response sets its own (a route may send a
 * stricter Content-Security-Policy, or its own cache policy).
 *
 * Over node:http they go straight onto the Node response before the route runs: Node merges them under the
 * headers the route answers with, so no Headers object is touched on the way out. Under `app.request()`
 * (no Node response) they are added to the answer after the route ran.
 */
export function withDefaultHeaders(c: Context, headers: readonly (readonly [string, string])[], next: () => Promise<void>): Promise<void> {
  const outgoing = (c.env as { outgoing?: unknown } | undefined)?.outgoing;
  if (outgoing instanceof ServerResponse && !outgoing.headersSent) {
    for (const [name, value] of headers) outgoing.setHeader(name, value);
    return next();
  }
  return next().then(() => addMissing(c, headers));
}

function addMissing(c: Context, headers: readonly (readonly [string, string])[]): void {
  let target = c.res.headers;
  for (const [name, value] of headers) {
    if (target.has(name)) continue;
    try {
      target.set(name, value);
    } catch {
      // A response passed through from fetch() has immutable headers: copy it before adding ours.
      c.res = new Response(c.res.body, c.res);
      target = c.res.headers;
      target.set(name, value);
    }
  }
}
