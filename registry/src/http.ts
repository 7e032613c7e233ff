import type { Context } from "hono";
import type { z } from "zod";
import { RegistryError } from "./errors/index.js";

/** Largest JSON body any endpoint accepts. */
export const MAX_JSON_BYTES = 64 * 1024;

/** Reads and validates a JSON body; anything malformed is REG_ERR_BAD_REQUEST naming the field. */
export async function readJson<T extends z.ZodType>(c: Context, schema: T): Promise<z.infer<T>> {
  const length = Number(c.req.header("content-length") ?? "0");
  if (length > MAX_JSON_BYTES) throw new RegistryError("REG_ERR_TOO_LARGE");
  const text = await c.req.text();
  if (Buffer.byteLength(text) > MAX_JSON_BYTES) throw new RegistryError("REG_ERR_TOO_LARGE");
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
