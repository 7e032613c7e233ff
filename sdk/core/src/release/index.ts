import { z } from "zod";
import { type Envelope, openEnvelope, PayloadTypes, signEnvelope } from "../crypto/dsse.js";
import type { KeyPair } from "../crypto/keys.js";
import { SdkError } from "../errors/index.js";
import { findKey, type Keyring, keyValidAt, scopeMatches } from "../keyring/index.js";
import { type PluginPackage, parsePluginPackage } from "../manifest/index.js";

/** Where the signed release statement sits inside a plugin tarball (beside package.json). */
export const RELEASE_ENVELOPE_PATH = "archnest-release.dsse.json";

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, "must be a hex SHA-256");

const statementSchema = z.strictObject({
  type: z.literal("archnest-release"),
  name: z.string().min(1).max(214),
  version: z.string().min(1).max(100),
  sdk: z.string().min(1).max(100),
  module: z.string().min(1).max(100),
  permissions: z.array(z.string().max(200)).max(50),
  signedAt: z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 date"),
  files: z.record(z.string().min(1).max(500), sha256Hex),
});

/** The signed release statement: what the author vouches for (docs/architecture.md section 3). */
export type ReleaseStatement = z.infer<typeof statementSchema>;

/**
 * Builds the release statement for a package from its package.json and the SHA-256 of every file.
 * File paths are relative to the package root (`package.json`, `dist/server.js`).
 */
export function createReleaseStatement(pkg: PluginPackage, files: ReadonlyMap<string, string>, signedAt: Date): ReleaseStatement {
  const sorted = [...files.entries()].filter(([p]) => p !== RELEASE_ENVELOPE_PATH).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return {
    type: "archnest-release",
    name: pkg.name,
    version: pkg.version,
    sdk: pkg.archnest.sdk,
    module: pkg.archnest.module,
    permissions: [...pkg.archnest.permissions],
    signedAt: signedAt.toISOString(),
    files: Object.fromEntries(sorted),
  };
}

/**
 * Signs a release statement with a release key.
 *
 * @example
 * ```ts
 * const env = signRelease(createReleaseStatement(pkg, hashes, new Date()), releaseKey);
 * ```
 */
export function signRelease(statement: ReleaseStatement, key: KeyPair): Envelope {
  return signEnvelope(PayloadTypes.release, statement, [key]);
}

/** What was observed in a package, for {@link verifyRelease}: file hashes and package.json as parsed JSON. */
export interface ObservedPackage {
  /** SHA-256 (hex) of every regular file, keyed by its path relative to package/ (the envelope excluded). */
  files: ReadonlyMap<string, string>;
  packageJson: unknown;
  /** The release envelope found in the package, or undefined when there is none. */
  envelope: unknown;
}

/** A package that passed every check. */
export interface VerifiedRelease {
  statement: ReleaseStatement;
  pkg: PluginPackage;
  signer: { keyid: string; name: string };
}

/** The key ids named by an envelope's signatures (empty when it has none or is malformed). */
function signerKeyids(envelope: unknown): string[] {
  const sigs = (envelope as { signatures?: unknown } | null)?.signatures;
  if (!Array.isArray(sigs)) return [];
  return sigs.map((s) => (s as { keyid?: unknown } | null)?.keyid).filter((k): k is string => typeof k === "string" && /^[0-9a-f]{64}$/.test(k));
}

/** Clock skew tolerated between a signer's clock and ours. */
const MAX_FUTURE_SKEW_MS = 10 * 60_000;

/**
 * Every check of docs/architecture.md section 3 that needs no IO, in order. Throws an {@link SdkError} naming the
 * first check that failed.
 *
 * @example
 * ```ts
 * const verified = verifyRelease(observed, keyring, new Date());
 * verified.signer.name; // "archnest-ci"
 * ```
 */
export function verifyRelease(observed: ObservedPackage, keyring: Keyring, now: Date): VerifiedRelease {
  // Step 1: the package carries a signed statement.
  if (observed.envelope === undefined) {
    throw new SdkError("SDK_ERR_SIGNATURE_MISSING", "The package is not signed: it carries no release statement.");
  }
  // Step 2: the statement is a release (not a license or keyring), signed by a release key of the keyring
  // that is not revoked.
  const opened = openEnvelope(
    observed.envelope,
    PayloadTypes.release,
    (id) => findKey(keyring, id, "release")?.key,
    // The signers' key ids travel in `details`, so a host can name the key and the publisher that owns it.
    () =>
      new SdkError("SDK_ERR_KEY_UNKNOWN", "The package is signed by a key that the keyring does not list as a release key.", signerKeyids(observed.envelope)),
  );
  const parsed = statementSchema.safeParse(opened.payload);
  if (!parsed.success) {
    throw new SdkError(
      "SDK_ERR_STATEMENT_INVALID",
      "The signed release statement is malformed.",
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
    );
  }
  const statement = parsed.data;
  const resolved = findKey(keyring, opened.signer.keyid, "release");
  if (!resolved) throw new SdkError("SDK_ERR_KEY_UNKNOWN", "The signing key is not a release key.");
  const { entry } = resolved;

  // Step 3: the key may sign this package name, and was valid when it signed.
  if (!(entry.scopes ?? []).some((p) => scopeMatches(p, statement.name))) {
    throw new SdkError("SDK_ERR_KEY_SCOPE", `Key "${entry.name}" may sign ${(entry.scopes ?? []).join(", ") || "nothing"}, not ${statement.name}.`);
  }
  const signedAt = new Date(statement.signedAt);
  if (signedAt.getTime() > now.getTime() + MAX_FUTURE_SKEW_MS) {
    throw new SdkError("SDK_ERR_KEY_NOT_VALID", `The package claims to be signed in the future (${statement.signedAt}).`);
  }
  if (!keyValidAt(entry, signedAt)) {
    throw new SdkError(
      "SDK_ERR_KEY_NOT_VALID",
      `Key "${entry.name}" is valid from ${entry.validFrom}${entry.validUntil ? ` until ${entry.validUntil}` : ""}, but signed at ${statement.signedAt}.`,
    );
  }

  // Step 4: package.json is this package and agrees with what was signed.
  const pkg = parsePluginPackage(observed.packageJson);
  if (pkg.name !== statement.name || pkg.version !== statement.version) {
    throw new SdkError(
      "SDK_ERR_PACKAGE_MISMATCH",
      `package.json says ${pkg.name}@${pkg.version}, but the signature is for ${statement.name}@${statement.version}.`,
    );
  }
  const samePermissions = JSON.stringify([...pkg.archnest.permissions].sort()) === JSON.stringify([...statement.permissions].sort());
  if (pkg.archnest.sdk !== statement.sdk || pkg.archnest.module !== statement.module || !samePermissions) {
    throw new SdkError("SDK_ERR_PACKAGE_MISMATCH", "package.json's SDK range, module or permissions differ from the signed statement.");
  }

  // Step 5: every listed file is present with its hash, and nothing unlisted is present.
  for (const [path, expected] of Object.entries(statement.files)) {
    const actual = observed.files.get(path);
    if (actual === undefined) throw new SdkError("SDK_ERR_FILE_MISSING", `The signed file ${path} is missing from the package.`, [path]);
    if (actual !== expected) throw new SdkError("SDK_ERR_FILE_HASH_MISMATCH", `The file ${path} was changed after signing.`, [path]);
  }
  for (const path of observed.files.keys()) {
    if (!Object.hasOwn(statement.files, path)) {
      throw new SdkError("SDK_ERR_FILE_UNLISTED", `The file ${path} is not covered by the signature.`, [path]);
    }
  }
  return { statement, pkg, signer: { keyid: entry.keyid, name: entry.name } };
}
