/**
 * The host's HTTP contract as the web app uses it: types only. The 402 body comes from `@archnest/sdk/web`,
 * the one plugins receive too.
 */
import type { PageContribution, SettingSchema, SlotContribution } from "@archnest/sdk/manifest";

export type { ModuleRequiredBody } from "@archnest/sdk/web";

export type Role = "admin" | "member";

export interface User {
  id: string;
  username: string;
  role: Role;
}

/** 409 from an install or update whose permissions the admin has not accepted yet. */
export interface PermissionsNotAcceptedBody {
  error: "HOST_ERR_PERMISSIONS_NOT_ACCEPTED";
  message?: string;
  permissions: string[];
}

// --- auth -------------------------------------------------------------------------------------------

/** GET /api/setup */
export interface SetupStatus {
  needsSetup?: boolean;
}

/** POST /api/setup and POST /api/auth/login */
export interface Credentials {
  username: string;
  password: string;
}

/** POST /api/setup: the admin's credentials and the one-time code the host printed when it started. */
export interface SetupRequest extends Credentials {
  setupCode: string;
}

/** POST /api/setup, POST /api/auth/login, GET /api/auth/me */
export interface Session {
  user: User;
  csrfToken: string;
}

/** POST /api/auth/password */
export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

// --- UI manifest --------------------------------------------------------------------------------------

// The contribution shapes are the manifest's own: the host serves them as the plugin declared them.
export type { PageContribution, SettingSchema, SlotContribution } from "@archnest/sdk/manifest";

export interface UiPlugin {
  id: string;
  /** The npm package name. */
  name: string;
  /** The manifest's displayName, shown to people. */
  displayName?: string;
  version: string;
  module: string;
  /** `/api/ui/assets/<id>/<version>/<path>`, or null for a plugin without web entry. */
  web: string | null;
  slots: SlotContribution[];
  pages: PageContribution[];
  settings: Record<string, SettingSchema>;
}

/** GET /api/ui/manifest: the UI of the active plugins. */
export interface UiManifest {
  /** Grows on every change; the SSE `manifest` event carries it. */
  version: number;
  plugins: UiPlugin[];
}

/** SSE `manifest` event data. */
export interface ManifestEvent {
  version: number;
}

export type InstallPhase = "download" | "verify" | "activate" | "done" | "error";

/** SSE `install` event data. */
export interface InstallEvent {
  id: string;
  phase: InstallPhase;
  /** 0..1 */
  progress: number;
  message?: string;
}

// --- plugins --------------------------------------------------------------------------------------------

export type PluginState = "active" | "disabled" | "failed" | "locked" | "revoked";
export type UpdatePolicy = "pinned" | "patch" | "minor" | "latest";
export type PluginSource = "core" | "file" | "registry";

/** GET /api/plugins item */
export interface InstalledPlugin {
  id: string;
  /** The npm package name. */
  name: string;
  /** The manifest's displayName, shown to people. */
  displayName?: string;
  version: string;
  /** The version Roll back goes to (the newest kept older version), or null. */
  previousVersion: string | null;
  /** Every kept older version, newest first. */
  previousVersions: string[];
  highestSeenVersion: string | null;
  state: PluginState;
  error: string | null;
  errorCode: string | null;
  policy: UpdatePolicy;
  /** The policy a pin replaced, which unpin restores. */
  pinnedFrom: UpdatePolicy | null;
  source: PluginSource;
  module: string;
  signer: { keyid: string; name: string } | null;
  permissions: string[];
  grantedPermissions: string[];
  /** Unix time in milliseconds. */
  installedAt: number;
  /** Unix time in milliseconds. */
  updatedAt: number;
  /** Ids of the active plugins that stop if this one is disabled or uninstalled. */
  dependents?: string[];
}

/** POST /api/plugins/:id/update: the plugin as it is now, and what the update did. */
export interface UpdateResponse extends InstalledPlugin {
  result: "updated" | "up-to-date" | "pinned";
}

/** 409 HOST_ERR_HAS_DEPENDENTS: the ids of the plugins that would stop too. */
export interface HasDependentsBody {
  error: "HOST_ERR_HAS_DEPENDENTS";
  message: string;
  dependents: string[];
}

export type PluginAction = "enable" | "disable" | "pin" | "unpin" | "rollback";

/** DELETE /api/plugins/:id */
export interface UninstallResult {
  ok: boolean;
  dataKept: boolean;
}

/** GET/PUT /api/plugins/:id/settings */
export interface PluginSettingsValues {
  values: Record<string, string | number | boolean | null>;
}

// --- license and store ----------------------------------------------------------------------------

export type LicenseState = "valid" | "grace" | "expired" | "unregistered";

/** GET /api/license */
export interface LicenseStatus {
  state: LicenseState;
  modules: string[];
  validUntil: string | null;
  lastCheck: string | null;
  /** What the last check failed with (null after a good one): a message and its stable HOST_ERR_* code. */
  lastError?: string | null;
  lastErrorCode?: string | null;
  daysLeft: number | null;
}

/** The body of a failed POST /api/license/refresh: the code, and the license state still held. */
export interface LicenseCheckFailure {
  error: string;
  message: string;
  license?: LicenseStatus;
}

export interface CatalogPlugin {
  name: string;
  displayName: string;
  description: string;
  module: string;
  price: string;
  bundles: string[];
  latest: string;
  /** The newest version built for the SDK this host implements (what Update can reach), or null. */
  latestForHost: string | null;
  free: boolean;
  /** What this host has installed of it, or null. */
  installed: { id: string; version: string; state: PluginState } | boolean | null;
  owned: boolean;
}

export interface CatalogModule {
  slug: string;
  name: string;
  description: string;
  price: string;
  /** The bundles that hold it. */
  bundles: string[];
  owned: boolean;
  /** A plugin package to install, or an entitlement that lifts a free cap (`lifts`) with nothing to install. */
  delivery: "package" | "entitlement";
  lifts?: string;
  /** False until the registry can deliver it: the store shows "Coming soon" and does not sell it alone. */
  available: boolean;
}

export interface CatalogBundle {
  slug: string;
  name: string;
  modules: string[];
  price: string;
  /** What its modules cost one by one. */
  separately?: string;
  saving: string;
  owned: boolean;
  /** On sale: at least one of its modules is available. */
  available: boolean;
  /** Its modules available now, and those its license covers when they arrive. */
  availableNow: string[];
  comingLater: string[];
}

/** GET /api/catalog */
export interface Catalog {
  plugins: CatalogPlugin[];
  modules: CatalogModule[];
  bundles: CatalogBundle[];
}

/** POST /api/catalog/checkout */
export interface CheckoutResponse {
  url: string;
}

// --- preferences ----------------------------------------------------------------------------------

/** `glance.layout`: widget keys are `<pluginId>:<contributionId>`. */
export interface GlanceLayout {
  order: string[];
  hidden: string[];
}

/** GET /api/prefs/:key */
export interface PrefValue<T> {
  value: T | null;
}
