import { z } from "zod";
import { type Envelope, openEnvelope, PayloadTypes, signEnvelope } from "../crypto/dsse.js";
import { type KeyPair, keyIdOf, type PublicKey, publicKeyFromRaw } from "../crypto/keys.js";
import { KeyringExpiredError, KeyringRollbackError, SdkError } from "../errors/index.js";

/** What a key in the keyring may sign (docs/architecture.md section 3). */
export type KeyRole = "release" | "license" | "index";

const isoDate = z.string().refine((s) => !Number.isNaN(Date.parse(s)), "must be an ISO 8601 date");

const scopePattern = z.string().regex(/^(@[a-z0-9][a-z0-9._-]*\/)?([a-z0-9*][a-z0-9._*-]*)$/, "must be a package name or a pattern such as @acme/*");

const keyEntrySchema = z.strictObject({
  keyid: z.string().regex(/^[0-9a-f]{64}$/),
  name: z.string().min(1).max(100),
  publicKey: z.string().regex(/^[A-Za-z0-9+/]{43}=$/, "must be 32 bytes in base64"),
  roles: z.array(z.enum(["release", "license", "index"])).min(1),
  /** Package-name patterns a release key may sign; required for release keys. */
  scopes: z.array(scopePattern).optional(),
  validFrom: isoDate,
  validUntil: isoDate.optional(),
});

const keyringSchema = z
  .strictObject({
    type: z.literal("archnest-keyring"),
    version: z.number().int().min(1),
    issuedAt: isoDate,
    expires: isoDate,
    keys: z.array(keyEntrySchema).max(1000),
    revoked: z.array(z.strictObject({ keyid: z.string().regex(/^[0-9a-f]{64}$/), revokedAt: isoDate, reason: z.string().max(500) })).max(10000),
  })
  .superRefine((doc, ctx) => {
    const ids = new Set<string>();
    for (const [i, k] of doc.keys.entries()) {
      // A signature is looked up by key id but checked with publicKey: the two must name the same key.
      if (keyIdOf(Buffer.from(k.publicKey, "base64")) !== k.keyid) {
        ctx.addIssue({ code: "custom", message: "keyid is not the SHA-256 of publicKey", path: ["keys", i, "keyid"] });
      }
      if (ids.has(k.keyid)) ctx.addIssue({ code: "custom", message: "the key is listed twice", path: ["keys", i, "keyid"] });
      ids.add(k.keyid);
      if (k.roles.includes("release") && (k.scopes ?? []).length === 0) {
        ctx.addIssue({ code: "custom", message: "a release key needs at least one scope", path: ["keys", i, "scopes"] });
      }
    }
  });

export type KeyEntry = z.infer<typeof keyEntrySchema>;
export type KeyringDocument = z.infer<typeof keyringSchema>;

/** A keyring whose root signature, expiry and version have been checked. */
export interface Keyring {
  readonly document: KeyringDocument;
  /** The root key that signed it. */
  readonly signedBy: string;
}

/**
 * True when a package name matches a scope pattern: `@acme/*` covers `@acme/x` but not `@acme-evil/x`
 * or `@acme/x/y`; a pattern without `*` matches one name exactly.
 */
export function scopeMatches(pattern: string, packageName: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replaceAll("*", "[^/@]*")}$`);
  return re.test(packageName);
}

/** Input for one key when creating or rotating a keyring. */
export interface KeyringKeyInput {
  key: PublicKey;
  name: string;
  roles: KeyRole[];
  scopes?: string[];
  validFrom?: Date;
  validUntil?: Date;
}

/** Options for {@link createKeyring}. */
export interface CreateKeyringOptions {
  version?: number;
  now?: Date;
  /** How long the keyring stays valid; one year unless given. */
  lifetimeDays?: number;
  keys: KeyringKeyInput[];
  revoked?: KeyringDocument["revoked"];
}

function entryFor(k: KeyringKeyInput, now: Date): KeyEntry {
  if (k.roles.includes("release") && (!k.scopes || k.scopes.length === 0)) {
    throw new SdkError("SDK_ERR_USAGE", `Release key "${k.name}" needs at least one scope (for example @acme/*).`);
  }
  const entry: KeyEntry = {
    keyid: k.key.keyid,
    name: k.name,
    publicKey: Buffer.from(k.key.publicKey).toString("base64"),
    roles: k.roles,
    validFrom: (k.validFrom ?? now).toISOString(),
  };
  if (k.scopes) entry.scopes = k.scopes;
  if (k.validUntil) entry.validUntil = k.validUntil.toISOString();
  return entry;
}

/**
 * Builds and signs a keyring with the root key(s).
 *
 * @example
 * ```ts
 * const env = createKeyring([root], { keys: [{ key: release, name: "ci", roles: ["release"], scopes: ["@archnest/*"] }] });
 * ```
 */
export function createKeyring(rootKeys: readonly KeyPair[], opts: CreateKeyringOptions): Envelope {
  const now = opts.now ?? new Date();
  const doc: KeyringDocument = {
    type: "archnest-keyring",
    version: opts.version ?? 1,
    issuedAt: now.toISOString(),
    expires: new Date(now.getTime() + (opts.lifetimeDays ?? 365) * 86_400_000).toISOString(),
    keys: opts.keys.map((k) => entryFor(k, now)),
    revoked: opts.revoked ?? [],
  };
  const checked = keyringSchema.safeParse(doc);
  if (!checked.success)
    throw new SdkError("SDK_ERR_USAGE", `Invalid keyring: ${checked.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return signEnvelope(PayloadTypes.keyring, doc, rootKeys);
}

/**
 * Re-issues a keyring under a higher version: keys added, keys revoked (kept listed as revoked so that
 * every host refuses them), lifetime renewed. Signed again by the root.
 *
 * @example
 * ```ts
 * const next = rotateKeyring([root], current, { add: [{ key: newKey, name: "ci-2026", roles: ["release"], scopes: ["@archnest/*"] }], revoke: [{ keyid: old.keyid, reason: "rotated" }] });
 * ```
 */
export function rotateKeyring(
  rootKeys: readonly KeyPair[],
  current: Keyring,
  change: { add?: KeyringKeyInput[]; revoke?: { keyid: string; reason: string }[]; now?: Date; lifetimeDays?: number },
): Envelope {
  const now = change.now ?? new Date();
  const doc = current.document;
  const revoked = [...doc.revoked];
  for (const r of change.revoke ?? []) {
    if (!doc.keys.some((k) => k.keyid === r.keyid)) throw new SdkError("SDK_ERR_USAGE", `Key ${r.keyid} is not in the keyring.`);
    if (!revoked.some((x) => x.keyid === r.keyid)) revoked.push({ keyid: r.keyid, revokedAt: now.toISOString(), reason: r.reason });
  }
  const added = (change.add ?? []).map((k) => entryFor(k, now));
  for (const a of added) {
    if (doc.keys.some((k) => k.keyid === a.keyid)) throw new SdkError("SDK_ERR_USAGE", `Key ${a.keyid} is already in the keyring.`);
  }
  const next: KeyringDocument = {
    ...doc,
    version: doc.version + 1,
    issuedAt: now.toISOString(),
    expires: new Date(now.getTime() + (change.lifetimeDays ?? 365) * 86_400_000).toISOString(),
    keys: [...doc.keys, ...added],
    revoked,
  };
  return signEnvelope(PayloadTypes.keyring, next, rootKeys);
}

/** Options for {@link verifyKeyring}. */
export interface VerifyKeyringOptions {
  /** The trusted root public keys (from signing-keys/ or, in dev mode, the data folder). */
  rootKeys: readonly PublicKey[];
  now: Date;
  /** The highest keyring version already accepted; an older one is a rollback. */
  minVersion?: number;
}

/**
 * Checks a keyring envelope: signed by a trusted root, well-formed, not expired, not older than one seen.
 *
 * @example
 * ```ts
 * const keyring = verifyKeyring(JSON.parse(text), { rootKeys: [root], now: new Date(), minVersion: 3 });
 * ```
 */
export function verifyKeyring(envelope: unknown, opts: VerifyKeyringOptions): Keyring {
  const roots = new Map(opts.rootKeys.map((k) => [k.keyid, k]));
  const opened = openEnvelope(
    envelope,
    PayloadTypes.keyring,
    (id) => roots.get(id),
    () => new SdkError("SDK_ERR_KEYRING_UNTRUSTED", "The keyring is not signed by a trusted root key."),
  );
  const parsed = keyringSchema.safeParse(opened.payload);
  if (!parsed.success) {
    throw new SdkError(
      "SDK_ERR_KEYRING_INVALID",
      "The keyring's content is not valid.",
      parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`),
    );
  }
  const doc = parsed.data;
  if (Date.parse(doc.expires) <= opts.now.getTime()) throw new KeyringExpiredError(doc.expires);
  if (opts.minVersion !== undefined && doc.version < opts.minVersion) throw new KeyringRollbackError(opts.minVersion, doc.version);
  return { document: doc, signedBy: opened.signer.keyid };
}

/** A keyring entry resolved for use: the key itself plus its entry. */
export interface ResolvedKey {
  entry: KeyEntry;
  key: PublicKey;
}

/**
 * Looks up a key for a role. Unknown keys give `undefined`; a revoked key throws SDK_ERR_KEY_REVOKED so
 * that no signature by it is ever accepted, whatever time it claims.
 */
export function findKey(keyring: Keyring, keyid: string, role: KeyRole): ResolvedKey | undefined {
  const entry = keyring.document.keys.find((k) => k.keyid === keyid && k.roles.includes(role));
  if (!entry) return undefined;
  const revoked = keyring.document.revoked.find((r) => r.keyid === keyid);
  if (revoked) {
    throw new SdkError("SDK_ERR_KEY_REVOKED", `Key "${entry.name}" (${keyid.slice(0, 16)}) was revoked at ${revoked.revokedAt}: ${revoked.reason}`);
  }
  return { entry, key: publicKeyFromRaw(new Uint8Array(Buffer.from(entry.publicKey, "base64"))) };
}

/** True when `at` lies inside the key's validity window. */
export function keyValidAt(entry: KeyEntry, at: Date): boolean {
  const t = at.getTime();
  return t >= Date.parse(entry.validFrom) && (entry.validUntil === undefined || t <= Date.parse(entry.validUntil));
}
