import { enforceBodyLimit } from "@archnest/sdk/node";
import type { MiddlewareHandler } from "hono";
import { HostError } from "../errors/index.js";
import { headerOf } from "./request-info.js";

/** The largest body of a route that declares nothing else: JSON forms and API calls. */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/** A route's cap, and the 413 code past it (`HOST_ERR_PAYLOAD_TOO_LARGE` unless the route names its own). */
export interface BodyCap {
  maxBytes: number;
  code?: "HOST_ERR_PAYLOAD_TOO_LARGE" | "HOST_ERR_UPLOAD_TOO_LARGE";
}

/**
 * Answers the cap of a request it knows, or undefined to pass it on: the method (upper case), the decoded
 * path and the Content-Type ("" when absent).
 */
export type BodyCapRule = (method: string, path: string, contentType: string) => BodyCap | undefined;

/**
 * The host's one request body limit. Every request with a body is capped while it is read: a declared
 * Content-Length over the cap is refused before a byte is read, and a chunked body errors as soon as the
 * bytes counted so far pass it, so no route ever buffers more than its cap. Routes that need a different
 * cap (uploads, small auth forms, a plugin's streaming route) add a rule beside their own code; the first
 * rule that answers decides.
 */
export class BodyLimits {
  readonly #rules: BodyCapRule[] = [];

  constructor(readonly defaultBytes: number = DEFAULT_BODY_LIMIT) {}

  /** Adds a rule; the returned function removes it (a plugin's rule goes when the plugin unloads). */
  add(rule: BodyCapRule): () => void {
    this.#rules.push(rule);
    return () => {
      const at = this.#rules.indexOf(rule);
      if (at >= 0) this.#rules.splice(at, 1);
    };
  }

  /** Caps one route: `path` exactly, or every path under it when it ends with `/*`. */
  route(method: string, path: string, cap: BodyCap): () => void {
    const prefix = path.endsWith("/*") ? path.slice(0, -1) : undefined;
    return this.add((m, p) => (m === method && (prefix !== undefined ? p.startsWith(prefix) : p === path) ? cap : undefined));
  }

  /** The cap of a request. */
  capOf(method: string, path: string, contentType = ""): BodyCap {
    for (const rule of this.#rules) {
      const cap = rule(method, path, contentType);
      if (cap) return cap;
    }
    return { maxBytes: this.defaultBytes };
  }

  /** The middleware enforcing the caps; mount it before every route that reads a body. */
  middleware(): MiddlewareHandler {
    return (c, next) =>
      enforceBodyLimit(c, next, () => {
        const { maxBytes, code = "HOST_ERR_PAYLOAD_TOO_LARGE" } = this.capOf(c.req.method, c.req.path, headerOf(c, "content-type") ?? "");
        return { maxBytes, tooLarge: () => new HostError(code, `The request body is larger than the ${maxBytes} bytes this route accepts.`) };
      });
  }
}
