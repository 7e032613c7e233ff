import type { Context, ErrorHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "../log/index.js";
import { HOST_ERRORS, HostError, type HostErrorCode } from "./host-errors.js";

export interface ErrorBody {
  error: string;
  message: string;
  details?: readonly string[];
}

export function errorBody(code: string, message: string, details?: readonly string[]): ErrorBody {
  return details && details.length > 0 ? { error: code, message, details } : { error: code, message };
}

/**
 * Errors of other catalogues in this package (the plugin runtime's) and SDK verification errors carry a
 * stable code and a client-safe message; they are recognised by shape so this handler does not depend on
 * every error class.
 */
function codedError(err: unknown): { code: string; status: number; message: string; details: readonly string[] } | undefined {
  if (err instanceof HostError) return { code: err.code, status: err.status, message: err.message, details: err.details };
  if (!(err instanceof Error)) return undefined;
  const { code, status, details } = err as Error & { code?: unknown; status?: unknown; details?: unknown };
  if (typeof code !== "string" || !/^(HOST|SDK)_ERR_[A-Z0-9_]+$/.test(code)) return undefined;
  const st = typeof status === "number" && Number.isInteger(status) && status >= 400 && status <= 599 ? status : code.startsWith("SDK_ERR_") ? 422 : 500;
  const safeDetails = Array.isArray(details) ? details.filter((d): d is string => typeof d === "string") : [];
  return { code, status: st, message: err.message, details: safeDetails };
}

const HTTP_CODES: Partial<Record<number, HostErrorCode>> = {
  400: "HOST_ERR_BAD_REQUEST",
  401: "HOST_ERR_UNAUTHENTICATED",
  403: "HOST_ERR_FORBIDDEN",
  404: "HOST_ERR_NOT_FOUND",
  413: "HOST_ERR_PAYLOAD_TOO_LARGE",
};

/**
 * Turns a thrown error into `{error: CODE, message}` JSON. Coded errors keep their status and message;
 * anything else is logged in full and answered with 500 HOST_ERR_INTERNAL and a fixed message, so stack
 * traces, SQL and paths never reach the client.
 */
export function onHostError(fallbackLog: Logger): ErrorHandler {
  return (err: Error, c: Context) => {
    const log = (c.get("log") as Logger | undefined) ?? fallbackLog;
    const coded = codedError(err);
    if (coded) {
      if (err instanceof HostError) for (const [name, value] of Object.entries(err.headers)) c.header(name, value);
      if (coded.status >= 500) log.error("request failed", { code: coded.code, err });
      return c.json(errorBody(coded.code, coded.message, coded.details), coded.status as 500);
    }
    if (err instanceof HTTPException && err.status < 500) {
      const code = HTTP_CODES[err.status] ?? "HOST_ERR_BAD_REQUEST";
      return c.json(errorBody(code, HOST_ERRORS[code][1]), err.status);
    }
    log.error("unhandled error", { err });
    return c.json(errorBody("HOST_ERR_INTERNAL", HOST_ERRORS.HOST_ERR_INTERNAL[1]), 500);
  };
}
