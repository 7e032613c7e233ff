import { SDK_API_VERSION } from "@archnest/sdk";
import { type ApiRoute, type OpenApiDocument, openApiDocument } from "@archnest/sdk/node";
import { authorBody, revokeBody, transferBody } from "../routes/admin.js";
import { registerBody as installBody } from "../routes/installs.js";
import { registerBody as publisherBody, rotateBody } from "../routes/publishers.js";
import { checkoutBody } from "../routes/purchases.js";

/** Where the registry serves its OpenAPI document (public, as the catalog is). */
export const REGISTRY_OPENAPI_PATH = "/v1/openapi.json";

const catalog = ["catalog"];
const installs = ["installs"];
const purchases = ["purchases"];
const publishers = ["publishers"];
const packages = ["packages"];
const admin = ["admin"];

/**
 * Every route of the registry's HTTP API. A test enumerates the routes the registry mounts (with Stripe
 * configured, so the webhook route is there too) and fails when one is missing here.
 */
export const REGISTRY_API_ROUTES: readonly ApiRoute[] = [
  { method: "GET", path: "/healthz", summary: "Liveness: the process answers.", access: "public", tags: ["health"] },
  { method: "GET", path: "/readyz", summary: "Readiness, with how this registry takes purchases.", access: "public", tags: ["health"] },
  { method: "GET", path: REGISTRY_OPENAPI_PATH, summary: "This document.", access: "public", tags: ["meta"] },
  { method: "GET", path: "/favicon.svg", summary: "The registry's icon.", access: "public", tags: ["meta"] },
  { method: "GET", path: "/favicon.ico", summary: "The registry's icon.", access: "public", tags: ["meta"] },

  { method: "GET", path: "/v1/catalog", summary: "Modules, bundles and plugins with prices and availability.", access: "public", tags: catalog },
  { method: "GET", path: "/v1/modules/:slug", summary: "One module or bundle.", access: "public", tags: catalog, errors: ["REG_ERR_NOT_FOUND"] },
  { method: "GET", path: "/v1/status", summary: "The signed status index: revoked versions and minimum safe versions.", access: "public", tags: catalog },
  { method: "GET", path: "/v1/keyring", summary: "The signed keyring this registry trusts.", access: "public", tags: catalog },
  { method: "GET", path: "/-/npm/v1/keys", summary: "The keys npm verifies this registry's package signatures with.", access: "public", tags: packages },
  {
    method: "GET",
    path: "/:scope{@[^/]+}/:name",
    summary: "The npm packument of a scoped package.",
    access: "public",
    tags: packages,
    errors: ["REG_ERR_NOT_FOUND"],
  },
  { method: "GET", path: "/:name", summary: "The npm packument of an unscoped package.", access: "public", tags: packages, errors: ["REG_ERR_NOT_FOUND"] },
  {
    method: "GET",
    path: "/v1/libraries/:file",
    summary: "A tarball of the library channel (the SDK's npm packages), as npm downloads it.",
    access: "public",
    tags: packages,
    errors: ["REG_ERR_NOT_FOUND"],
  },
  {
    method: "PUT",
    path: "/v1/packages",
    summary: "Publishes a signed plugin tarball.",
    access: "bearer",
    tags: packages,
    rawBody: "application/gzip",
    errors: ["REG_ERR_AUTH", "REG_ERR_SCOPE", "REG_ERR_VERSION_EXISTS", "REG_ERR_TOO_LARGE", "REG_ERR_PUBLISHER_PAID_MODULE"],
  },

  {
    method: "POST",
    path: "/v1/publishers",
    summary: "Registers a publisher by its root key and keyring; answers its token once.",
    access: "public",
    tags: publishers,
    body: publisherBody,
    errors: ["REG_ERR_PUBLISHER_EXISTS", "REG_ERR_PUBLISHER_KEYRING", "REG_ERR_PUBLISHER_KEY_OUTSIDE", "REG_ERR_SCOPE_RESERVED", "REG_ERR_SCOPE_TAKEN"],
  },
  {
    method: "GET",
    path: "/v1/publishers/by-key/:keyid",
    summary: "The publisher whose keyring lists a key.",
    access: "public",
    tags: publishers,
    errors: ["REG_ERR_PUBLISHER_NOT_FOUND"],
  },
  {
    method: "GET",
    path: "/v1/publishers/:fingerprint",
    summary: "A publisher by root key fingerprint.",
    access: "public",
    tags: publishers,
    errors: ["REG_ERR_PUBLISHER_NOT_FOUND"],
  },
  {
    method: "PUT",
    path: "/v1/publishers/:fingerprint/keyring",
    summary: "Rotates a publisher's keyring.",
    access: "bearer",
    tags: publishers,
    body: rotateBody,
    errors: ["REG_ERR_AUTH", "REG_ERR_PUBLISHER_KEYRING", "REG_ERR_PUBLISHER_KEYRING_VERSION"],
  },

  { method: "POST", path: "/v1/installs", summary: "Registers an install by its public key.", access: "public", tags: installs, body: installBody },
  {
    method: "POST",
    path: "/v1/license",
    summary: "The install's signed license.",
    access: "install",
    tags: installs,
    errors: ["REG_ERR_INSTALL_UNSIGNED", "REG_ERR_INSTALL_UNKNOWN", "REG_ERR_REQUEST_SIGNATURE", "REG_ERR_REQUEST_STALE", "REG_ERR_NONCE_REPLAYED"],
  },
  {
    method: "GET",
    path: "/v1/tarballs/:scope{@[^/]+}/:name/:version",
    summary: "A scoped package's tarball; a paid one needs a signed request from an install that owns its module.",
    access: "public",
    tags: installs,
    errors: ["REG_ERR_NOT_FOUND", "REG_ERR_VERSION_REVOKED", "module_required"],
  },
  {
    method: "GET",
    path: "/v1/tarballs/:name/:version",
    summary: "An unscoped package's tarball.",
    access: "public",
    tags: installs,
    errors: ["REG_ERR_NOT_FOUND", "REG_ERR_VERSION_REVOKED", "module_required"],
  },

  {
    method: "POST",
    path: "/v1/checkout",
    summary: "Starts a purchase for the signing install; answers the checkout URL.",
    access: "install",
    tags: purchases,
    body: checkoutBody,
    errors: ["REG_ERR_CHECKOUT_UNCONFIGURED", "REG_ERR_UNKNOWN_SLUG", "REG_ERR_ALREADY_OWNED", "REG_ERR_MODULE_UNAVAILABLE", "REG_ERR_PAYMENT_PROVIDER"],
  },
  { method: "GET", path: "/v1/checkout/success", summary: "The page a completed checkout returns to.", access: "public", tags: purchases },
  { method: "GET", path: "/v1/checkout/cancel", summary: "The page a cancelled checkout returns to.", access: "public", tags: purchases },
  {
    method: "GET",
    path: "/dev/checkout/:id",
    summary: "The development checkout page (no payment).",
    access: "public",
    tags: purchases,
    errors: ["REG_ERR_CHECKOUT_UNAVAILABLE"],
  },
  {
    method: "POST",
    path: "/dev/checkout/:id/pay",
    summary: "Completes a development checkout.",
    access: "public",
    tags: purchases,
    errors: ["REG_ERR_CHECKOUT_UNAVAILABLE"],
  },
  {
    method: "POST",
    path: "/v1/stripe/webhook",
    summary: "Stripe's checkout events, checked against the raw body's signature.",
    access: "public",
    tags: purchases,
    rawBody: "application/json",
    errors: ["REG_ERR_WEBHOOK_SIGNATURE"],
  },

  {
    method: "POST",
    path: "/v1/admin/authors",
    summary: "Creates an author with scopes; answers its token once.",
    access: "bearer",
    tags: admin,
    body: authorBody,
    errors: ["REG_ERR_ADMIN_AUTH"],
  },
  {
    method: "POST",
    path: "/v1/admin/revoke",
    summary: "Revokes a published version.",
    access: "bearer",
    tags: admin,
    body: revokeBody,
    errors: ["REG_ERR_ADMIN_AUTH", "REG_ERR_NOT_FOUND"],
  },
  {
    method: "POST",
    path: "/v1/admin/installs/:id/transfer",
    summary: "Moves an install's purchases to another install (once a year).",
    access: "bearer",
    tags: admin,
    body: transferBody,
    errors: ["REG_ERR_ADMIN_AUTH", "REG_ERR_TRANSFER_LIMIT", "REG_ERR_TRANSFER_INVALID"],
  },
];

/** The registry's OpenAPI document. */
export function registryOpenApi(): OpenApiDocument {
  return openApiDocument(
    {
      title: "ArchNest registry API",
      version: SDK_API_VERSION,
      description: "Every error answers {error, message, requestId}; the codes are listed in docs/errors-registry.md.",
    },
    REGISTRY_API_ROUTES,
  );
}
