import { type Keyring, type PublicKey, verifyKeyring } from "@archnest/sdk";

/** One trust anchor: root public keys and the keyring they sign. */
export interface TrustAnchor {
  rootKeys: readonly PublicKey[];
  /** The keyring envelope as parsed JSON. */
  keyring: unknown;
}

/** Persists the highest keyring version seen per root, so an older keyring is refused (rollback). */
export interface KeyringVersionStore {
  get(rootKeyid: string): Promise<number | undefined>;
  set(rootKeyid: string, version: number): Promise<void>;
}

/**
 * The keyrings this host trusts (the official one from signing-keys/, plus the dev one in dev mode),
 * verified against their roots and merged into one view for release verification.
 */
export class TrustStore {
  private merged: Keyring | undefined;
  private checkedAt = 0;

  constructor(
    private readonly anchors: readonly TrustAnchor[],
    private readonly versions: KeyringVersionStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Verifies every anchor (raising the remembered version) and returns the merged keyring. */
  async keyring(): Promise<Keyring> {
    const now = this.now();
    if (this.merged && now.getTime() - this.checkedAt < 60_000) return this.merged;
    const rings: Keyring[] = [];
    for (const anchor of this.anchors) {
      const rootId = anchor.rootKeys[0]?.keyid ?? "none";
      const seen = await this.versions.get(rootId);
      const ring = verifyKeyring(anchor.keyring, { rootKeys: anchor.rootKeys, now, ...(seen !== undefined && { minVersion: seen }) });
      if (seen === undefined || ring.document.version > seen) await this.versions.set(rootId, ring.document.version);
      rings.push(ring);
    }
    const first = rings[0];
    if (!first) throw new Error("No trust anchor is configured.");
    this.merged = {
      signedBy: first.signedBy,
      document: {
        ...first.document,
        keys: rings.flatMap((r) => r.document.keys),
        revoked: rings.flatMap((r) => r.document.revoked),
      },
    };
    this.checkedAt = now.getTime();
    return this.merged;
  }
}
