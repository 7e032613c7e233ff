import { hasMalformedPath } from "@archnest/sdk/node";
import type { MiddlewareHandler } from "hono";
import { HostError } from "../errors/index.js";

/**
 * Refuses a path whose percent-encoding does not decode (`/api/hosts/%zz`, a cut UTF-8 sequence) with 400
 * HOST_ERR_BAD_PATH before any route sees it: routes decode their parameters, and a URIError there would
 * otherwise surface as a 500.
 */
export function rejectMalformedPath(): MiddlewareHandler {
  return async (c, next) => {
    if (hasMalformedPath(c)) throw new HostError("HOST_ERR_BAD_PATH", "The request path has malformed percent-encoding.");
    await next();
  };
}
