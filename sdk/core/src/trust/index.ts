/**
 * @archnest/sdk/trust: the signing and verification core the host, the registry and the CLI share: Ed25519
 * keys, DSSE envelopes, keyrings and their rotation, publisher scopes, signed releases and the status index.
 * Pure (no file or network IO); `@archnest/sdk/node` reads and writes tarballs and key files. Plugin
 * authors never need it: `archnest-plugin` signs their releases.
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
} from "../crypto/dsse.js";
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
} from "../crypto/keys.js";
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
} from "../keyring/index.js";
export { keyScopeWithin, mergeKeyrings, type PublisherAnchor, publisherKeyringProblems, publisherScope, restrictKeyring } from "../publisher/index.js";
export {
  createReleaseStatement,
  type ObservedPackage,
  RELEASE_ENVELOPE_PATH,
  type ReleaseStatement,
  signRelease,
  type VerifiedRelease,
  verifyRelease,
} from "../release/index.js";
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
} from "../status/index.js";
