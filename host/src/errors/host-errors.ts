/**
 * The host's error catalogue: code -> [HTTP status, what happened, how to fix]. Codes are stable and never
 * reused or renamed, so the web app, the CLI and scripts can branch on them. docs/errors-host.md lists
 * every code (a test keeps the two in step).
 */
export const HOST_ERRORS = {
  HOST_ERR_INTERNAL: [
    500,
    "The host hit an unexpected error; details are in the host log under the request id.",
    "Retry; if it persists, report it with the x-request-id of the response.",
  ],
  HOST_ERR_CONFIG_INVALID: [500, "An ARCHNEST_* environment variable has an invalid value.", "Fix the variable named in the message and start the host again."],
  HOST_ERR_NOT_FOUND: [404, "No route answers this method and path.", "Check the URL and method."],
  HOST_ERR_BAD_REQUEST: [400, "The request body is not valid JSON or is missing.", "Send a JSON body with Content-Type: application/json."],
  HOST_ERR_VALIDATION: [400, "A field of the request is missing or has an invalid value.", "Fix each field named in the message."],
  HOST_ERR_PAYLOAD_TOO_LARGE: [413, "The request body is larger than this route accepts.", "Send a smaller body."],
  HOST_ERR_NOT_READY: [
    503,
    "The database is unreachable or its migrations are not applied.",
    "Check the host log for the database error; restart the host to apply migrations.",
  ],
  HOST_ERR_UNAUTHENTICATED: [401, "The request has no valid session (never signed in, signed out, or the session expired).", "Sign in again."],
  HOST_ERR_FORBIDDEN: [403, "The signed-in user may not do this.", "Ask an admin."],
  HOST_ERR_CSRF: [
    403,
    "A cookie-authenticated change came without the session's x-archnest-csrf header, or from another origin.",
    "Send the csrfToken returned by login, setup or /api/auth/me in the x-archnest-csrf header, from the host's own origin.",
  ],
  HOST_ERR_SETUP_REQUIRED: [409, "The host has no admin yet.", "Create the admin with POST /api/setup (the web app opens the setup page)."],
  HOST_ERR_SETUP_DONE: [409, "The admin already exists; setup runs once.", "Sign in with the admin account instead."],
  HOST_ERR_LOGIN_FAILED: [401, "The username or password is wrong.", "Check both and try again; repeated failures are rate limited."],
  HOST_ERR_RATE_LIMITED: [
    429,
    "Too many failed sign-in attempts for this user or from this address.",
    "Wait for the number of seconds in the Retry-After header.",
  ],
  HOST_ERR_PASSWORD_WEAK: [400, "The new password breaks the password policy (at least 10 characters).", "Choose a longer password."],
  HOST_ERR_PASSWORD_WRONG: [403, "The current password given to change the password is wrong.", "Enter the current password exactly."],
  HOST_ERR_MASTER_KEY_INVALID: [
    500,
    "The vault master key is not the base64 encoding of exactly 32 bytes.",
    "Set ARCHNEST_MASTER_KEY to `openssl rand -base64 32`, or fix the key file it names.",
  ],
  HOST_ERR_MASTER_KEY_MISMATCH: [
    500,
    "The master key differs from the one that sealed this data folder's secrets.",
    "Start the host with the original master key (environment or key file); secrets cannot be opened with another key.",
  ],
  HOST_ERR_MASTER_KEY_FILE: [
    500,
    "The master key file could not be read or created.",
    "Check that the folder named in the message exists and is writable by the host's user.",
  ],
  HOST_ERR_VAULT_NAME_INVALID: [
    500,
    "A vault record or field name is empty, too long or contains a NUL character.",
    "Use non-empty names of at most 512 characters without NUL.",
  ],
  HOST_ERR_VAULT_DECRYPT_FAILED: [
    500,
    "A sealed secret failed authentication: it was altered, moved to another record or field, or sealed with another master key.",
    "Enter the secret again; check that the host runs with its original master key.",
  ],
  HOST_ERR_DATA_DIR: [500, "The data folder could not be created or opened.", "Check ARCHNEST_DATA_DIR and the permissions of the folder it names."],
  HOST_ERR_MIGRATION_FAILED: [
    500,
    "A database migration failed at boot; the database was left at its previous version.",
    "Read the error in the log; restore the database from a backup if it was edited by hand.",
  ],
} as const satisfies Record<string, readonly [status: number, what: string, fix: string]>;

export type HostErrorCode = keyof typeof HOST_ERRORS;

/** Options of {@link HostError}: the cause (logged, never sent) and details safe to show the user. */
export interface HostErrorOptions {
  cause?: unknown;
  details?: readonly string[];
  status?: number;
  /** Response headers that belong with the error (Retry-After on 429). */
  headers?: Readonly<Record<string, string>>;
}

/** An error the host reports with a stable code; its message and details are safe to send to clients. */
export class HostError extends Error {
  override readonly name = "HostError";
  readonly code: HostErrorCode;
  readonly status: number;
  readonly details: readonly string[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: HostErrorCode, message?: string, options: HostErrorOptions = {}) {
    super(message ?? HOST_ERRORS[code][1], options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? HOST_ERRORS[code][0];
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }
}

export function isHostError(error: unknown, code?: HostErrorCode): error is HostError {
  return error instanceof HostError && (code === undefined || error.code === code);
}
