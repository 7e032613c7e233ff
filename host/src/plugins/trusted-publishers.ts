import { isSdkError } from "@archnest/sdk";
import {
  type Keyring,
  keyScopeWithin,
  type PublicKey,
  parsePublicKeyPem,
  publicKeyToPem,
  publisherKeyringProblems,
  publisherScope,
  verifyKeyring,
} from "@archnest/sdk/trust";
import { eq } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { trustedPublishers } from "../db/schema.js";
import { HostError } from "../errors/index.js";
import type { RegistryClient } from "../license/registry-client.js";
import { FIRST_PARTY_SCOPE, type PublisherTrust, type TrustStore } from "./trust-store.js";

/** A trusted publisher as the API and the UI show it. */
export interface TrustedPublisherView {
  fingerprint: string;
  name: string;
  scopes: string[];
  keyringVersion: number;
  /** Release keys the keyring lists. */
  keys: { keyid: string; name: string; scopes: string[] }[];
  addedAt: string;
}

/** What the registry says about a fingerprint, shown before the admin confirms. */
export interface PublisherPreview {
  fingerprint: string;
  name: string;
  scopes: string[];
  keys: { keyid: string; name: string; scopes: string[] }[];
}

/** A trust request: by fingerprint (the anchor comes from the registry) or, offline, the anchor itself. */
export type TrustRequest = { fingerprint: string } | { rootPublicKey: string; keyring: unknown; name?: string | undefined; scopes?: string[] | undefined };

interface RegistryAnchor {
  name?: unknown;
  scopes?: unknown;
  fingerprint?: unknown;
  rootPublicKey?: unknown;
  keyring?: unknown;
}

const FINGERPRINT = /^[0-9a-f]{64}$/;

/** The hint every refusal of an unknown key ends with: where and how a publisher is trusted. */
export function trustHint(fingerprint: string): string {
  return `Trust the publisher with fingerprint ${fingerprint} in Settings → Plugins → Trusted publishers, or run \`archnest-plugin trust add ${fingerprint} --host <url>\`.`;
}

function keysOf(ring: Keyring): TrustedPublisherView["keys"] {
  return ring.document.keys.map((k) => ({ keyid: k.keyid, name: k.name, scopes: k.scopes ?? [] }));
}

/**
 * The publishers this host trusts beside the official root, kept in its database: adding one fetches
 * its anchor from the registry (checking the root key really has the fingerprint asked for) or takes it
 * from the admin on an offline host; every change drops the trust cache and re-checks installed plugins,
 * so it takes effect without a restart.
 */
export class TrustedPublishers {
  constructor(
    private readonly db: Db,
    private readonly trust: TrustStore,
    private readonly applied: () => Promise<void>,
    private readonly registry: RegistryClient | undefined,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The stored publishers, for the TrustStore. */
  async anchors(): Promise<PublisherTrust[]> {
    const rows = await this.db.select().from(trustedPublishers);
    return rows.map((r) => ({
      fingerprint: r.fingerprint,
      name: r.name,
      scopes: JSON.parse(r.scopes) as string[],
      rootKey: parsePublicKeyPem(r.rootPublicKey),
      keyring: JSON.parse(r.keyring) as unknown,
    }));
  }

  async list(): Promise<TrustedPublisherView[]> {
    const rows = await this.db.select().from(trustedPublishers).orderBy(trustedPublishers.name);
    return rows.map((r) => {
      const envelope = JSON.parse(r.keyring) as unknown;
      let ring: Keyring | undefined;
      try {
        ring = verifyKeyring(envelope, { rootKeys: [parsePublicKeyPem(r.rootPublicKey)], now: this.now() });
      } catch {
        ring = undefined;
      }
      return {
        fingerprint: r.fingerprint,
        name: r.name,
        scopes: JSON.parse(r.scopes) as string[],
        keyringVersion: ring?.document.version ?? 0,
        keys: ring ? keysOf(ring) : [],
        addedAt: new Date(r.addedAt).toISOString(),
      };
    });
  }

  private async fetchAnchor(path: string): Promise<RegistryAnchor | undefined> {
    if (!this.registry)
      throw new HostError("HOST_ERR_NO_REGISTRY", "No registry is configured: trust the publisher from its root.pub and keyring.json instead.");
    const res = await this.registry.get(path);
    if (res.status === 404) return undefined;
    if (res.status !== 200 || typeof res.body !== "object" || res.body === null) {
      throw new HostError("HOST_ERR_REGISTRY_UNREACHABLE", `The registry answered ${res.status} for ${path}.`);
    }
    return res.body as RegistryAnchor;
  }

  /** What the registry says about a fingerprint, checked as {@link add} would check it, without storing it. */
  async preview(fingerprint: string): Promise<PublisherPreview> {
    const { name, scopes, ring } = await this.fromRegistry(fingerprint);
    return { fingerprint, name, scopes, keys: keysOf(ring) };
  }

  private async fromRegistry(fingerprint: string): Promise<{ name: string; scopes: string[]; root: PublicKey; envelope: unknown; ring: Keyring }> {
    const fp = fingerprint.toLowerCase();
    if (!FINGERPRINT.test(fp)) throw new HostError("HOST_ERR_VALIDATION", "fingerprint: must be 64 hex characters (the publisher's root key id)");
    const anchor = await this.fetchAnchor(`/v1/publishers/${fp}`);
    if (!anchor) throw new HostError("HOST_ERR_PUBLISHER_NOT_FOUND", `The registry knows no publisher with the fingerprint ${fp}.`);
    const root = this.rootKey(anchor.rootPublicKey);
    // The registry is not trusted to say which key has this fingerprint: the key it sends must hash to it.
    if (root.keyid !== fp) throw new HostError("HOST_ERR_PUBLISHER_FINGERPRINT_MISMATCH", `The registry sent root key ${root.keyid} for fingerprint ${fp}.`);
    const checked = await this.check(root, anchor.keyring, Array.isArray(anchor.scopes) ? anchor.scopes.map(String) : undefined);
    return { name: typeof anchor.name === "string" && anchor.name ? anchor.name : `publisher ${fp.slice(0, 16)}`, root, envelope: anchor.keyring, ...checked };
  }

  private rootKey(pem: unknown): PublicKey {
    try {
      return parsePublicKeyPem(String(pem));
    } catch (err) {
      throw new HostError("HOST_ERR_PUBLISHER_INVALID", `The root key is not an Ed25519 public key in PEM form${isSdkError(err) ? `: ${err.message}` : "."}`);
    }
  }

  /** Verifies the keyring against the root and settles the publisher's scopes (given, or the keyring's). */
  private async check(root: PublicKey, envelope: unknown, given: string[] | undefined): Promise<{ scopes: string[]; ring: Keyring }> {
    let ring: Keyring;
    try {
      ring = verifyKeyring(envelope, { rootKeys: [root], now: this.now() });
    } catch (err) {
      if (!isSdkError(err)) throw err;
      throw new HostError("HOST_ERR_PUBLISHER_INVALID", `The keyring does not verify against the root key ${root.keyid}: ${err.message} [${err.code}]`);
    }
    // Offline, the publisher's scopes are the npm scopes its release keys are scoped to.
    const wanted = given ?? ring.document.keys.flatMap((k) => (k.scopes ?? []).map((s) => (s.startsWith("@") ? s.slice(0, s.indexOf("/")) : s)));
    let scopes: string[];
    try {
      scopes = [...new Set(wanted.map(publisherScope))].sort();
    } catch (err) {
      throw new HostError("HOST_ERR_PUBLISHER_INVALID", `The publisher's scopes are not whole npm scopes: ${(err as Error).message}`);
    }
    if (scopes.length === 0) throw new HostError("HOST_ERR_PUBLISHER_INVALID", "The keyring lists no release key, so the publisher would have no scope.");
    const problems = publisherKeyringProblems(ring, scopes);
    if (problems.length > 0)
      throw new HostError("HOST_ERR_PUBLISHER_INVALID", `The keyring reaches outside the publisher: ${problems.join("; ")}.`, { details: problems });
    const official = await this.trust.officialKeyring();
    const officialScopes = official.document.keys.flatMap((k) => k.scopes ?? []);
    const others = (await this.anchors()).filter((p) => p.fingerprint !== root.keyid);
    for (const s of scopes) {
      if (s === FIRST_PARTY_SCOPE || officialScopes.some((o) => keyScopeWithin(o, [s]) || keyScopeWithin(s, [o]))) {
        throw new HostError("HOST_ERR_PUBLISHER_SCOPE_RESERVED", `${s} belongs to the official keyring; a publisher cannot be trusted for it.`);
      }
      const holder = others.find((p) => p.scopes.includes(s));
      if (holder)
        throw new HostError("HOST_ERR_PUBLISHER_SCOPE_RESERVED", `${s} is already trusted for the publisher "${holder.name}" (${holder.fingerprint}).`);
    }
    return { scopes, ring };
  }

  /** Trusts a publisher (or takes a newer keyring of one already trusted) and applies it at once. */
  async add(req: TrustRequest): Promise<TrustedPublisherView> {
    let entry: { name: string; scopes: string[]; root: PublicKey; envelope: unknown; ring: Keyring };
    if ("fingerprint" in req) {
      entry = await this.fromRegistry(req.fingerprint);
    } else {
      const root = this.rootKey(req.rootPublicKey);
      const checked = await this.check(root, req.keyring, req.scopes);
      entry = { name: req.name?.trim() || `publisher ${root.keyid.slice(0, 16)}`, root, envelope: req.keyring, ...checked };
    }
    const fingerprint = entry.root.keyid;
    // Remembered even after the publisher was removed: trusting it again never brings back an older keyring.
    const seen = await this.trust.seenVersion(fingerprint);
    if (seen !== undefined && entry.ring.document.version < seen) {
      throw new HostError(
        "HOST_ERR_PUBLISHER_INVALID",
        `The keyring's version ${entry.ring.document.version} is older than version ${seen}, which this host already accepted.`,
      );
    }
    const [existing] = await this.db.select().from(trustedPublishers).where(eq(trustedPublishers.fingerprint, fingerprint));
    if (existing) {
      // Only the stored keyring's version matters here, even if it has expired since (hence the epoch clock).
      const before = verifyKeyring(JSON.parse(existing.keyring) as unknown, { rootKeys: [entry.root], now: new Date(0) });
      // Trusting again refreshes the keyring, never to an older one (rollback).
      if (entry.ring.document.version < before.document.version) {
        throw new HostError(
          "HOST_ERR_PUBLISHER_INVALID",
          `The keyring's version ${entry.ring.document.version} is older than the trusted ${before.document.version}.`,
        );
      }
    }
    const row = {
      fingerprint,
      name: entry.name,
      scopes: JSON.stringify(entry.scopes),
      rootPublicKey: publicKeyToPem(entry.root),
      keyring: JSON.stringify(entry.envelope),
      addedAt: existing?.addedAt ?? this.now().getTime(),
    };
    await this.db
      .insert(trustedPublishers)
      .values(row)
      .onConflictDoUpdate({ target: trustedPublishers.fingerprint, set: { name: row.name, scopes: row.scopes, keyring: row.keyring } });
    this.trust.invalidate();
    await this.applied();
    const view = (await this.list()).find((p) => p.fingerprint === fingerprint);
    if (!view) throw new HostError("HOST_ERR_INTERNAL", "The publisher was not stored.");
    return view;
  }

  /** Stops trusting a publisher: its installed plugins stop at once (kept, with their data). */
  async remove(fingerprint: string): Promise<void> {
    const fp = fingerprint.toLowerCase();
    const deleted = await this.db.delete(trustedPublishers).where(eq(trustedPublishers.fingerprint, fp)).returning();
    if (deleted.length === 0) throw new HostError("HOST_ERR_PUBLISHER_NOT_FOUND", `No trusted publisher has the fingerprint ${fp}.`);
    this.trust.invalidate();
    await this.applied();
  }

  /**
   * The message for a package signed by a key this host does not trust: the key, and when the registry
   * knows it, the publisher's name, scopes and root fingerprint, with the step that trusts it.
   */
  async explainUnknownKey(keyid: string): Promise<{ message: string; details: string[] }> {
    let anchor: RegistryAnchor | undefined;
    try {
      anchor = this.registry ? await this.fetchAnchor(`/v1/publishers/by-key/${keyid}`) : undefined;
    } catch {
      anchor = undefined;
    }
    const fp = typeof anchor?.fingerprint === "string" && FINGERPRINT.test(anchor.fingerprint) ? anchor.fingerprint : undefined;
    if (anchor && fp) {
      const scopes = Array.isArray(anchor.scopes) ? anchor.scopes.map(String).join(", ") : "";
      return {
        message: `The package is signed by key ${keyid}, which this host does not trust. The registry says it belongs to the publisher "${String(anchor.name)}" (${scopes}), root fingerprint ${fp}. ${trustHint(fp)}`,
        details: [`key ${keyid}`, `publisher ${String(anchor.name)}`, `fingerprint ${fp}`],
      };
    }
    return {
      message: `The package is signed by key ${keyid}, which this host does not trust. Ask its publisher for their root fingerprint, then: ${trustHint("<fingerprint>")}`,
      details: [`key ${keyid}`],
    };
  }
}
