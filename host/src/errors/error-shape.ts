import { createMiddleware } from "hono/factory";
import { HOST_ERRORS, type HostErrorCode } from "./host-errors.js";
import { requestIdOf } from "./on-error.js";

// An error body larger than this is not an {error, message} object a person reads: it is passed on untouched.
const MAX_ERROR_BODY_BYTES = 64 * 1024;

/**
 * Completes every JSON error response to the wire shape `{error, message, requestId}`, whoever wrote it:
 * a host route answering `c.json({error, message}, 4xx)`, the 402 `module_required` body, or a plugin's
 * own handler. A missing message is the catalogue's (or the code itself for a code the host does not
 * know); the request id is the one the request was logged under. Bodies that already carry both, and
 * responses that are not JSON objects with a string `error`, are left as they are.
 */
export function errorShape() {
  return createMiddleware(async (c, next) => {
    await next();
    const res = c.res;
    if (res.status < 400 || !res.headers.get("content-type")?.includes("application/json")) return;
    const length = Number(res.headers.get("content-length") ?? "0");
    if (length > MAX_ERROR_BODY_BYTES) return;
    const text = await readCapped(res.clone(), MAX_ERROR_BODY_BYTES);
    if (text === undefined) return;
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return;
    }
    if (typeof body !== "object" || body === null || Array.isArray(body)) return;
    const fields = body as Record<string, unknown>;
    if (typeof fields.error !== "string") return;
    const requestId = requestIdOf(c);
    if (typeof fields.message === "string" && fields.requestId === requestId) return;
    const code = fields.error;
    const known =
      code === "module_required" ? HOST_ERRORS.HOST_ERR_MODULE_REQUIRED : Object.hasOwn(HOST_ERRORS, code) ? HOST_ERRORS[code as HostErrorCode] : undefined;
    const message = typeof fields.message === "string" ? fields.message : (known?.message ?? code);
    const completed = JSON.stringify({ error: code, message, requestId, ...withoutShape(fields) });
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    // Cleared first: Hono's res setter copies the old response's headers (a stale content-length) onto the new one.
    c.res = undefined;
    c.res = new Response(completed, { status: res.status, statusText: res.statusText, headers });
  });
}

/** The body as text, or undefined once it passes `max` bytes (a plugin may stream an error without a length). */
async function readCapped(res: Response, max: number): Promise<string | undefined> {
  const reader = res.body?.getReader();
  if (!reader) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      // Not awaited: a tee branch's cancel settles only once the other branch (the answer itself) is done too.
      reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function withoutShape(fields: Record<string, unknown>): Record<string, unknown> {
  const { error: _error, message: _message, requestId: _requestId, ...rest } = fields;
  return rest;
}
