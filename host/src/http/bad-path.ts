import type { IncomingMessage } from "node:http";
import type { MiddlewareHandler } from "hono";
import { HostError } from "../errors/index.js";

/**
 * Refuses a path whose percent-encoding does not decode (`/api/hosts/%zz`, a cut UTF-8 sequence) with 400
 * HOST_ERR_BAD_PATH before any route sees it: routes decode their parameters, and a URIError there would
 * otherwise surface as a 500.
 */
export function rejectMalformedPath(): MiddlewareHandler {
  return async (c, next) => {
    const raw = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.url ?? c.req.url;
    const query = raw.indexOf("?");
    const path = query >= 0 ? raw.slice(0, query) : raw;
    if (path.includes("%")) {
      try {
        decodeURIComponent(path);
      } catch {
        throw new HostError("HOST_ERR_BAD_PATH", "The request path has malformed percent-encoding.");
      }
    }
    await next();
  };
}
