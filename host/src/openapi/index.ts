import { SDK_API_VERSION } from "@archnest/sdk";
import { type ApiRoute, type OpenApiDocument, openApiDocument } from "@archnest/sdk/node";
import { credentials, passwordChange, setupRequest } from "../auth/auth-routes.js";
import { trustBody } from "../plugins/trust-routes.js";
import { putBody as prefBody } from "../prefs/index.js";
import { acceptSchema, addSchema, editSchema, importSchema } from "../ssh/hosts-routes.js";

/** Where the host serves its OpenAPI document (behind the session guard, as every /api route). */
export const HOST_OPENAPI_PATH = "/api/openapi.json";

const auth = ["auth"];
const hosts = ["ssh hosts"];
const plugins = ["plugins"];
const license = ["license"];

/**
 * Every route of the host's HTTP API. A test enumerates the routes the booted host mounts and fails when
 * one is missing here. The routes of every plugin are one parameterised entry, `/api/plugins/{id}/{path}`:
 * what lies below it is the plugin's own API.
 */
export const HOST_API_ROUTES: readonly ApiRoute[] = [
  { method: "GET", path: "/healthz", summary: "Liveness: the process answers.", access: "public", tags: ["health"] },
  {
    method: "GET",
    path: "/readyz",
    summary: "Readiness: the database is reachable and migrated.",
    access: "public",
    tags: ["health"],
    errors: ["HOST_ERR_NOT_READY"],
  },
  { method: "GET", path: HOST_OPENAPI_PATH, summary: "This document.", access: "session", tags: ["meta"] },

  { method: "GET", path: "/api/setup", summary: "Whether first-run setup is still needed.", access: "public", tags: auth },
  {
    method: "POST",
    path: "/api/setup",
    summary: "Creates the admin with the setup code the host printed; signs them in.",
    access: "public",
    tags: auth,
    body: setupRequest,
    errors: ["HOST_ERR_SETUP_DONE", "HOST_ERR_SETUP_CODE", "HOST_ERR_PASSWORD_WEAK", "HOST_ERR_VALIDATION"],
  },
  {
    method: "POST",
    path: "/api/auth/login",
    summary: "Signs in; answers the CSRF token for changes.",
    access: "public",
    tags: auth,
    body: credentials,
    errors: ["HOST_ERR_LOGIN_FAILED", "HOST_ERR_RATE_LIMITED", "HOST_ERR_SETUP_REQUIRED"],
  },
  { method: "POST", path: "/api/auth/logout", summary: "Signs out this session.", access: "session", tags: auth },
  { method: "GET", path: "/api/auth/me", summary: "The signed-in user and the session's CSRF token.", access: "session", tags: auth },
  {
    method: "POST",
    path: "/api/auth/password",
    summary: "Changes the signed-in user's password.",
    access: "session",
    tags: auth,
    body: passwordChange,
    errors: ["HOST_ERR_PASSWORD_WRONG", "HOST_ERR_PASSWORD_WEAK"],
  },

  {
    method: "GET",
    path: "/api/prefs/:key",
    summary: "One preference of the signed-in user.",
    access: "session",
    tags: ["prefs"],
    errors: ["HOST_ERR_NOT_FOUND"],
  },
  { method: "PUT", path: "/api/prefs/:key", summary: "Stores one preference of the signed-in user.", access: "session", tags: ["prefs"], body: prefBody },

  { method: "GET", path: "/api/hosts", summary: "The SSH hosts, without their secrets.", access: "session", tags: hosts },
  { method: "GET", path: "/api/hosts/status", summary: "The last reachability probe of every SSH host.", access: "session", tags: hosts },
  {
    method: "GET",
    path: "/api/hosts/:id",
    summary: "One SSH host, without its secrets.",
    access: "session",
    tags: hosts,
    errors: ["HOST_ERR_SSH_HOST_NOT_FOUND"],
  },
  {
    method: "POST",
    path: "/api/hosts",
    summary: "Adds an SSH host; its password or key is sealed in the vault.",
    access: "admin",
    tags: hosts,
    body: addSchema,
    errors: ["HOST_ERR_VALIDATION", "HOST_ERR_SSH_HOST_NAME_TAKEN", "HOST_ERR_SSH_KEY_INVALID", "module_required"],
  },
  {
    method: "PUT",
    path: "/api/hosts/:id",
    summary: "Edits an SSH host.",
    access: "admin",
    tags: hosts,
    body: editSchema,
    errors: ["HOST_ERR_SSH_HOST_NOT_FOUND", "HOST_ERR_SSH_HOST_NAME_TAKEN", "HOST_ERR_SSH_KEY_INVALID"],
  },
  {
    method: "DELETE",
    path: "/api/hosts/:id",
    summary: "Removes an SSH host and its secrets.",
    access: "admin",
    tags: hosts,
    errors: ["HOST_ERR_SSH_HOST_NOT_FOUND"],
  },
  {
    method: "POST",
    path: "/api/hosts/:id/test",
    summary: "Connects and signs in to an SSH host once, reporting its host key.",
    access: "admin",
    tags: hosts,
    errors: ["HOST_ERR_SSH_UNREACHABLE", "HOST_ERR_SSH_TIMEOUT", "HOST_ERR_SSH_AUTH_FAILED", "HOST_ERR_HOST_KEY_CHANGED", "HOST_ERR_HOST_KEY_UNTRUSTED"],
  },
  {
    method: "POST",
    path: "/api/hosts/:id/accept-host-key",
    summary: "Trusts the host key the SSH server last presented.",
    access: "admin",
    tags: hosts,
    body: acceptSchema,
    errors: ["HOST_ERR_SSH_HOST_KEY_NOT_PENDING"],
  },
  {
    method: "POST",
    path: "/api/hosts/import",
    summary: "Adds SSH hosts from an OpenSSH config, with their keys.",
    access: "admin",
    tags: hosts,
    body: importSchema,
    errors: ["HOST_ERR_VALIDATION", "module_required"],
  },

  { method: "GET", path: "/api/trust/publishers", summary: "The publishers this host trusts.", access: "admin", tags: ["trust"] },
  {
    method: "GET",
    path: "/api/trust/publishers/lookup/:fingerprint",
    summary: "A publisher the registry knows, by root key fingerprint.",
    access: "admin",
    tags: ["trust"],
    errors: ["HOST_ERR_PUBLISHER_NOT_FOUND", "HOST_ERR_NO_REGISTRY"],
  },
  {
    method: "POST",
    path: "/api/trust/publishers",
    summary: "Trusts a publisher, from the registry or from its root key and keyring.",
    access: "admin",
    tags: ["trust"],
    body: trustBody,
    errors: ["HOST_ERR_PUBLISHER_INVALID", "HOST_ERR_PUBLISHER_FINGERPRINT_MISMATCH", "HOST_ERR_PUBLISHER_SCOPE_RESERVED"],
  },
  { method: "DELETE", path: "/api/trust/publishers/:fingerprint", summary: "Stops trusting a publisher.", access: "admin", tags: ["trust"] },

  { method: "GET", path: "/api/plugins", summary: "The installed plugins with their state.", access: "session", tags: plugins },
  {
    method: "POST",
    path: "/api/plugins/install",
    summary: "Installs a signed plugin from an uploaded tarball (multipart `file`) or from the registry (JSON {ref} or {name, range}).",
    access: "admin",
    tags: plugins,
    rawBody: "multipart/form-data",
    errors: ["HOST_ERR_BAD_UPLOAD", "HOST_ERR_PACKAGE_REF_INVALID", "HOST_ERR_PERMISSIONS_NOT_ACCEPTED", "HOST_ERR_PLUGIN_VERIFY_FAILED", "module_required"],
  },
  { method: "POST", path: "/api/plugins/:id/enable", summary: "Enables a plugin.", access: "admin", tags: plugins, errors: ["HOST_ERR_PLUGIN_NOT_FOUND"] },
  {
    method: "POST",
    path: "/api/plugins/:id/disable",
    summary: "Disables a plugin (?withDependents=true stops its dependents too).",
    access: "admin",
    tags: plugins,
    errors: ["HOST_ERR_HAS_DEPENDENTS"],
  },
  { method: "POST", path: "/api/plugins/:id/pin", summary: "Pins a plugin at its version.", access: "admin", tags: plugins },
  { method: "POST", path: "/api/plugins/:id/unpin", summary: "Lets a pinned plugin update again.", access: "admin", tags: plugins },
  {
    method: "POST",
    path: "/api/plugins/:id/rollback",
    summary: "Returns to the kept previous version.",
    access: "admin",
    tags: plugins,
    errors: ["HOST_ERR_NO_PREVIOUS_VERSION"],
  },
  {
    method: "POST",
    path: "/api/plugins/:id/update",
    summary: "Updates within the plugin's update policy.",
    access: "admin",
    tags: plugins,
    errors: ["HOST_ERR_NO_REGISTRY", "HOST_ERR_PERMISSIONS_NOT_ACCEPTED"],
  },
  {
    method: "PUT",
    path: "/api/plugins/:id/policy",
    summary: "Sets the update policy: pinned, patch, minor or latest.",
    access: "admin",
    tags: plugins,
    errors: ["HOST_ERR_VALIDATION"],
  },
  {
    method: "DELETE",
    path: "/api/plugins/:id",
    summary: "Uninstalls a plugin (?purge=true deletes its data).",
    access: "admin",
    tags: plugins,
    errors: ["HOST_ERR_HAS_DEPENDENTS"],
  },
  { method: "GET", path: "/api/plugins/:id/settings", summary: "A plugin's settings with their defaults.", access: "session", tags: plugins },
  {
    method: "PUT",
    path: "/api/plugins/:id/settings",
    summary: "Stores a plugin's settings ({values}).",
    access: "admin",
    tags: plugins,
    errors: ["HOST_ERR_SETTINGS_INVALID", "HOST_ERR_VALIDATION"],
  },
  {
    method: "ALL",
    path: "/api/plugins/:id/*",
    summary: "A plugin's own API, answered by the plugin below its mount; its errors keep the wire shape.",
    access: "session",
    tags: plugins,
    errors: ["HOST_ERR_PLUGIN_NOT_FOUND", "HOST_ERR_PLUGIN_INACTIVE", "module_required"],
  },

  { method: "GET", path: "/api/ui/manifest", summary: "The web contributions of the active plugins.", access: "session", tags: ["ui"] },
  { method: "GET", path: "/api/ui/events", summary: "Server-sent events: UI manifest changes and plugin progress.", access: "session", tags: ["ui"] },
  {
    method: "GET",
    path: "/api/ui/assets/:id/:version/*",
    summary: "A file of a plugin's web build.",
    access: "session",
    tags: ["ui"],
    errors: ["HOST_ERR_NOT_FOUND"],
  },

  { method: "GET", path: "/api/license", summary: "The license this install holds.", access: "session", tags: license },
  {
    method: "POST",
    path: "/api/license/refresh",
    summary: "Fetches a fresh license from the registry now.",
    access: "admin",
    tags: license,
    errors: ["HOST_ERR_REGISTRY_UNREACHABLE", "HOST_ERR_LICENSE_INVALID"],
  },
  { method: "GET", path: "/api/catalog", summary: "The registry's modules and plugins, with what this install owns.", access: "session", tags: license },
  {
    method: "POST",
    path: "/api/catalog/checkout",
    summary: "Starts a purchase of a module or bundle ({slug}); answers the checkout URL.",
    access: "admin",
    tags: license,
    errors: ["HOST_ERR_VALIDATION", "HOST_ERR_REGISTRY_UNREACHABLE", "REG_ERR_UNKNOWN_SLUG", "REG_ERR_ALREADY_OWNED", "REG_ERR_MODULE_UNAVAILABLE"],
  },
];

/** The host's OpenAPI document. */
export function hostOpenApi(): OpenApiDocument {
  return openApiDocument(
    {
      title: "ArchNest host API",
      version: SDK_API_VERSION,
      description: "Every error answers {error, message, requestId}; the codes are listed in docs/errors-host.md.",
    },
    HOST_API_ROUTES,
  );
}
