/**
 * @archnest/sdk/license: the registry's signed licenses and the install-signed requests a host sends the
 * registry. Used by the host and the registry; a plugin asks the host about licenses through
 * `ctx.limits`, never through this module.
 */
import { z } from "zod";
import { type Envelope, openEnvelope, PayloadTypes, signEnvelope } from "../crypto/dsse.js";
import type { KeyPair } from "../crypto/keys.js";
import { SdkError } from "../errors/index.js";
import { findKey, type Keyring, keyValidAt } from "../keyring/index.js";

export {
  INSTALL_REQUEST_HEADERS,
  INSTALL_REQUEST_MAX_SKEW_MS,
  type InstallRequestHeaders,
  installRequestCanonical,
  type ParsedInstallRequest,
  parseInstallRequestHeaders,
  type SignInstallRequestInput,
  signInstallRequest,
  type VerifiedInstallRequest,
  type VerifyInstallRequestInput,
  verifyInstallRequest,
} from "./install-request.js";

/** A license is valid for seven days after it is issued (docs/architecture.md section 4). */
export const LICENSE_VALIDITY_MS = 7 * 86_400_000;

/** Clock skew tolerated between the registry that issued a license and the host that checks it. */
export const LICENSE_DEFAULT_MAX_SKEW_MS = 10 * 60_000;

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 date");

/** Install ids are chosen by the registry; this keeps them printable and bounded. */
export const INSTALL_ID_PATTERN = /^[A-Za-z0-9_-]{8,100}$/;

const licenseSchema = z.strictObject({
  type: z.literal("archnest-license"),
  installId: z.string().regex(INSTALL_ID_PATTERN),
  modules: z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,99}$/)).max(1000),
  issuedAt: isoDate,
  validUntil: isoDate,
  sequence: z.number().int().min(1).max(Number.MAX_SAFE_INTEGER),
});

/** The signed license payload: which modules one install may run, and until when. */
export type LicenseDocument = z.infer<typeof licenseSchema>;

/** Input for {@link createLicense}. */
export interface CreateLicenseInput {
  installId: string;
  /** Module slugs, bundles already expanded to their members. */
  modules: readonly string[];
  /** Grows by at least one with every license issued to the install. */
  sequence: number;
  issuedAt?: Date;
}

/**
 * Builds and signs a license with a key of role "license". Modules are de-duplicated and sorted.
 *
 * @example
 * ```ts
 * const env = createLicense(licenseKey, { installId, modules: ["tmux", "rdp"], sequence: 3 });
 * ```
 */
export function createLicense(key: KeyPair, input: CreateLicenseInput): Envelope {
  const issuedAt = input.issuedAt ?? new Date();
  const doc: LicenseDocument = {
    type: "archnest-license",
    installId: input.installId,
    modules: [...new Set(input.modules)].sort(),
    issuedAt: issuedAt.toISOString(),
    validUntil: new Date(issuedAt.getTime() + LICENSE_VALIDITY_MS).toISOString(),
    sequence: input.sequence,
  };
  const checked = licenseSchema.safeParse(doc);
  if (!checked.success) {
    throw new SdkError("SDK_ERR_USAGE", `Invalid license: ${checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return signEnvelope(PayloadTypes.license, doc, [key]);
}

/** Options for {@link verifyLicense}. */
export interface VerifyLicenseOptions {
  /** A keyring already checked with verifyKeyring. */
  keyring: Keyring;
  /** This install's id: a license for another install is refused. */
  installId: string;
  now: Date;
  /** The highest sequence number already accepted; a lower one is a replay. Equal is accepted. */
  minSequence?: number;
  /** Clock skew tolerated for issuedAt and validUntil; ten minutes unless given. */
  maxSkewMs?: number;
}

/** A license that passed every check, and the key that signed it. */
export interface VerifiedLicense {
  document: LicenseDocument;
  signer: { keyid: string; name: string };
}

/** Separate class for expiry, so a host can branch to its grace handling (as tuf-js does). */
export class LicenseExpiredError extends SdkError {
  readonly validUntil: string;
  constructor(validUntil: string) {
    super("SDK_ERR_LICENSE_EXPIRED", `The license expired at ${validUntil}.`);
    this.validUntil = validUntil;
  }
}

/** Separate class for replay, so a host can keep the newer license it already holds. */
export class LicenseReplayError extends SdkError {
  constructor(seen: number, got: number) {
    super("SDK_ERR_LICENSE_REPLAYED", `License sequence ${got} is older than sequence ${seen}, which was already accepted.`);
  }
}

/**
 * Checks a license envelope (docs/architecture.md section 4), in order: it is a license (not a release or any other
 * kind), signed by a non-revoked key of role "license" that was valid when it signed, well-formed, issued
 * to this install, not issued in the future, not expired, and not older than a license already accepted.
 *
 * @example
 * ```ts
 * const { document } = verifyLicense(env, { keyring, installId, now: new Date(), minSequence: 4 });
 * document.modules; // ["rdp", "tmux"]
 * ```
 */
export function verifyLicense(envelope: unknown, opts: VerifyLicenseOptions): VerifiedLicense {
  const skew = opts.maxSkewMs ?? LICENSE_DEFAULT_MAX_SKEW_MS;
  // Step 1: type and signature; findKey throws SDK_ERR_KEY_REVOKED for a revoked key.
  const opened = openEnvelope(
    envelope,
    PayloadTypes.license,
    (id) => findKey(opts.keyring, id, "license")?.key,
    () => new SdkError("SDK_ERR_LICENSE_UNTRUSTED", "The license is not signed by a license key of the trusted keyring."),
  );
  const resolved = findKey(opts.keyring, opened.signer.keyid, "license");
  if (!resolved) throw new SdkError("SDK_ERR_LICENSE_UNTRUSTED", "The license is not signed by a license key.");
  // Step 2: shape.
  const parsed = licenseSchema.safeParse(opened.payload);
  if (!parsed.success) {
    throw new SdkError(
      "SDK_ERR_LICENSE_INVALID",
      "The license's content is not valid.",
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
    );
  }
  const doc = parsed.data;
  const issuedAt = Date.parse(doc.issuedAt);
  // Step 3: the key was allowed to sign licenses when this one was issued.
  if (!keyValidAt(resolved.entry, new Date(issuedAt))) {
    throw new SdkError("SDK_ERR_LICENSE_UNTRUSTED", `License key "${resolved.entry.name}" was not valid at ${doc.issuedAt}.`);
  }
  // Step 4: this install's license, inside its validity window (with skew), and not a replay.
  if (doc.installId !== opts.installId) {
    throw new SdkError("SDK_ERR_LICENSE_OTHER_INSTALL", `The license belongs to install ${doc.installId}, not ${opts.installId}.`);
  }
  const now = opts.now.getTime();
  if (issuedAt > now + skew) throw new SdkError("SDK_ERR_LICENSE_NOT_YET_VALID", `The license claims to be issued at ${doc.issuedAt}, in the future.`);
  if (Date.parse(doc.validUntil) + skew <= now) throw new LicenseExpiredError(doc.validUntil);
  if (opts.minSequence !== undefined && doc.sequence < opts.minSequence) throw new LicenseReplayError(opts.minSequence, doc.sequence);
  return { document: doc, signer: { keyid: resolved.entry.keyid, name: resolved.entry.name } };
}
