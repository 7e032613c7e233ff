/**
 * The SDK's Node-only half: reading, extracting, packing and signing tarballs, key files, private data
 * folders, and capped request bodies for the services. The pure
 * checks these call live in the package's root entry.
 */

export { createDockerLender, DockerConnectError } from "./docker-lender.js";
export { findPrivateKeys, type PrivateKeyFinding } from "./find-private-keys.js";
export { privateKeyFromEnv, readPrivateKeyFile, readPublicKeyFile, writeKeyPairFiles } from "./keys-io.js";
export { discardUnread, LINGER_MS, limitedBody } from "./limited-body.js";
export {
  type ApiAccess,
  type ApiMethod,
  type ApiRoute,
  apiCoverage,
  ERROR_BODY_SCHEMA,
  type InspectedRoute,
  type JsonSchema,
  type OpenApiDocument,
  type OpenApiOperation,
  openApiDocument,
  openApiPath,
} from "./openapi-document.js";
export { listPackFiles, type PackOptions, packFileList, packPlugin, readPluginPackage, refusePrivateKeys, writeTarball } from "./pack.js";
export { isPrivateAddress } from "./private-address.js";
export { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, privateDir, privateFile } from "./private-dir.js";
export { readPluginDir } from "./read-dir.js";
export { checkEntryPath, DEFAULT_TARBALL_LIMITS, type ReadTarball, type ReadTarballOptions, readPluginTarball, type TarballLimits } from "./read-tarball.js";
export { type BodyCapOf, enforceBodyLimit, type GuardedContext, hasMalformedPath } from "./request-limits.js";
export { type SignTarballOptions, signTarball } from "./sign-tarball.js";
export { configureEveryConnection, type PooledSqlClient } from "./sqlite-connections.js";
export { type TrustInput, type VerifyOutcome, type VerifyTarballOptions, verifyPluginTarball } from "./verify-tarball.js";
