import semver from "semver";
import { z } from "zod";
import { type Envelope, openEnvelope, PayloadTypes, signEnvelope } from "../crypto/dsse.js";
import type { KeyPair } from "../crypto/keys.js";
import { SdkError } from "../errors/index.js";
import { findKey, type Keyring, keyValidAt } from "../keyring/index.js";

/** The status index expires after a day unless told otherwise: short, so a revocation reaches hosts fast. */
export const STATUS_DEFAULT_TTL_MS = 86_400_000;

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 date");
const packageName = z
  .string()
  .max(214)
  .regex(/^(@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/);
const version = z
  .string()
  .max(100)
  .refine((v) => semver.valid(v) !== null, "must be a semver version");

const statusSchema = z.strictObject({
  type: z.literal("archnest-status"),
  issuedAt: isoDate,
  expires: isoDate,
  latest: z.record(packageName, version),
  revoked: z.array(z.strictObject({ name: packageName, version, reason: z.string().max(1000) })).max(100_000),
  minimumSafe: z.record(packageName, version),
});

/** The signed status index: latest versions, revoked versions with a reason, minimum safe versions. */
export type StatusIndexDocument = z.infer<typeof statusSchema>;

/** Input for {@link createStatusIndex}. */
export interface CreateStatusIndexInput {
  latest: Readonly<Record<string, string>>;
  revoked: readonly { name: string; version: string; reason: string }[];
  minimumSafe: Readonly<Record<string, string>>;
  issuedAt?: Date;
  ttlMs?: number;
}

/**
 * Builds and signs the status index with a key of role "index".
 *
 * @example
 * ```ts
 * const env = createStatusIndex(indexKey, { latest: { "@archnest/tmux": "1.2.0" }, revoked: [], minimumSafe: {} });
 * ```
 */
export function createStatusIndex(key: KeyPair, input: CreateStatusIndexInput): Envelope {
  const issuedAt = input.issuedAt ?? new Date();
  const doc: StatusIndexDocument = {
    type: "archnest-status",
    issuedAt: issuedAt.toISOString(),
    expires: new Date(issuedAt.getTime() + (input.ttlMs ?? STATUS_DEFAULT_TTL_MS)).toISOString(),
    latest: { ...input.latest },
    revoked: input.revoked.map((r) => ({ name: r.name, version: r.version, reason: r.reason })),
    minimumSafe: { ...input.minimumSafe },
  };
  const checked = statusSchema.safeParse(doc);
  if (!checked.success) {
    throw new SdkError("SDK_ERR_USAGE", `Invalid status index: ${checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return signEnvelope(PayloadTypes.status, doc, [key]);
}

/** Options for {@link verifyStatusIndex}. */
export interface VerifyStatusIndexOptions {
  keyring: Keyring;
  now: Date;
  /** issuedAt of the newest index already accepted; an older one is a rollback. */
  minIssuedAt?: string;
  /** Clock skew tolerated on expiry and issuedAt; ten minutes unless given. */
  maxSkewMs?: number;
}

/** A status index that passed every check. */
export interface VerifiedStatusIndex {
  document: StatusIndexDocument;
  signer: { keyid: string; name: string };
}

/**
 * Checks a status index envelope: type, signature by a non-revoked "index" key valid at issue time,
 * schema, not expired, not issued in the future, not older than one already accepted.
 *
 * @example
 * ```ts
 * const { document } = verifyStatusIndex(env, { keyring, now: new Date() });
 * ```
 */
export function verifyStatusIndex(envelope: unknown, opts: VerifyStatusIndexOptions): VerifiedStatusIndex {
  const skew = opts.maxSkewMs ?? 10 * 60_000;
  const opened = openEnvelope(
    envelope,
    PayloadTypes.status,
    (id) => findKey(opts.keyring, id, "index")?.key,
    () => new SdkError("SDK_ERR_STATUS_UNTRUSTED", "The status index is not signed by an index key of the trusted keyring."),
  );
  const resolved = findKey(opts.keyring, opened.signer.keyid, "index");
  if (!resolved) throw new SdkError("SDK_ERR_STATUS_UNTRUSTED", "The status index is not signed by an index key.");
  const parsed = statusSchema.safeParse(opened.payload);
  if (!parsed.success) {
    throw new SdkError(
      "SDK_ERR_STATUS_INVALID",
      "The status index's content is not valid.",
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
    );
  }
  const doc = parsed.data;
  const issuedAt = Date.parse(doc.issuedAt);
  if (!keyValidAt(resolved.entry, new Date(issuedAt))) {
    throw new SdkError("SDK_ERR_STATUS_UNTRUSTED", `Index key "${resolved.entry.name}" was not valid at ${doc.issuedAt}.`);
  }
  const now = opts.now.getTime();
  if (issuedAt > now + skew) throw new SdkError("SDK_ERR_STATUS_INVALID", `The status index claims to be issued at ${doc.issuedAt}, in the future.`);
  if (Date.parse(doc.expires) + skew <= now) throw new SdkError("SDK_ERR_STATUS_EXPIRED", `The status index expired at ${doc.expires}.`);
  if (opts.minIssuedAt !== undefined && issuedAt < Date.parse(opts.minIssuedAt)) {
    throw new SdkError("SDK_ERR_STATUS_ROLLBACK", `The status index of ${doc.issuedAt} is older than one of ${opts.minIssuedAt} already seen.`);
  }
  return { document: doc, signer: { keyid: resolved.entry.keyid, name: resolved.entry.name } };
}

/** What the status index says about one installed version. */
export interface VersionStatus {
  /** The revocation reason, when this exact version is revoked. */
  revoked?: string;
  /** True when the index names a minimum safe version above this one. */
  belowMinimumSafe: boolean;
  /** The minimum safe version, when one is named. */
  minimumSafe?: string;
  /** The latest published version, when the index names one. */
  latest?: string;
}

/**
 * Looks up one package version in a verified status index, so the host can disable a revoked or unsafe
 * version and offer the fix (the latest version).
 *
 * @example
 * ```ts
 * const s = statusOfVersion(index.document, "@archnest/tmux", "1.0.0");
 * if (s.revoked) disable("@archnest/tmux", s.revoked, s.latest);
 * ```
 */
export function statusOfVersion(doc: StatusIndexDocument, name: string, installed: string): VersionStatus {
  const out: VersionStatus = { belowMinimumSafe: false };
  const revoked = doc.revoked.find((r) => r.name === name && r.version === installed);
  if (revoked) out.revoked = revoked.reason;
  const min = Object.hasOwn(doc.minimumSafe, name) ? doc.minimumSafe[name] : undefined;
  if (min !== undefined) {
    out.minimumSafe = min;
    out.belowMinimumSafe = semver.valid(installed) !== null && semver.lt(installed, min);
  }
  const latest = Object.hasOwn(doc.latest, name) ? doc.latest[name] : undefined;
  if (latest !== undefined) out.latest = latest;
  return out;
}
