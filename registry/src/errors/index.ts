import { defineErrors } from "@archnest/sdk";

/**
 * The registry's error catalogue: each code with its HTTP status, what happened and how to fix it. Codes
 * are stable and never reused; docs/errors-registry.md is the same table for people.
 */
export const RegistryErrors = defineErrors("REG_ERR", {
  CONFIG: {
    status: 500,
    message: "The registry's configuration is missing or invalid (keys, keyring, Stripe settings).",
    hint: "Fix the environment variable named in the message and restart.",
  },
  NOT_READY: { status: 503, message: "The registry is still starting (opening and migrating its database).", hint: "Retry in a second." },
  INTERNAL: {
    status: 500,
    message: "An unexpected error happened inside the registry.",
    hint: "Retry; if it persists, report the request id from the x-request-id header.",
  },
  NOT_FOUND: {
    status: 404,
    message: "No such route, package or version.",
    hint: "Check the name and version; scoped names are written @scope/name or @scope%2fname.",
  },
  BAD_REQUEST: { status: 400, message: "The request body or parameters are invalid.", hint: "Send the fields the API documents (registry/README.md)." },
  BAD_PATH: {
    status: 400,
    message: "The request path has malformed percent-encoding (a % not followed by two hex digits of valid UTF-8).",
    hint: "Encode each path segment with encodeURIComponent.",
  },
  TOO_LARGE: {
    status: 413,
    message: "The request body is larger than allowed.",
    hint: "Ship a smaller package, or raise the registry's upload limit deliberately.",
  },
  AUTH: {
    status: 401,
    message: "The author token is missing or unknown.",
    hint: "Pass `Authorization: Bearer <token>` with the token the registry admin gave you.",
  },
  ADMIN_AUTH: {
    status: 401,
    message: "The admin token is missing or wrong, or admin endpoints are disabled.",
    hint: "Set ARCHNEST_REGISTRY_ADMIN_TOKEN and send it as a Bearer token.",
  },
  SCOPE: {
    status: 403,
    message: "The package name is outside the scopes the author owns.",
    hint: "Publish under one of your scopes, or ask the registry admin to grant the scope.",
  },
  VERSION_EXISTS: {
    status: 409,
    message: "This version of the package is already published; published versions never change.",
    hint: "Bump the version and publish again.",
  },
  VERSION_REVOKED: {
    status: 410,
    message: "This version was revoked and is no longer delivered.",
    hint: "Install the latest version; the status index gives the reason.",
  },
  INSTALL_UNSIGNED: {
    status: 401,
    message: "The request carries no valid install signature headers.",
    hint: "Register the install (POST /v1/installs) and sign each request with signInstallRequest.",
  },
  INSTALL_UNKNOWN: {
    status: 401,
    message: "The install named by the request is not registered here.",
    hint: "Register the install again with POST /v1/installs.",
  },
  REQUEST_SIGNATURE: {
    status: 401,
    message: "The request's signature does not match the install's key.",
    hint: "Sign the exact method, path, body, timestamp and nonce with the install key.",
  },
  REQUEST_STALE: {
    status: 401,
    message: "The request's timestamp is more than five minutes from the registry's clock.",
    hint: "Fix the host's clock (NTP) and retry.",
  },
  NONCE_REPLAYED: { status: 401, message: "The request's nonce was already used: a replayed request.", hint: "Sign every request with a fresh nonce." },
  MODULE_REQUIRED: {
    status: 402,
    message: "The install's purchases do not cover the module this plugin needs.",
    hint: "Buy the module (or a bundle that holds it) and refresh the license.",
  },
  UNKNOWN_SLUG: { status: 400, message: "No module or bundle has this slug.", hint: "Use a slug from GET /v1/catalog." },
  ALREADY_OWNED: { status: 409, message: "The install already owns every module this purchase would give.", hint: "Nothing to buy; refresh the license." },
  MODULE_UNAVAILABLE: {
    status: 409,
    message: "The module is not available yet: no package delivers it (for a bundle: none of its modules is available).",
    hint: "Buy it once GET /v1/catalog lists it as available, or buy a bundle that is on sale; it covers the module when it arrives.",
  },
  TRANSFER_LIMIT: {
    status: 409,
    message: "This install's purchases were moved less than a year ago.",
    hint: "Purchases move at most once a year per install; contact support.",
  },
  TRANSFER_INVALID: {
    status: 400,
    message: "A transfer needs two different registered installs.",
    hint: "Name a registered target install that differs from the source.",
  },
  WEBHOOK_SIGNATURE: {
    status: 400,
    message: "The Stripe webhook signature does not match the raw body.",
    hint: "Check STRIPE_WEBHOOK_SECRET against the endpoint's signing secret in Stripe.",
  },
  CHECKOUT_UNCONFIGURED: {
    status: 503,
    message: "This registry takes no purchases: Stripe is not configured and the development checkout was not asked for.",
    hint: "Set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET; for local development only, set ARCHNEST_REGISTRY_DEV_CHECKOUT=1 (npm start does).",
  },
  CHECKOUT_UNAVAILABLE: {
    status: 404,
    message: "The development checkout is off (Stripe is configured, or development mode was not asked for), or the session is unknown.",
    hint: "Pay through the Stripe Checkout URL from POST /v1/checkout.",
  },
  PAYMENT_PROVIDER: {
    status: 502,
    message: "Stripe could not be reached or refused the request.",
    hint: "Retry later; check STRIPE_SECRET_KEY and the registry's outbound network.",
  },
  SCOPE_RESERVED: {
    status: 403,
    message: "The scope belongs to ArchNest's own packages (@archnest, or a scope the official keyring covers).",
    hint: "Register under an npm scope of your own, such as the one you publish to npm with.",
  },
  SCOPE_TAKEN: {
    status: 409,
    message: "Another publisher or author already owns this scope.",
    hint: "Choose another scope; if the scope is yours, contact the registry admin.",
  },
  PUBLISHER_EXISTS: {
    status: 409,
    message: "A publisher with this name or root key is already registered.",
    hint: "Pick another name; a root key registers once (rotate the keyring with PUT /v1/publishers/<fingerprint>/keyring instead).",
  },
  PUBLISHER_NOT_FOUND: {
    status: 404,
    message: "No publisher has this fingerprint or lists this key.",
    hint: "Check the fingerprint: the hex key id that `archnest-plugin keys generate` printed for the root key.",
  },
  PUBLISHER_KEYRING: {
    status: 422,
    message: "The publisher's root key or keyring is unusable: the keyring is not signed by that root, is malformed or has expired.",
    hint: "Create the keyring with `archnest-plugin keyring create --root <root.key>` for the same root and send root.pub beside it.",
  },
  PUBLISHER_KEY_OUTSIDE: {
    status: 422,
    message:
      "A key in the publisher's keyring reaches outside the publisher: a role other than release, a scope outside the publisher's scopes, or a key another publisher or the official keyring already lists.",
    hint: "List only release keys of your own, each scoped inside your scopes (for example --scope '@acme/*').",
  },
  PUBLISHER_KEYRING_VERSION: {
    status: 409,
    message: "The new keyring's version is not higher than the current one.",
    hint: "Rotate with `archnest-plugin keyring rotate`, which raises the version.",
  },
  PUBLISHER_PAID_MODULE: {
    status: 403,
    message: 'A package under a publisher\'s own key must be free (module "free"); paid modules are signed under the official root only.',
    hint: 'Set archnest.module to "free", sign again and publish.',
  },
});

export type RegErrorCode = keyof typeof RegistryErrors.table;

/** Each code with its status, message (what happened) and hint (how to fix). */
export const REG_ERRORS = RegistryErrors.table;

/**
 * An error a registry handler throws; the app turns it into `{error, message, requestId, ...extra}` with
 * the catalogue's status.
 */
export class RegistryError extends RegistryErrors.Error {
  override readonly name: string = "RegistryError";

  constructor(code: RegErrorCode, message?: string, extra: Record<string, unknown> = {}) {
    super(code, message, { extra });
  }
}

export function isRegistryError(value: unknown): value is RegistryError {
  return value instanceof RegistryError;
}
