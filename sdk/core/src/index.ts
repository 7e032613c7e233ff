/**
 * @archnest/sdk: the SDK's error catalogue, and for 1.x every name it exported before the subpaths split it.
 *
 * Import what you need from its subpath instead:
 * - `@archnest/sdk/plugin`: a plugin's server entry (`definePlugin`, `PluginContext`, `ctx.ssh`);
 * - `@archnest/sdk/web`: a plugin's web entry;
 * - `@archnest/sdk/testing`: a plugin's tests;
 * - `@archnest/sdk/manifest`: the package.json manifest schema and its types (browser-safe);
 * - `@archnest/sdk/trust`: keys, DSSE envelopes, keyrings, releases and the status index (host, registry, CLI);
 * - `@archnest/sdk/license`: licenses and signed install requests (host and registry);
 * - `@archnest/sdk/node`: tarball and key-file IO.
 *
 * This entry is pure (no file or network IO).
 */
export {
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type Envelope,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type OpenedEnvelope,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  openEnvelope,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type PayloadType,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  PayloadTypes,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  parseEnvelope,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  preAuthEncoding,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  signEnvelope,
} from "./crypto/dsse.js";
export {
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  generateKeyPair,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type KeyPair,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  keyIdOf,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  keyPairFromSeed,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type PublicKey,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  parsePrivateKeyPem,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  parsePublicKeyPem,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  privateKeyToPem,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  publicKeyFromRaw,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  publicKeyToPem,
} from "./crypto/keys.js";
export {
  type CatalogueCode,
  type CatalogueErrorClass,
  CodedError,
  type CodedErrorOptions,
  defineErrors,
  type ErrorBody,
  type ErrorCatalogue,
  type ErrorEntry,
  type ErrorSpec,
  errorBody,
  errorResponse,
  isCodedError,
  isSdkError,
  KeyringExpiredError,
  KeyringRollbackError,
  SDK_ERRORS,
  SdkError,
  type SdkErrorCode,
  SdkErrors,
} from "./errors/index.js";
export {
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type CreateKeyringOptions,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  createKeyring,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  findKey,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type KeyEntry,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type KeyRole,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type Keyring,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type KeyringDocument,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type KeyringKeyInput,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  keyValidAt,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type ResolvedKey,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  rotateKeyring,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  scopeMatches,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type VerifyKeyringOptions,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  verifyKeyring,
} from "./keyring/index.js";
export {
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  type CreateLicenseInput,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  createLicense,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  INSTALL_ID_PATTERN,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  INSTALL_REQUEST_HEADERS,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  INSTALL_REQUEST_MAX_SKEW_MS,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  type InstallRequestHeaders,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  installRequestCanonical,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  LICENSE_DEFAULT_MAX_SKEW_MS,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  LICENSE_VALIDITY_MS,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  type LicenseDocument,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  LicenseExpiredError,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  LicenseReplayError,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  type ParsedInstallRequest,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  parseInstallRequestHeaders,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  type SignInstallRequestInput,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  signInstallRequest,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  type VerifiedInstallRequest,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  type VerifiedLicense,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  type VerifyInstallRequestInput,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  type VerifyLicenseOptions,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  verifyInstallRequest,
  /** @deprecated Import from `@archnest/sdk/license` instead. */
  verifyLicense,
} from "./license/index.js";
export {
  /** @deprecated Import from `@archnest/sdk/manifest` instead. */
  PERMISSIONS,
  /** @deprecated Import from `@archnest/sdk/manifest` instead. */
  type Permission,
  /** @deprecated Import from `@archnest/sdk/manifest` instead. */
  type PluginManifest,
  /** @deprecated Import from `@archnest/sdk/manifest` instead. */
  type PluginPackage,
  /** @deprecated Import from `@archnest/sdk/manifest` instead. */
  parsePluginPackage,
} from "./manifest/index.js";
export {
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type DefinedPlugin,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type Disposable,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  definePlugin,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type FetchHandler,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  isDefinedPlugin,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type Json,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type LimitState,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type MountOptions,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginContext,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginDefinition,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginEvents,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginInfo,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginLimits,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginLogger,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginRequestEnv,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginRoutes,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginSecrets,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginServices,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginSettings,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginSocket,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginStorage,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginWebSockets,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type RequestUser,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  SDK_API_VERSION,
} from "./plugin/index.js";
export {
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  isSshError,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type PluginSsh,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  SSH_PERMISSIONS,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshAuthMethod,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshErrorCode,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshErrorFields,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshExecOptions,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshExecResult,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshFileEntry,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshFileHandle,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshFileStat,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshFileType,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshHostSummary,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshLocalForwardOptions,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshOpenFlags,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshRemoteForwardOptions,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshRouter,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshSftp,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshShell,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshShellOptions,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshTunnel,
  /** @deprecated Import from `@archnest/sdk/plugin` instead. */
  type SshTunnelStats,
} from "./plugin/ssh.js";
export {
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  keyScopeWithin,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  mergeKeyrings,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type PublisherAnchor,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  publisherKeyringProblems,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  publisherScope,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  restrictKeyring,
} from "./publisher/index.js";
export {
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  createReleaseStatement,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type ObservedPackage,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  RELEASE_ENVELOPE_PATH,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type ReleaseStatement,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  signRelease,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type VerifiedRelease,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  verifyRelease,
} from "./release/index.js";
export {
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type CreateStatusIndexInput,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  createStatusIndex,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  STATUS_DEFAULT_TTL_MS,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type StatusIndexDocument,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  statusOfVersion,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type VerifiedStatusIndex,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type VerifyStatusIndexOptions,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  type VersionStatus,
  /** @deprecated Import from `@archnest/sdk/trust` instead. */
  verifyStatusIndex,
} from "./status/index.js";
