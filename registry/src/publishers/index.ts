import { isSdkError } from "@archnest/sdk";
import {
  type Keyring,
  type PublicKey,
  type PublisherAnchor,
  parsePublicKeyPem,
  publicKeyToPem,
  publisherKeyringProblems,
  publisherScope,
  restrictKeyring,
  scopeMatches,
  verifyKeyring,
} from "@archnest/sdk/trust";
import { eq, inArray } from "drizzle-orm";
import type { RegistryDb } from "../db/index.js";
import { authors, publisherKeys, publisherScopes, publishers } from "../db/schema.js";
import { RegistryError } from "../errors/index.js";

/** The first-party scope, reserved whatever the official keyring lists. */
const RESERVED_SCOPE = "@archnest/*";

type PublisherRow = typeof publishers.$inferSelect;

/** What a registration sends. */
export interface PublisherRegistration {
  name: string;
  scopes: readonly string[];
  /** SPKI PEM. */
  rootPublicKey: string;
  keyring: unknown;
}

function rootKeyOf(pem: string): PublicKey {
  try {
    return parsePublicKeyPem(pem);
  } catch (err) {
    throw new RegistryError("REG_ERR_PUBLISHER_KEYRING", `rootPublicKey is not an Ed25519 public key in PEM form${isSdkError(err) ? `: ${err.message}` : "."}`);
  }
}

function checkedKeyring(envelope: unknown, root: PublicKey, now: Date): Keyring {
  try {
    return verifyKeyring(envelope, { rootKeys: [root], now });
  } catch (err) {
    if (!isSdkError(err)) throw err;
    throw new RegistryError("REG_ERR_PUBLISHER_KEYRING", `The keyring does not verify against the root key ${root.keyid}: ${err.message} [${err.code}]`, {
      ...(err.details.length > 0 && { details: err.details }),
    });
  }
}

/**
 * Trusted publishers (docs/plugin-format.md, "Trusted publishers"): outside authors register themselves
 * with their own root key and keyring, scoped to npm scopes nobody else owns, and publish free plugins
 * signed by their own release keys.
 */
export function createPublishers(db: RegistryDb, official: Keyring, now: () => Date) {
  function anchorOf(row: PublisherRow, scopes: string[]): PublisherAnchor & { createdAt: string } {
    return {
      name: row.name,
      scopes,
      fingerprint: row.fingerprint,
      rootPublicKey: row.rootPublicKey,
      keyring: JSON.parse(row.keyring) as unknown,
      createdAt: new Date(row.createdAt).toISOString(),
    };
  }

  async function scopesOf(fingerprint: string): Promise<string[]> {
    const rows = await db.select().from(publisherScopes).where(eq(publisherScopes.fingerprint, fingerprint));
    return rows.map((r) => r.scope).sort();
  }

  /** Refuses scopes that are first-party, covered by the official keyring, or owned by an author. */
  async function checkScopesFree(scopes: readonly string[]): Promise<void> {
    const prefix = (s: string) => s.slice(0, -1);
    for (const scope of scopes) {
      const officialKey = official.document.keys.find((k) =>
        (k.scopes ?? []).some((p) => p === scope || p.startsWith(prefix(scope)) || scopeMatches(p, `${prefix(scope)}x`)),
      );
      if (scope === RESERVED_SCOPE || officialKey) throw new RegistryError("REG_ERR_SCOPE_RESERVED", `${scope} is reserved for ArchNest's official packages.`);
    }
    const authorRows = await db.select({ scopes: authors.scopes }).from(authors);
    for (const row of authorRows) {
      for (const owned of JSON.parse(row.scopes) as string[]) {
        const hit = scopes.find((s) => owned === s || owned.startsWith(prefix(s)) || scopeMatches(owned, `${prefix(s)}x`));
        if (hit) throw new RegistryError("REG_ERR_SCOPE_TAKEN", `${hit} is already owned by another author.`);
      }
    }
    const taken = await db
      .select()
      .from(publisherScopes)
      .where(inArray(publisherScopes.scope, [...scopes]));
    if (taken[0]) throw new RegistryError("REG_ERR_SCOPE_TAKEN", `${taken[0].scope} is already owned by another publisher.`);
  }

  /** Refuses a keyring whose keys reach outside the publisher, or list a key someone else holds. */
  async function checkKeys(keyring: Keyring, scopes: readonly string[], fingerprint: string): Promise<void> {
    const problems = publisherKeyringProblems(keyring, scopes);
    const ids = keyring.document.keys.map((k) => k.keyid);
    for (const k of keyring.document.keys) {
      if (official.document.keys.some((o) => o.keyid === k.keyid)) problems.push(`key "${k.name}" (${k.keyid.slice(0, 16)}) is an official key`);
    }
    if (ids.length > 0) {
      for (const other of await db.select().from(publisherKeys).where(inArray(publisherKeys.keyid, ids))) {
        if (other.fingerprint !== fingerprint) problems.push(`key ${other.keyid.slice(0, 16)} is already listed by another publisher`);
      }
    }
    if (problems.length > 0)
      throw new RegistryError("REG_ERR_PUBLISHER_KEY_OUTSIDE", `The keyring reaches outside the publisher: ${problems.join("; ")}.`, { details: problems });
  }

  async function register(input: PublisherRegistration, tokenHash: string): Promise<PublisherAnchor> {
    let scopes: string[];
    try {
      scopes = [...new Set(input.scopes.map(publisherScope))].sort();
    } catch (err) {
      throw new RegistryError("REG_ERR_BAD_REQUEST", isSdkError(err) ? `scopes: ${err.message}` : "scopes: invalid");
    }
    const root = rootKeyOf(input.rootPublicKey);
    const keyring = checkedKeyring(input.keyring, root, now());
    const [existing] = await db.select().from(publishers).where(eq(publishers.fingerprint, root.keyid));
    if (existing) throw new RegistryError("REG_ERR_PUBLISHER_EXISTS", `The root key ${root.keyid} is already registered as "${existing.name}".`);
    const [named] = await db.select().from(publishers).where(eq(publishers.name, input.name));
    if (named) throw new RegistryError("REG_ERR_PUBLISHER_EXISTS", `A publisher named "${input.name}" is already registered.`);
    await checkScopesFree(scopes);
    await checkKeys(keyring, scopes, root.keyid);
    const row = {
      fingerprint: root.keyid,
      name: input.name,
      rootPublicKey: publicKeyToPem(root),
      keyring: JSON.stringify(input.keyring),
      keyringVersion: keyring.document.version,
      tokenHash,
      createdAt: now().getTime(),
    };
    try {
      // One batch is one transaction: a scope or key taken by a racing registration undoes all of it.
      await db.batch([
        db.insert(publishers).values(row),
        db.insert(publisherScopes).values(scopes.map((scope) => ({ scope, fingerprint: root.keyid }))),
        ...(keyring.document.keys.length > 0
          ? [db.insert(publisherKeys).values(keyring.document.keys.map((k) => ({ keyid: k.keyid, fingerprint: root.keyid })))]
          : []),
      ]);
    } catch (err) {
      if (/UNIQUE|constraint/i.test(String((err as Error).message ?? err))) {
        throw new RegistryError("REG_ERR_SCOPE_TAKEN", "A scope, key or name was registered by someone else at the same moment; check and retry.");
      }
      throw err;
    }
    return anchorOf(row as PublisherRow, scopes);
  }

  async function get(fingerprint: string): Promise<PublisherAnchor & { createdAt: string }> {
    const [row] = await db.select().from(publishers).where(eq(publishers.fingerprint, fingerprint.toLowerCase()));
    if (!row) throw new RegistryError("REG_ERR_PUBLISHER_NOT_FOUND", `No publisher has the fingerprint ${fingerprint}.`);
    return anchorOf(row, await scopesOf(row.fingerprint));
  }

  async function byKey(keyid: string): Promise<PublisherAnchor & { createdAt: string }> {
    const [key] = await db.select().from(publisherKeys).where(eq(publisherKeys.keyid, keyid.toLowerCase()));
    if (!key) throw new RegistryError("REG_ERR_PUBLISHER_NOT_FOUND", `No publisher lists the key ${keyid}.`);
    return get(key.fingerprint);
  }

  /** The publisher a token belongs to, or undefined. */
  async function byTokenHash(tokenHash: string): Promise<{ fingerprint: string; scopes: string[]; keyring: Keyring } | undefined> {
    const [row] = await db.select().from(publishers).where(eq(publishers.tokenHash, tokenHash));
    if (!row) return undefined;
    const scopes = await scopesOf(row.fingerprint);
    const keyring = checkedKeyring(JSON.parse(row.keyring) as unknown, rootKeyOf(row.rootPublicKey), now());
    return { fingerprint: row.fingerprint, scopes, keyring: restrictKeyring(keyring, scopes) };
  }

  /** Replaces the keyring with one of a higher version signed by the same root. */
  async function rotate(fingerprint: string, tokenHash: string, envelope: unknown): Promise<PublisherAnchor> {
    const [row] = await db.select().from(publishers).where(eq(publishers.fingerprint, fingerprint.toLowerCase()));
    if (!row || row.tokenHash !== tokenHash) throw new RegistryError("REG_ERR_AUTH", "The token does not belong to this publisher.");
    const scopes = await scopesOf(row.fingerprint);
    const keyring = checkedKeyring(envelope, rootKeyOf(row.rootPublicKey), now());
    if (keyring.document.version <= row.keyringVersion) {
      throw new RegistryError(
        "REG_ERR_PUBLISHER_KEYRING_VERSION",
        `The keyring's version ${keyring.document.version} is not higher than ${row.keyringVersion}.`,
      );
    }
    await checkKeys(keyring, scopes, row.fingerprint);
    const known = new Set((await db.select().from(publisherKeys).where(eq(publisherKeys.fingerprint, row.fingerprint))).map((k) => k.keyid));
    const added = keyring.document.keys.filter((k) => !known.has(k.keyid));
    await db.batch([
      db
        .update(publishers)
        .set({ keyring: JSON.stringify(envelope), keyringVersion: keyring.document.version })
        .where(eq(publishers.fingerprint, row.fingerprint)),
      ...(added.length > 0 ? [db.insert(publisherKeys).values(added.map((k) => ({ keyid: k.keyid, fingerprint: row.fingerprint })))] : []),
    ]);
    return get(row.fingerprint);
  }

  return { register, get, byKey, byTokenHash, rotate };
}

export type Publishers = ReturnType<typeof createPublishers>;
