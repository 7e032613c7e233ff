/**
 * The registry's error catalogue: each code has an HTTP status, what happened and how to fix it. Codes are
 * stable and never reused; docs/errors-registry.md is the same table for people.
 */
export const REG_ERRORS = {
  REG_ERR_CONFIG: [
    500,
    "The registry's configuration is missing or invalid (keys, keyring, Stripe settings).",
    "Fix the environment variable named in the message and restart.",
  ],
  REG_ERR_NOT_READY: [503, "The registry is still starting (opening and migrating its database).", "Retry in a second."],
  REG_ERR_INTERNAL: [500, "An unexpected error happened inside the registry.", "Retry; if it persists, report the request id from the x-request-id header."],
  REG_ERR_NOT_FOUND: [404, "No such route, package or version.", "Check the name and version; scoped names are written @scope/name or @scope%2fname."],
  REG_ERR_BAD_REQUEST: [400, "The request body or parameters are invalid.", "Send the fields the API documents (registry/README.md)."],
  REG_ERR_BAD_PATH: [
    400,
    "The request path has malformed percent-encoding (a % not followed by two hex digits of valid UTF-8).",
    "Encode each path segment with encodeURIComponent.",
  ],
  REG_ERR_TOO_LARGE: [413, "The request body is larger than allowed.", "Ship a smaller package, or raise the registry's upload limit deliberately."],
  REG_ERR_AUTH: [401, "The author token is missing or unknown.", "Pass `Authorization: Bearer <token>` with the token the registry admin gave you."],
  REG_ERR_ADMIN_AUTH: [
    401,
    "The admin token is missing or wrong, or admin endpoints are disabled.",
    "Set ARCHNEST_REGISTRY_ADMIN_TOKEN and send it as a Bearer token.",
  ],
  REG_ERR_SCOPE: [
    403,
    "The package name is outside the scopes the author owns.",
    "Publish under one of your scopes, or ask the registry admin to grant the scope.",
  ],
  REG_ERR_VERSION_EXISTS: [409, "This version of the package is already published; published versions never change.", "Bump the version and publish again."],
  REG_ERR_VERSION_REVOKED: [410, "This version was revoked and is no longer delivered.", "Install the latest version; the status index gives the reason."],
  REG_ERR_INSTALL_UNSIGNED: [
    401,
    "The request carries no valid install signature headers.",
    "Register the install (POST /v1/installs) and sign each request with signInstallRequest.",
  ],
  REG_ERR_INSTALL_UNKNOWN: [401, "The install named by the request is not registered here.", "Register the install again with POST /v1/installs."],
  REG_ERR_REQUEST_SIGNATURE: [
    401,
    "The request's signature does not match the install's key.",
    "Sign the exact method, path, body, timestamp and nonce with the install key.",
  ],
  REG_ERR_REQUEST_STALE: [401, "The request's timestamp is more than five minutes from the registry's clock.", "Fix the host's clock (NTP) and retry."],
  REG_ERR_NONCE_REPLAYED: [401, "The request's nonce was already used: a replayed request.", "Sign every request with a fresh nonce."],
  REG_ERR_MODULE_REQUIRED: [
    402,
    "The install's purchases do not cover the module this plugin needs.",
    "Buy the module (or a bundle that holds it) and refresh the license.",
  ],
  REG_ERR_UNKNOWN_SLUG: [400, "No module or bundle has this slug.", "Use a slug from GET /v1/catalog."],
  REG_ERR_ALREADY_OWNED: [409, "The install already owns every module this purchase would give.", "Nothing to buy; refresh the license."],
  REG_ERR_MODULE_UNAVAILABLE: [
    409,
    "The module is not available yet: no package delivers it (for a bundle: none of its modules is available).",
    "Buy it once GET /v1/catalog lists it as available, or buy a bundle that is on sale; it covers the module when it arrives.",
  ],
  REG_ERR_TRANSFER_LIMIT: [
    409,
    "This install's purchases were moved less than a year ago.",
    "Purchases move at most once a year per install; contact support.",
  ],
  REG_ERR_TRANSFER_INVALID: [400, "A transfer needs two different registered installs.", "Name a registered target install that differs from the source."],
  REG_ERR_WEBHOOK_SIGNATURE: [
    400,
    "The Stripe webhook signature does not match the raw body.",
    "Check STRIPE_WEBHOOK_SECRET against the endpoint's signing secret in Stripe.",
  ],
  REG_ERR_CHECKOUT_UNCONFIGURED: [
    503,
    "This registry takes no purchases: Stripe is not configured and the development checkout was not asked for.",
    "Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET; for local development only, set ARCHNEST_REGISTRY_DEV_CHECKOUT=1 (npm start does).",
  ],
  REG_ERR_CHECKOUT_UNAVAILABLE: [
    404,
    "The development checkout is off (Stripe is configured, or development mode was not asked for), or the session is unknown.",
    "Pay through the Stripe Checkout URL from POST /v1/checkout.",
  ],
  REG_ERR_PAYMENT_PROVIDER: [
    502,
    "Stripe could not be reached or refused the request.",
    "Retry later; check STRIPE_SECRET_KEY and the registry's outbound network.",
  ],
  REG_ERR_SCOPE_RESERVED: [
    403,
    "The scope belongs to ArchNest's own packages (@archnest, or a scope the official keyring covers).",
    "Register under an npm scope of your own, such as the one you publish to npm with.",
  ],
  REG_ERR_SCOPE_TAKEN: [
    409,
    "Another publisher or author already owns this scope.",
    "Choose another scope; if the scope is yours, contact the registry admin.",
  ],
  REG_ERR_PUBLISHER_EXISTS: [
    409,
    "A publisher with this name or root key is already registered.",
    "Pick another name; a root key registers once (rotate the keyring with PUT /v1/publishers/<fingerprint>/keyring instead).",
  ],
  REG_ERR_PUBLISHER_NOT_FOUND: [
    404,
    "No publisher has this fingerprint or lists this key.",
    "Check the fingerprint: the hex key id that `archnest-plugin keys generate` printed for the root key.",
  ],
  REG_ERR_PUBLISHER_KEYRING: [
    422,
    "The publisher's root key or keyring is unusable: the keyring is not signed by that root, is malformed or has expired.",
    "Create the keyring with `archnest-plugin keyring create --root <root.key>` for the same root and send root.pub beside it.",
  ],
  REG_ERR_PUBLISHER_KEY_OUTSIDE: [
    422,
    "A key in the publisher's keyring reaches outside the publisher: a role other than release, a scope outside the publisher's scopes, or a key another publisher or the official keyring already lists.",
    "List only release keys of your own, each scoped inside your scopes (for example --scope '@acme/*').",
  ],
  REG_ERR_PUBLISHER_KEYRING_VERSION: [
    409,
    "The new keyring's version is not higher than the current one.",
    "Rotate with `archnest-plugin keyring rotate`, which raises the version.",
  ],
  REG_ERR_PUBLISHER_PAID_MODULE: [
    403,
    'A package under a publisher\'s own key must be free (module "free"); paid modules are signed under the official root only.',
    'Set archnest.module to "free", sign again and publish.',
  ],
} as const satisfies Record<string, readonly [status: number, what: string, fix: string]>;

export type RegErrorCode = keyof typeof REG_ERRORS;

/**
 * An error a registry handler throws; the app turns it into `{error, message, ...extra}` with the
 * catalogue's status.
 */
export class RegistryError extends Error {
  override readonly name = "RegistryError";
  readonly code: RegErrorCode;
  readonly status: number;
  readonly extra: Record<string, unknown>;

  constructor(code: RegErrorCode, message?: string, extra: Record<string, unknown> = {}) {
    super(message ?? REG_ERRORS[code][1]);
    this.code = code;
    this.status = REG_ERRORS[code][0];
    this.extra = extra;
  }
}

export function isRegistryError(value: unknown): value is RegistryError {
  return value instanceof RegistryError;
}
