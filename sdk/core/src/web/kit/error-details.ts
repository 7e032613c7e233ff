/** What an error state shows of a failure: a sentence, and the code and request id when the failure has them. */
export interface ErrorDescription {
  message: string;
  /** The stable code (`HOST_ERR_*`, a plugin's own), from an {@link ApiError} or its JSON body. */
  code?: string;
  /** The request id the host logged the failure under, for a bug report. */
  requestId?: string;
}

const text = (v: unknown): string | undefined => (typeof v === "string" && v.length > 0 ? v : undefined);

/**
 * Reads a thrown value (an `ApiError`, an `Error`, an error JSON body, anything) into what a person is
 * shown. The code comes from `error.code` or the body's `error`; the request id from `error.requestId`
 * or the body's `requestId`.
 *
 * @example
 * ```ts
 * const { message, code, requestId } = errorDetails(err);
 * ```
 */
export function errorDetails(error: unknown): ErrorDescription {
  const e = typeof error === "object" && error !== null ? (error as Record<string, unknown>) : {};
  const body = typeof e.body === "object" && e.body !== null ? (e.body as Record<string, unknown>) : {};
  const message = text(e.message) ?? text(body.message) ?? (typeof error === "string" ? error : undefined) ?? "Something went wrong.";
  const code = text(e.code) ?? text(body.error) ?? (text(e.error) !== message ? text(e.error) : undefined);
  const requestId = text(e.requestId) ?? text(body.requestId);
  return { message, ...(code !== undefined && { code }), ...(requestId !== undefined && { requestId }) };
}
