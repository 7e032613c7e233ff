import { type CodedError, type ErrorBody, errorBody, isCodedError } from "@archnest/sdk";
import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "../log/index.js";
import { HOST_ERRORS, type HostErrorCode } from "./host-errors.js";

export type { ErrorBody };

/** The request id the request logger gave this request; empty only outside the host app (a bare sub-app in a unit test). */
export function requestIdOf(c: Context): string {
  return (c.get("requestId") as string | undefined) ?? "";
}

/**
 * The wire body `{error, message, requestId}` of a host code, with the catalogue's message unless one is
 * given.
 *
 * @example
 * ```ts
 * return c.json(hostErrorBody(c, "HOST_ERR_NOT_READY"), 503);
 * ```
 */
export function hostErrorBody(c: Context, code: HostErrorCode, message?: string, details?: readonly string[]): ErrorBody {
  return errorBody({ code, message: message ?? HOST_ERRORS[code].message, ...(details && { details }) }, requestIdOf(c));
}

/**
 * Errors of every catalogue (the host's, the SDK's, the plugin runtime's) carry a stable code and a
 * client-safe message. Older errors that predate defineErrors are recognised by shape, so this handler
 * does not depend on every error class.
 */
type Coded = Pick<CodedError, "code" | "status" | "message" | "details" | "extra" | "headers">;

function codedError(err: unknown): Coded | undefined {
  if (isCodedError(err)) return err;
  if (!(err instanceof Error)) return undefined;
  const { code, status, details } = err as Error & { code?: unknown; status?: unknown; details?: unknown };
  if (typeof code !== "string" || !/^(HOST|SDK)_ERR_[A-Z0-9_]+$/.test(code)) return undefined;
  const st = typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599 ? status : code.startsWith("SDK_ERR_") ? 422 : 500;
  const safeDetails = Array.isArray(details) ? details.filter((d): d is string => typeof d === "string") : [];
  return { code, status: st, message: err.message, details: safeDetails, extra: {}, headers: {} };
}

const HTTP_CODES: Partial<Record<number, HostErrorCode>> = {
  400: "HOST_ERR_BAD_REQUEST",
  401: "HOST_ERR_UNAUTHENTICATED",
  403: "HOST_ERR_FORBIDDEN",
  404: "HOST_ERR_NOT_FOUND",
  413: "HOST_ERR_PAYLOAD_TOO_LARGE",
};

/**
 * Turns a thrown error into the wire body `{error, message, requestId}`. Coded errors keep their status,
 * message, details and headers; anything else is logged in full and answered with 500 HOST_ERR_INTERNAL
 * and a fixed message, so stack traces, SQL and paths never reach the client.
 */
export function onHostError(fallbackLog: Logger): ErrorHandler {
  return (err: Error, c: Context) => {
    const log = (c.get("log") as Logger | undefined) ?? fallbackLog;
    const coded = codedError(err);
    if (coded) {
      for (const [name, value] of Object.entries(coded.headers)) c.header(name, value);
      if (coded.status >= 500) log.error("request failed", { code: coded.code, err });
      return c.json(errorBody(coded, requestIdOf(c)), coded.status as 500);
    }
    if (err instanceof HTTPException && err.status < 500) {
      return c.json(hostErrorBody(c, HTTP_CODES[err.status] ?? "HOST_ERR_BAD_REQUEST"), err.status);
    }
    log.error("unhandled error", { err });
    return c.json(hostErrorBody(c, "HOST_ERR_INTERNAL"), 500);
  };
}
