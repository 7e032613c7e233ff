/**
 * The plugin runtime: verification, atomic installs, activation with a time box, gating, disposal, the
 * admin API, the UI manifest and the WebSocket gateway.
 */

export { type AttachPluginsOptions, attachPlugins } from "./attach.js";
export { type Entitlements, FileEntitlements, StaticEntitlements } from "./entitlements.js";
export { type PackageRef, packumentPath, parsePackageRef, tarballPath } from "./package-ref.js";
export { PluginError } from "./plugin-errors.js";
export type { PluginRecord, PluginState, UpdatePolicy } from "./plugin-repo.js";
export {
  type PluginApiEnv,
  type PluginApiOptions,
  pluginApi,
  presentPlugin,
  type RegistryInstaller,
  type RegistryInstallOutcome,
  rangeFor,
  type UpdateResult,
} from "./routes.js";
export {
  displayNameOf,
  type FaultPoint,
  type InstallOptions,
  PluginRuntime,
  type RemoveOptions,
  type RuntimeLog,
  type RuntimeOptions,
  type UiManifest,
} from "./runtime.js";
export { type KeyringVersionStore, type TrustAnchor, TrustStore } from "./trust-store.js";
export { UiEvents } from "./ui-events.js";
export { createWsGateway, type WsGatewayOptions } from "./ws-gateway.js";
