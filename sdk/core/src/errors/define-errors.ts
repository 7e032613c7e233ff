/**
 * One way to declare an error catalogue, for the host, the registry, the SDK and every plugin: a prefix
 * and a table of codes, each with its HTTP status, what happened and how to fix it (Fastify's
 * `createError` habit, one table instead of one call per code). The catalogue gives typed codes and an
 * error class; the host's error handler and {@link errorResponse} turn a thrown error into the one wire
 * shape, {@link ErrorBody}.
 */

/** One row of a catalogue, as written by its author. */
export interface ErrorSpec {
  /** The HTTP status the error answers with; the catalogue's default status when left out. */
  readonly status?: number;
  /** What happened, for people: the default message, and the "What happened" column of the docs. */
  readonly message: string;
  /** How to fix it: the "How to fix" column of the docs. */
  readonly hint?: string;
}

/** One row of a catalogue with its status resolved. */
export interface ErrorEntry {
  readonly status: number;
  readonly message: string;
  readonly hint: string | undefined;
}

/**
 * The JSON body of every error response of the host, its plugins and the registry. `error` is the stable
 * code to branch on, `message` text for people, `requestId` the id the request was logged under (also
 * the `X-Request-Id` response header). Responses may carry more fields (`details`, the 402's `module`).
 */
export interface ErrorBody {
  error: string;
  message: string;
  requestId: string;
  /** Facts safe to show (each invalid field, the dependents that would stop, ...). */
  details?: readonly string[];
  [extra: string]: unknown;
}

/** Options of a catalogue error. */
export interface CodedErrorOptions {
  /** The underlying error: logged by whoever catches it, never sent. */
  cause?: unknown;
  /** Overrides the catalogue's status for this one error. */
  status?: number;
  /** Facts safe to show, sent as `details`. */
  details?: readonly string[];
  /** More fields of the response body (`source`, `reason`, ...); they never replace error, message or requestId. */
  extra?: Readonly<Record<string, unknown>>;
  /** Response headers that belong with the error (Retry-After on 429). */
  headers?: Readonly<Record<string, string>>;
}

// A registered symbol, so an error made by one copy of the SDK (a plugin's bundle) is recognised by another (the host's).
const CODED = Symbol.for("archnest.coded-error");

const PREFIX = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*$/;
const KEY = /^[A-Z0-9]+(?:_[A-Z0-9]+)*$/;

/**
 * An error with a stable code from a catalogue made by {@link defineErrors}. Its message, details and
 * extra fields are safe to send to clients; its cause is not.
 *
 * @example
 * ```ts
 * if (isCodedError(err)) log.warn("refused", { code: err.code, status: err.status });
 * ```
 */
export class CodedError<C extends string = string> extends Error {
  override name = "CodedError";
  readonly code: C;
  readonly status: number;
  /** How to fix it, from the catalogue. */
  readonly hint: string | undefined;
  readonly details: readonly string[];
  readonly extra: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: C, message: string, options: CodedErrorOptions & { status: number; hint?: string | undefined }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status;
    this.hint = options.hint;
    this.details = options.details ?? [];
    this.extra = options.extra ?? {};
    this.headers = options.headers ?? {};
    Object.defineProperty(this, CODED, { value: true });
  }
}

/**
 * True for an error made from any catalogue, by any copy of the SDK.
 *
 * @example
 * ```ts
 * app.onError((err, c) => (isCodedError(err) ? errorResponse(err, c.env.requestId) : fallback(err)));
 * ```
 */
export function isCodedError(value: unknown): value is CodedError {
  return value instanceof Error && (value as unknown as Record<symbol, unknown>)[CODED] === true;
}

/** The error class of one catalogue: `new Errors.Error(code, message?, options?)`. */
export type CatalogueErrorClass<C extends string> = new (code: C, message?: string, options?: CodedErrorOptions) => CodedError<C>;

/** The codes of a table under a prefix: `{ NOT_FOUND: ... }` under "DOCKER_ERR" is "DOCKER_ERR_NOT_FOUND". */
export type CatalogueCode<P extends string, T> = `${P}_${keyof T & string}`;

/** What {@link defineErrors} returns. */
export interface ErrorCatalogue<P extends string, T extends Readonly<Record<string, ErrorSpec>>> {
  readonly prefix: P;
  /** Each key of the table mapped to its full code: `Errors.codes.NOT_FOUND === "DOCKER_ERR_NOT_FOUND"`. */
  readonly codes: { readonly [K in keyof T & string]: `${P}_${K}` };
  /** Every full code with its status, message and hint, in the table's order (the docs are rendered from it). */
  readonly table: { readonly [K in CatalogueCode<P, T>]: ErrorEntry };
  /** The catalogue's error class; a package may extend it to keep a constructor of its own. */
  readonly Error: CatalogueErrorClass<CatalogueCode<P, T>>;
  /** An error of this catalogue, with the table's message unless one is given. */
  create(code: CatalogueCode<P, T>, message?: string, options?: CodedErrorOptions): CodedError<CatalogueCode<P, T>>;
  /** True when `value` is an error with one of this catalogue's codes (or exactly `code`). */
  is(value: unknown, code?: CatalogueCode<P, T>): value is CodedError<CatalogueCode<P, T>>;
}

/**
 * Declares an error catalogue: a prefix and a table of codes. Codes are the prefix, an underscore and the
 * key (`DOCKER_ERR` + `NOT_FOUND`), so a catalogue can only hold its own codes; they are stable and never
 * reused. The status is the table's, else `options.status`, else 500.
 *
 * @example
 * ```ts
 * export const DockerErrors = defineErrors("DOCKER_ERR", {
 *   NOT_FOUND: { status: 404, message: "The engine has no such container.", hint: "It was removed; reload." },
 * });
 * throw DockerErrors.create("DOCKER_ERR_NOT_FOUND", `No container ${id}.`);
 * ```
 */
export function defineErrors<const P extends string, const T extends Readonly<Record<string, ErrorSpec>>>(
  prefix: P,
  table: T,
  options: { status?: number } = {},
): ErrorCatalogue<P, T> {
  if (!PREFIX.test(prefix)) throw new TypeError(`defineErrors: the prefix "${prefix}" is not UPPER_SNAKE_CASE.`);
  type Code = CatalogueCode<P, T>;
  const codes: Record<string, string> = {};
  const entries: Record<string, ErrorEntry> = {};
  for (const [key, spec] of Object.entries(table)) {
    if (!KEY.test(key)) throw new TypeError(`defineErrors: the key "${key}" of ${prefix} is not UPPER_SNAKE_CASE.`);
    const status = spec.status ?? options.status ?? 500;
    if (!Number.isInteger(status) || status < 400 || status > 599) throw new TypeError(`defineErrors: ${prefix}_${key} has status ${status}, not 4xx or 5xx.`);
    codes[key] = `${prefix}_${key}`;
    entries[`${prefix}_${key}`] = Object.freeze({ status, message: spec.message, hint: spec.hint });
  }
  const entry = (code: string): ErrorEntry => {
    const found = Object.hasOwn(entries, code) ? entries[code] : undefined;
    if (!found) throw new TypeError(`${code} is not a code of the ${prefix} catalogue.`);
    return found;
  };

  class CatalogueError extends CodedError<Code> {
    constructor(code: Code, message?: string, opts: CodedErrorOptions = {}) {
      const e = entry(code);
      super(code, message ?? e.message, { ...opts, status: opts.status ?? e.status, hint: e.hint });
    }
  }

  return {
    prefix,
    codes: Object.freeze(codes) as ErrorCatalogue<P, T>["codes"],
    table: Object.freeze(entries) as ErrorCatalogue<P, T>["table"],
    Error: CatalogueError,
    create: (code, message, opts) => new CatalogueError(code, message, opts),
    is: (value, code): value is CodedError<Code> => isCodedError(value) && (code === undefined ? Object.hasOwn(entries, value.code) : value.code === code),
  };
}

/**
 * The wire body of an error: `{error, message, requestId}`, then `details` when there are any, then the
 * error's extra fields (which never replace the first three).
 *
 * @example
 * ```ts
 * c.json(errorBody(err, c.env.requestId), err.status);
 * ```
 */
export function errorBody(
  err: { code: string; message: string; details?: readonly string[]; extra?: Readonly<Record<string, unknown>> },
  requestId: string,
): ErrorBody {
  const body: ErrorBody = { error: err.code, message: err.message, requestId };
  if (err.details && err.details.length > 0) body.details = err.details;
  for (const [key, value] of Object.entries(err.extra ?? {})) if (!(key in body)) body[key] = value;
  return body;
}

/**
 * The response of a plugin route for anything it threw: a catalogue error keeps its status, message,
 * details, extra fields and headers. Anything else is answered with `fallback` (a 500 of the plugin's
 * own catalogue, say), or else 500 `HOST_ERR_INTERNAL`, so nothing of the thrown error leaks: log it
 * yourself first, the host logs the request under the same id.
 *
 * @example
 * ```ts
 * const app = new Hono<{ Bindings: PluginRequestEnv }>().onError((err, c) => errorResponse(err, c.env.requestId));
 * ```
 */
export function errorResponse(err: unknown, requestId: string, fallback?: CodedError): Response {
  const coded = isCodedError(err) ? err : fallback;
  if (coded) {
    const headers = new Headers(coded.headers);
    if (requestId) headers.set("x-request-id", requestId);
    return Response.json(errorBody(coded, requestId), { status: coded.status, headers });
  }
  return Response.json(
    { error: "HOST_ERR_INTERNAL", message: "The plugin hit an unexpected error; details are in the host log under the request id.", requestId },
    { status: 500, headers: requestId ? { "x-request-id": requestId } : {} },
  );
}
