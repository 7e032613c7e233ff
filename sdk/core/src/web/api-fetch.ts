/**
 * The one HTTP helper every page and plugin uses: same-origin, cookie session, the CSRF header on every
 * state-changing request, JSON in and out, and errors turned into {@link ApiError} or
 * {@link ModuleRequiredError}.
 */
import { ApiError, isModuleRequiredBody, ModuleRequiredError } from "./errors.js";

/** The header the host checks on POST, PUT, PATCH and DELETE. */
export const CSRF_HEADER = "x-archnest-csrf";

let csrfToken: string | undefined;

/**
 * Stores the CSRF token the host returned at sign-in. The shell calls this; plugins never need to,
 * because the shell and every plugin share this one module through the import map.
 */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** The CSRF token of the current session, if signed in. */
export function getCsrfToken(): string | undefined {
  return csrfToken;
}

let unauthorized: (() => void) | undefined;

/**
 * Called when a request made with a CSRF token (so, signed in) is answered 401: the session expired or
 * was revoked. The shell uses it to show the sign-in page; plugins never need it.
 */
export function onUnauthorized(listener: (() => void) | undefined): void {
  unauthorized = listener;
}

/** Options of {@link apiFetch}: `fetch`'s, plus `json` for a JSON body. */
export interface ApiFetchInit extends Omit<RequestInit, "body"> {
  /** Serialised as the JSON body, with `content-type: application/json`. */
  json?: unknown;
  /** A raw body (FormData, Blob, string); wins over `json`. */
  body?: RequestInit["body"];
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Calls the host's API and returns the parsed JSON (or `undefined` for an empty body). Throws
 * {@link ModuleRequiredError} on a 402 `module_required` and {@link ApiError} on any other error status.
 *
 * @example
 * ```ts
 * const items = await apiFetch<Note[]>("/api/plugins/notes/items");
 * await apiFetch("/api/plugins/notes/items", { method: "POST", json: { text: "hello" } });
 * ```
 */
export async function apiFetch<T = unknown>(path: string, init: ApiFetchInit = {}): Promise<T> {
  const { json, body, headers: given, ...rest } = init;
  const headers = new Headers(given);
  headers.set("accept", "application/json");
  const method = (rest.method ?? "GET").toUpperCase();
  if (!SAFE_METHODS.has(method) && csrfToken) headers.set(CSRF_HEADER, csrfToken);
  let payload: RequestInit["body"] | undefined = body;
  if (payload === undefined && json !== undefined) {
    headers.set("content-type", "application/json");
    payload = JSON.stringify(json);
  }
  const response = await fetch(path, { ...rest, method, headers, credentials: "same-origin", ...(payload === undefined ? {} : { body: payload }) });
  const text = await response.text();
  let parsed: unknown;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  if (!response.ok) {
    // A wrong password on /api/auth/* may also answer 401; that is not an expired session.
    if (response.status === 401 && csrfToken && unauthorized && !path.startsWith("/api/auth/")) unauthorized();
    const obj = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
    const requestId = typeof obj.requestId === "string" ? obj.requestId : (response.headers.get("x-request-id") ?? undefined);
    if (response.status === 402 && isModuleRequiredBody(parsed)) throw new ModuleRequiredError(parsed, requestId);
    const code = typeof obj.error === "string" ? obj.error : `HTTP_${response.status}`;
    const message =
      typeof obj.message === "string"
        ? obj.message
        : typeof parsed === "string" && parsed.length < 300
          ? parsed
          : `${method} ${path} failed (${response.status})`;
    throw new ApiError(response.status, code, message, parsed, requestId);
  }
  return parsed as T;
}

/**
 * {@link apiFetch} for a plugin's own routes, mounted by the host under `/api/plugins/<id>/`.
 *
 * @example
 * ```ts
 * const notes = pluginApi("notes");
 * const items = await notes<Note[]>("/items");
 * ```
 */
export function pluginApi(pluginId: string): <T = unknown>(path: string, init?: ApiFetchInit) => Promise<T> {
  const base = `/api/plugins/${encodeURIComponent(pluginId)}`;
  return (path, init) => apiFetch(`${base}${path.startsWith("/") ? path : `/${path}`}`, init);
}
