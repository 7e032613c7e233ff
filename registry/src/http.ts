import { enforceBodyLimit, hasMalformedPath } from "@archnest/sdk/node";
import type { Context, MiddlewareHandler } from "hono";
import type { z } from "zod";
import { isRegistryError, RegistryError } from "./errors/index.js";

/** The body cap of every route that names no other: JSON requests and forms. */
export const MAX_JSON_BYTES = 64 * 1024;

/**
 * The registry's one request body limit: a declared Content-Length over the route's cap is refused before
 * a byte is read, a chunked body errors as soon as the bytes counted so far pass it, and whatever a route
 * leaves unread is dropped for a bounded time after it answered. `caps` names the routes that take more
 * (or less) than {@link MAX_JSON_BYTES}, as `"METHOD /path"`.
 */
export function bodyLimit(caps: Readonly<Record<string, number>>): MiddlewareHandler {
  return (c, next) =>
    enforceBodyLimit(c, next, () => {
      const maxBytes = caps[`${c.req.method} ${c.req.path}`] ?? MAX_JSON_BYTES;
      return { maxBytes, tooLarge: () => new RegistryError("REG_ERR_TOO_LARGE", `The request body is larger than the ${maxBytes} bytes this route accepts.`) };
    });
}

/**
 * Refuses a path whose percent-encoding does not decode (`/%ff/...`) with 400 REG_ERR_BAD_PATH before any
 * route sees it: a route decoding its parameters would otherwise fail with a 500.
 */
export function rejectMalformedPath(): MiddlewareHandler {
  return async (c, next) => {
    if (hasMalformedPath(c)) throw new RegistryError("REG_ERR_BAD_PATH");
    await next();
  };
}

/** Reads and validates a JSON body; anything malformed is REG_ERR_BAD_REQUEST naming the field. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  let text: string;
  try {
    text = await c.req.text();
  } catch (err) {
    if (isRegistryError(err)) throw err;
    throw new RegistryError("REG_ERR_BAD_REQUEST", "The body could not be read.");
  }
  let value: unknown;
  try {
    value = text === "" ? {} : JSON.parse(text);
  } catch {
    throw new RegistryError("REG_ERR_BAD_REQUEST", "The body is not JSON.");
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new RegistryError("REG_ERR_BAD_REQUEST", issue ? `${issue.path.join(".") || "body"}: ${issue.message}` : "The body is invalid.");
  }
  return parsed.data;
}

/** Escapes text for HTML pages. */
export function html(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}
