/**
 * @archnest/sdk: what ArchNest plugin authors, the host, the registry and the CLI share. This entry is
 * pure (no file or network IO); `@archnest/sdk/node` holds the tarball and key-file IO.
 */
export {
  type Envelope,
  type OpenedEnvelope,
  openEnvelope,
  type PayloadType,
  PayloadTypes,
  parseEnvelope,
  preAuthEncoding,
  signEnvelope,
} from "./crypto/dsse.js";
export {
  generateKeyPair,
  type KeyPair,
  keyIdOf,
  keyPairFromSeed,
  type PublicKey,
  parsePrivateKeyPem,
  parsePublicKeyPem,
  privateKeyToPem,
  publicKeyFromRaw,
  publicKeyToPem,
} from "./crypto/keys.js";
export { isSdkError, KeyringExpiredError, KeyringRollbackError, SDK_ERRORS, SdkError, type SdkErrorCode } from "./errors/index.js";
export {
  type CreateKeyringOptions,
  createKeyring,
  findKey,
  type KeyEntry,
  type KeyRole,
  type Keyring,
  type KeyringDocument,
  type KeyringKeyInput,
  keyValidAt,
  type ResolvedKey,
  rotateKeyring,
  scopeMatches,
  type VerifyKeyringOptions,
  verifyKeyring,
} from "./keyring/index.js";
export {
  type CreateLicenseInput,
  createLicense,
  INSTALL_ID_PATTERN,
  INSTALL_REQUEST_HEADERS,
  INSTALL_REQUEST_MAX_SKEW_MS,
  type InstallRequestHeaders,
  installRequestCanonical,
  LICENSE_DEFAULT_MAX_SKEW_MS,
  LICENSE_VALIDITY_MS,
  type LicenseDocument,
  LicenseExpiredError,
  LicenseReplayError,
  type ParsedInstallRequest,
  parseInstallRequestHeaders,
  type SignInstallRequestInput,
  signInstallRequest,
  type VerifiedInstallRequest,
  type VerifiedLicense,
  type VerifyInstallRequestInput,
  type VerifyLicenseOptions,
  verifyInstallRequest,
  verifyLicense,
} from "./license/index.js";
export { PERMISSIONS, type Permission, type PluginManifest, type PluginPackage, parsePluginPackage } from "./manifest/index.js";
// Everything in ssh.ts, docker.ts and fetch.ts is public API: the lent capabilities, their types, error
// guards, permission maps and the outbound host rules the host and the test context share.
export * from "./plugin/docker.js";
export * from "./plugin/fetch.js";
export {
  type DefinedPlugin,
  type Disposable,
  definePlugin,
  type FetchHandler,
  isDefinedPlugin,
  type Json,
  type LimitState,
  type MountOptions,
  type PluginContext,
  type PluginDefinition,
  type PluginEvents,
  type PluginInfo,
  type PluginLimits,
  type PluginLogger,
  type PluginRequestEnv,
  type PluginRoutes,
  type PluginSecrets,
  type PluginServices,
  type PluginSettings,
  type PluginSocket,
  type PluginStorage,
  type PluginWebSockets,
  type RequestUser,
  SDK_API_VERSION,
} from "./plugin/index.js";
export * from "./plugin/ssh.js";
export { keyScopeWithin, mergeKeyrings, type PublisherAnchor, publisherKeyringProblems, publisherScope, restrictKeyring } from "./publisher/index.js";
export {
  createReleaseStatement,
  type ObservedPackage,
  RELEASE_ENVELOPE_PATH,
  type ReleaseStatement,
  signRelease,
  type VerifiedRelease,
  verifyRelease,
} from "./release/index.js";
export {
  type CreateStatusIndexInput,
  createStatusIndex,
  STATUS_DEFAULT_TTL_MS,
  type StatusIndexDocument,
  statusOfVersion,
  type VerifiedStatusIndex,
  type VerifyStatusIndexOptions,
  type VersionStatus,
  verifyStatusIndex,
} from "./status/index.js";
