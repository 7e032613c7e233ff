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
export { PERMISSIONS, type Permission, type PluginManifest, type PluginPackage, parsePluginPackage } from "./manifest/index.js";
export {
  type DefinedPlugin,
  type Disposable,
  definePlugin,
  type FetchHandler,
  isDefinedPlugin,
  type Json,
  type LimitState,
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
export {
  createReleaseStatement,
  type ObservedPackage,
  RELEASE_ENVELOPE_PATH,
  type ReleaseStatement,
  signRelease,
  type VerifiedRelease,
  verifyRelease,
} from "./release/index.js";
