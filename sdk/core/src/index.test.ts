import { describe, expect, it } from "vitest";
import * as root from "./index.js";
import * as license from "./license/index.js";
import * as manifest from "./manifest/index.js";
import * as plugin from "./plugin/index.js";
import * as trust from "./trust/index.js";

/** Every value `@archnest/sdk` exported in 1.0: each stays importable from the root for the whole of 1.x. */
const ROOT_1_0 = [
  "INSTALL_ID_PATTERN",
  "INSTALL_REQUEST_HEADERS",
  "INSTALL_REQUEST_MAX_SKEW_MS",
  "KeyringExpiredError",
  "KeyringRollbackError",
  "LICENSE_DEFAULT_MAX_SKEW_MS",
  "LICENSE_VALIDITY_MS",
  "LicenseExpiredError",
  "LicenseReplayError",
  "PERMISSIONS",
  "PayloadTypes",
  "RELEASE_ENVELOPE_PATH",
  "SDK_API_VERSION",
  "SDK_ERRORS",
  "SSH_PERMISSIONS",
  "STATUS_DEFAULT_TTL_MS",
  "SdkError",
  "createKeyring",
  "createLicense",
  "createReleaseStatement",
  "createStatusIndex",
  "definePlugin",
  "findKey",
  "generateKeyPair",
  "installRequestCanonical",
  "isDefinedPlugin",
  "isSdkError",
  "isSshError",
  "keyIdOf",
  "keyPairFromSeed",
  "keyScopeWithin",
  "keyValidAt",
  "mergeKeyrings",
  "openEnvelope",
  "parseEnvelope",
  "parseInstallRequestHeaders",
  "parsePluginPackage",
  "parsePrivateKeyPem",
  "parsePublicKeyPem",
  "preAuthEncoding",
  "privateKeyToPem",
  "publicKeyFromRaw",
  "publicKeyToPem",
  "publisherKeyringProblems",
  "publisherScope",
  "restrictKeyring",
  "rotateKeyring",
  "scopeMatches",
  "signEnvelope",
  "signInstallRequest",
  "signRelease",
  "statusOfVersion",
  "verifyInstallRequest",
  "verifyKeyring",
  "verifyLicense",
  "verifyRelease",
  "verifyStatusIndex",
];

const subpaths: Record<string, Record<string, unknown>> = { trust, license, manifest, plugin };

describe("the root entry through 1.x", () => {
  it("still exports every 1.0 value, as the same object its subpath exports", () => {
    const exported = root as Record<string, unknown>;
    expect(ROOT_1_0.filter((name) => exported[name] === undefined)).toEqual([]);
    // A moved name is an alias of the subpath's, not a second copy (instanceof and identity hold across both).
    const moved = ROOT_1_0.flatMap((name) => Object.entries(subpaths).flatMap(([entry, mod]) => (name in mod ? [[name, entry, mod[name]] as const] : [])));
    expect(moved.filter(([name, , value]) => exported[name] !== value)).toEqual([]);
    expect(moved.length).toBeGreaterThan(40);
  });

  it("hands the host, registry and CLI their internals on subpaths", () => {
    expect(Object.keys(trust)).toEqual(expect.arrayContaining(["createKeyring", "rotateKeyring", "signEnvelope", "verifyRelease", "verifyStatusIndex"]));
    expect(Object.keys(license)).toEqual(expect.arrayContaining(["createLicense", "verifyLicense", "signInstallRequest", "verifyInstallRequest"]));
    expect(Object.keys(plugin)).not.toContain("createKeyring");
  });
});
