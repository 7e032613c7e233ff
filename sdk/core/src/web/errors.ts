/**
 * Errors the browser API raises. Codes mirror the host's JSON error bodies (`{error: CODE, message,
 * requestId}`), so a plugin branches on `error.code` exactly as it would on the HTTP body.
 */
import type { ErrorBody } from "../errors/define-errors.js";
import type { ModuleRequiredBody as GateBody } from "../plugin/module-required.js";

export type { ErrorBody };

/**
 * The JSON body of an HTTP 402 the host sends when a feature needs a paid module or a free cap is reached
 * (the server side's {@link GateBody}). `message` is optional here because hosts before SDK 1.1 sent none.
 */
export type ModuleRequiredBody = Omit<GateBody, "message"> & { message?: string };

/**
 * An API call answered with an error status. `code` is the stable error code of the body (`HOST_ERR_*`, a
 * plugin's own), or `HTTP_<status>` when the body carried none; `requestId` is the id the host logged the
 * request under, for people to quote when they report the error.
 *
 * @example
 * ```ts
 * try { await apiFetch("/api/plugins/notes/items"); }
 * catch (e) { if (e instanceof ApiError && e.status === 404) showEmpty(); else throw e; }
 * ```
 */
export class ApiError extends Error {
  override readonly name: string = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The parsed JSON body, when the response had one. */
    readonly body: unknown,
    /** The request's id: the body's `requestId`, else the `X-Request-Id` response header. */
    readonly requestId?: string,
  ) {
    super(message);
  }
}

/**
 * The message of an error for people, with the request id when the host gave one, so a person can quote
 * it and an admin find the request in the host log.
 *
 * @example
 * ```ts
 * catch (e) { setError(describeError(e)) } // "No such tunnel. (request 1f0c…)"
 * ```
 */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return error instanceof ApiError && error.requestId ? `${message} (request ${error.requestId})` : message;
}

/**
 * A 402 `module_required`: render it with the shell's `Lock` so the person sees the module, its price
 * and a way to the store.
 *
 * @example
 * ```tsx
 * <Show when={isModuleRequired(err())} fallback={<p>{String(err())}</p>}>
 *   {(e) => <Lock module={e().module} price={e().price} />}
 * </Show>
 * ```
 */
export class ModuleRequiredError extends ApiError {
  override readonly name = "ModuleRequiredError";
  readonly module: string;
  /** The catalog's price, when the host's catalog gives one. */
  readonly price: string | undefined;
  readonly purchaseUrl: string;
  constructor(body: ModuleRequiredBody, requestId?: string) {
    super(
      402,
      "module_required",
      body.message ?? `This needs the ${body.module} module${body.price ? ` (${body.price})` : ""}.`,
      body,
      requestId ?? body.requestId,
    );
    this.module = body.module;
    this.price = body.price;
    this.purchaseUrl = body.purchaseUrl;
  }
}

/**
 * True when `value` is a {@link ModuleRequiredError}. Works across bundles because it checks the shape,
 * not only the class.
 *
 * @example
 * ```ts
 * if (isModuleRequired(error)) openStore(error.module);
 * ```
 */
export function isModuleRequired(value: unknown): value is ModuleRequiredError {
  return (
    value instanceof ModuleRequiredError ||
    (value instanceof ApiError && value.code === "module_required" && typeof (value as { module?: unknown }).module === "string")
  );
}

/** True when a parsed JSON body is a 402 `module_required` body. */
export function isModuleRequiredBody(value: unknown): value is ModuleRequiredBody {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.error === "module_required" && typeof v.module === "string";
}
