import type { Context } from "hono";
import type { z } from "zod";
import { HostError } from "../errors/index.js";

/** The request's JSON body checked against `schema`; a coded 400 naming each bad field otherwise. */
export async function readJson<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch (err) {
    // A body refused while it was read (too large) keeps its own code.
    if (err instanceof HostError) throw err;
    throw new HostError("HOST_ERR_BAD_REQUEST", "the request body must be a JSON object");
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const details = parsed.error.issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "body"}: ${i.message}`);
    throw new HostError("HOST_ERR_VALIDATION", `invalid request: ${details.join("; ")}`, { details });
  }
  return parsed.data;
}
