export { type CreateHostOptions, createHost, type Host, type UpgradeHeaders } from "./app.js";
export {
  CSRF_HEADER,
  type LoginRateLimits,
  PUBLIC_API_ROUTES,
  requireRole,
  SESSION_COOKIE,
  type Session,
  SessionStore,
  setupCodeFile,
} from "./auth/index.js";
export { type BootOptions, bootHost, trustAnchors } from "./boot.js";
export { type Db, schema } from "./db/index.js";
export { type EnvSource, type HostConfig, loadEnv, type MasterKeySource } from "./env.js";
export { HOST_ERRORS, HostError, type HostErrorCode, isHostError } from "./errors/index.js";
export { CatalogOffers, HOST_LIMITS, HostGate, type ModuleCatalog } from "./gate/index.js";
export type { AppEnv, AppVariables } from "./http/index.js";
export { LicenseClient, type LicenseStatus, RegistryClient } from "./license/index.js";
export { createLogger, type Logger, type LogLevel } from "./log/index.js";
export {
  type AttachPluginsOptions,
  attachPlugins,
  type Entitlements,
  FileEntitlements,
  PluginError,
  type PluginRecord,
  PluginRuntime,
  StaticEntitlements,
  type TrustAnchor,
  type UiManifest,
} from "./plugins/index.js";
export { type ServeHostOptions, serveHost, serverUrl } from "./server/index.js";
export {
  attachSsh,
  hostKeyFingerprint,
  parseSshConfig,
  SftpError,
  type SshConnectionState,
  type SshHostView,
  type SshProbeResult,
  SshService,
} from "./ssh/index.js";
export { Vault } from "./vault/index.js";
