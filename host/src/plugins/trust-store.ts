import { type Keyring, keyScopeWithin, mergeKeyrings, type PublicKey, restrictKeyring, verifyKeyring } from "@archnest/sdk/trust";

/** One trust anchor: root public keys and the keyring they sign. */
export interface TrustAnchor {
  rootKeys: readonly PublicKey[];
  /** The keyring envelope as parsed JSON. */
  keyring: unknown;
}

/** A publisher the admin trusts (docs/plugin-format.md, "Trusted publishers"), as stored in the host DB. */
export interface PublisherTrust {
  fingerprint: string;
  name: string;
  /** Whole npm scopes, `@acme/*`. */
  scopes: readonly string[];
  rootKey: PublicKey;
  keyring: unknown;
}

/** Persists the highest keyring version seen per root, so an older keyring is refused (rollback). */
export interface KeyringVersionStore {
  get(rootKeyid: string): Promise<number | undefined>;
  set(rootKeyid: string, version: number): Promise<void>;
}

/** The scope every first-party package lives in; no publisher may ever sign inside it. */
export const FIRST_PARTY_SCOPE = "@archnest/*";

/** Who a release key belongs to when it comes from a trusted publisher rather than an official root. */
export interface KeyOwner {
  fingerprint: string;
  name: string;
}

/**
 * The keyrings this host trusts (the official one from signing-keys/, plus the dev one in dev mode, plus
 * the trusted publishers' keyrings limited to their scopes), verified against their roots and merged
 * into one view for release verification. Everything comes from local data: verifying never calls the
 * registry, so an offline host keeps verifying what it trusts.
 */
export class TrustStore {
  private merged: Keyring | undefined;
  private owners = new Map<string, KeyOwner>();
  private checkedAt = 0;

  constructor(
    private readonly anchors: readonly TrustAnchor[],
    private readonly versions: KeyringVersionStore,
    private readonly now: () => Date = () => new Date(),
    /** The trusted publishers, read afresh after {@link invalidate}. */
    private readonly publishers: () => Promise<readonly PublisherTrust[]> = async () => [],
    /** Told about a publisher whose keyring no longer verifies (expired, rolled back); it is left out. */
    private readonly onSkipped: (publisher: PublisherTrust, reason: string) => void = () => {},
  ) {}

  /** Forgets the merged view, so the next verification reads the trusted publishers again. */
  invalidate(): void {
    this.merged = undefined;
  }

  /** The official keyrings only (what a publisher's scopes must stay clear of). */
  async officialKeyring(): Promise<Keyring> {
    return this.verifyOfficial(this.now());
  }

  private async verifyOfficial(now: Date): Promise<Keyring> {
    const rings: Keyring[] = [];
    for (const anchor of this.anchors) rings.push(await this.verifyAnchor(anchor.rootKeys, anchor.keyring, now));
    if (rings.length === 0) throw new Error("No trust anchor is configured.");
    return mergeKeyrings(rings);
  }

  private async verifyAnchor(rootKeys: readonly PublicKey[], envelope: unknown, now: Date): Promise<Keyring> {
    const rootId = rootKeys[0]?.keyid ?? "none";
    const seen = await this.versions.get(rootId);
    const ring = verifyKeyring(envelope, { rootKeys, now, ...(seen !== undefined && { minVersion: seen }) });
    if (seen === undefined || ring.document.version > seen) await this.versions.set(rootId, ring.document.version);
    return ring;
  }

  /** Verifies every anchor (raising the remembered version) and returns the merged keyring. */
  async keyring(): Promise<Keyring> {
    const now = this.now();
    if (this.merged && now.getTime() - this.checkedAt < 60_000) return this.merged;
    const official = await this.verifyOfficial(now);
    const officialScopes = official.document.keys.flatMap((k) => k.scopes ?? []);
    const rings: Keyring[] = [official];
    const owners = new Map<string, KeyOwner>();
    const officialIds = new Set(official.document.keys.map((k) => k.keyid));
    for (const p of await this.publishers()) {
      let ring: Keyring;
      try {
        ring = await this.verifyAnchor([p.rootKey], p.keyring, now);
      } catch (err) {
        this.onSkipped(p, (err as Error).message);
        continue;
      }
      // A publisher never signs inside the first-party scope or a scope an official key covers, whatever
      // its stored scopes say: the official root keeps those.
      const scopes = p.scopes.filter((s) => s !== FIRST_PARTY_SCOPE && !officialScopes.some((o) => keyScopeWithin(o, [s]) || keyScopeWithin(s, [o])));
      const usable = restrictKeyring(ring, scopes);
      rings.push(usable);
      for (const k of usable.document.keys) if (!officialIds.has(k.keyid)) owners.set(k.keyid, { fingerprint: p.fingerprint, name: p.name });
    }
    this.merged = mergeKeyrings(rings);
    this.owners = owners;
    this.checkedAt = now.getTime();
    return this.merged;
  }

  /** The highest keyring version this host has accepted from a root, if any (rollback protection). */
  seenVersion(rootKeyid: string): Promise<number | undefined> {
    return this.versions.get(rootKeyid);
  }

  /** The trusted publisher a release key belongs to, or undefined for official keys and unknown ones. */
  async ownerOf(keyid: string): Promise<KeyOwner | undefined> {
    await this.keyring();
    return this.owners.get(keyid);
  }
}
