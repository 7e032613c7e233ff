import { createHash, randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { PRIVATE_DIR_MODE, PRIVATE_FILE_MODE, verifyPluginTarball } from "@archnest/sdk/node";
import { createStatusIndex, type Envelope, type KeyPair, type Keyring, mergeKeyrings, scopeMatches } from "@archnest/sdk/trust";
import { and, eq, isNull, ne } from "drizzle-orm";
import semver from "semver";
import { bundlesOf, findModule, formatPrice } from "../catalog/index.js";
import type { RegistryDb } from "../db/index.js";
import { minimumSafe, packages, versions } from "../db/schema.js";
import { RegistryError } from "../errors/index.js";
import type { TarballStorage } from "../storage/index.js";
import type { NpmSigner } from "./npm-signer.js";

export type VersionRow = typeof versions.$inferSelect;

export interface PackagesDeps {
  db: RegistryDb;
  storage: TarballStorage;
  keyring: Keyring;
  rootKeys: Parameters<typeof verifyPluginTarball>[1]["trust"]["rootKeys"];
  indexKey: KeyPair;
  /** Signs npm's dist.signatures (ECDSA P-256, which npm's client can verify). */
  npmSigner: NpmSigner;
  uploadDir: string;
  publicUrl: string;
  statusTtlMs: number;
  now: () => Date;
}

/** Who is publishing: an author the admin created, or a trusted publisher with its own keyring. */
export interface Publisher {
  /** The owner recorded for the package (`auth_...` for authors, `pub:<fingerprint>` for publishers). */
  id: string;
  scopes: readonly string[];
  /**
   * A trusted publisher's own keyring, already restricted to its scopes: the tarball may be signed by
   * one of its keys as well as by an official one. Its packages must be free.
   */
  keyring?: Keyring;
}

/** A published version as the publisher sees it in the 201 answer. */
export interface Published {
  name: string;
  version: string;
  module: string;
  integrity: string;
  shasum: string;
  tarball: string;
}

/** Catalog, packuments, publishing and the status index: everything about published packages. */
export function createPackages(deps: PackagesDeps) {
  const { db, storage } = deps;
  let statusCache: { env: Envelope; at: number; generation: number } | undefined;
  let generation = 0;

  function tarballUrl(name: string, version: string): string {
    return `${deps.publicUrl}/v1/tarballs/${encodeURIComponent(name)}/${encodeURIComponent(version)}`;
  }

  async function versionsOf(name: string): Promise<VersionRow[]> {
    return db.select().from(versions).where(eq(versions.name, name));
  }

  // Delivery looks a version up on every request. Rows only change on revoke, so they are cached briefly:
  // this instance drops the cache when it revokes, and another instance's revocation shows within seconds.
  const versionCache = new Map<string, { row: VersionRow; until: number }>();
  const VERSION_CACHE_MS = 5_000;

  async function findVersion(name: string, version: string, opts: { cached?: boolean } = {}): Promise<VersionRow | undefined> {
    const key = `${name}@${version}`;
    const at = Date.now();
    if (opts.cached) {
      const hit = versionCache.get(key);
      if (hit && hit.until > at) return hit.row;
    }
    const [row] = await db
      .select()
      .from(versions)
      .where(and(eq(versions.name, name), eq(versions.version, version)));
    if (row) {
      if (versionCache.size > 10_000) versionCache.clear();
      versionCache.set(key, { row, until: at + VERSION_CACHE_MS });
    }
    return row;
  }

  function highest(rows: readonly VersionRow[]): VersionRow | undefined {
    return rows.filter((r) => r.revokedAt === null).sort((a, b) => semver.rcompare(a.version, b.version))[0];
  }

  async function packument(name: string) {
    const rows = await versionsOf(name);
    if (rows.length === 0) throw new RegistryError("REG_ERR_NOT_FOUND", `No package named ${name}.`);
    const latest = highest(rows) ?? rows.sort((a, b) => semver.rcompare(a.version, b.version))[0];
    const time: Record<string, string> = {};
    const out: Record<string, unknown> = {};
    for (const r of [...rows].sort((a, b) => semver.compare(a.version, b.version))) {
      time[r.version] = new Date(r.publishedAt).toISOString();
      out[r.version] = {
        ...(JSON.parse(r.packageJson) as Record<string, unknown>),
        _id: `${r.name}@${r.version}`,
        ...(r.revokedAt !== null && { deprecated: `Revoked: ${r.revokeReason ?? "no reason given"}` }),
        dist: {
          tarball: tarballUrl(r.name, r.version),
          integrity: r.integrity,
          shasum: r.shasum,
          signatures: [deps.npmSigner.sign(r.name, r.version, r.integrity)],
        },
      };
    }
    const times = rows.map((r) => r.publishedAt);
    return {
      _id: name,
      name,
      description: latest?.description ?? "",
      "dist-tags": latest ? { latest: latest.version } : {},
      versions: out,
      time: { created: new Date(Math.min(...times)).toISOString(), modified: new Date(Math.max(...times)).toISOString(), ...time },
    };
  }

  async function catalogPlugins() {
    const rows = await db.select().from(versions);
    const byName = new Map<string, VersionRow[]>();
    for (const r of rows) byName.set(r.name, [...(byName.get(r.name) ?? []), r]);
    const plugins = [];
    for (const [name, list] of [...byName.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const top = highest(list);
      if (!top) continue; // every version revoked: nothing to offer
      const perMajor: Record<string, string> = {};
      for (const r of list) {
        if (r.revokedAt !== null) continue;
        const key = String(r.sdkMajor);
        const seen = perMajor[key];
        if (seen === undefined || semver.gt(r.version, seen)) perMajor[key] = r.version;
      }
      const free = top.module === "free";
      const mod = findModule(top.module);
      plugins.push({
        name,
        displayName: top.displayName,
        description: top.description,
        module: top.module,
        free,
        price: free ? null : formatPrice(mod?.priceCents ?? 500),
        priceCents: free ? 0 : (mod?.priceCents ?? 500),
        bundles: free ? [] : bundlesOf(top.module),
        latest: top.version,
        latestBySdkMajor: perMajor,
        tarball: tarballUrl(name, top.version),
      });
    }
    return plugins;
  }

  /** The paid module slugs that a package with a version not revoked delivers: what is on sale as a package. */
  async function publishedModules(): Promise<Set<string>> {
    const rows = await db
      .selectDistinct({ module: versions.module })
      .from(versions)
      .where(and(isNull(versions.revokedAt), ne(versions.module, "free")));
    return new Set(rows.map((r) => r.module));
  }

  async function statusIndex(): Promise<Envelope> {
    const at = deps.now().getTime();
    // Re-signed when something changed, or when a twelfth of its lifetime has passed, so that a host
    // always receives an index with most of its lifetime ahead.
    if (statusCache && statusCache.generation === generation && at - statusCache.at < deps.statusTtlMs / 12) return statusCache.env;
    const rows = await db.select().from(versions);
    const latest: Record<string, string> = {};
    const revoked: { name: string; version: string; reason: string }[] = [];
    for (const r of rows) {
      if (r.revokedAt !== null) {
        revoked.push({ name: r.name, version: r.version, reason: r.revokeReason ?? "" });
        continue;
      }
      const seen = latest[r.name];
      if (seen === undefined || semver.gt(r.version, seen)) latest[r.name] = r.version;
    }
    const mins = await db.select().from(minimumSafe);
    const env = createStatusIndex(deps.indexKey, {
      latest,
      revoked: revoked.sort((a, b) => (a.name + a.version < b.name + b.version ? -1 : 1)),
      minimumSafe: Object.fromEntries(mins.map((m) => [m.name, m.version])),
      issuedAt: new Date(at),
      ttlMs: deps.statusTtlMs,
    });
    statusCache = { env, at, generation };
    return env;
  }

  async function revoke(name: string, version: string, reason: string, minimum?: string) {
    const row = await findVersion(name, version);
    if (!row) throw new RegistryError("REG_ERR_NOT_FOUND", `${name}@${version} is not published.`);
    const at = deps.now().getTime();
    await db
      .update(versions)
      .set({ revokedAt: row.revokedAt ?? at, revokeReason: reason })
      .where(and(eq(versions.name, name), eq(versions.version, version)));
    if (minimum !== undefined) {
      await db
        .insert(minimumSafe)
        .values({ name, version: minimum })
        .onConflictDoUpdate({ target: minimumSafe.name, set: { version: minimum } });
    }
    generation += 1;
    versionCache.clear();
    return { name, version, reason, revokedAt: new Date(row.revokedAt ?? at).toISOString(), ...(minimum !== undefined && { minimumSafe: minimum }) };
  }

  /**
   * Publishes one signed tarball streamed in the request body (its size capped by the registry's body
   * limit as it arrives): spooled to a temporary file while its
   * hashes are computed, verified with the same SDK code the host runs, then checked against the author's
   * scopes and the versions already published (a version is never replaced).
   */
  async function publish(body: ReadableStream<Uint8Array> | null, author: Publisher): Promise<Published> {
    if (!body) throw new RegistryError("REG_ERR_BAD_REQUEST", "The request body must be the tarball.");
    await mkdir(deps.uploadDir, { recursive: true, mode: PRIVATE_DIR_MODE });
    const temp = join(deps.uploadDir, `${randomBytes(12).toString("hex")}.tgz`);
    const sha512 = createHash("sha512");
    const sha1 = createHash("sha1");
    const sha256 = createHash("sha256");
    let size = 0;
    try {
      await pipeline(
        Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>),
        async function* (source: AsyncIterable<Buffer>) {
          for await (const chunk of source) {
            size += chunk.length;
            sha512.update(chunk);
            sha1.update(chunk);
            sha256.update(chunk);
            yield chunk;
          }
        },
        createWriteStream(temp, { mode: PRIVATE_FILE_MODE }),
      );
      if (size === 0) throw new RegistryError("REG_ERR_BAD_REQUEST", "The request body must be the tarball.");
      const keyring = author.keyring ? mergeKeyrings([deps.keyring, author.keyring]) : deps.keyring;
      const outcome = await verifyPluginTarball(temp, { trust: { rootKeys: deps.rootKeys, keyring }, now: deps.now() });
      if (!outcome.ok) {
        throw new PublishRefused(outcome.code, outcome.message, outcome.details);
      }
      const { pkg, statement, signer } = outcome.release;
      if (!author.scopes.some((p) => scopeMatches(p, pkg.name))) {
        throw new RegistryError("REG_ERR_SCOPE", `Your account may publish ${author.scopes.join(", ") || "nothing"}, not ${pkg.name}.`);
      }
      // Paid modules stay under the official root: a publisher's anchor vouches for free plugins only.
      if (author.keyring && statement.module !== "free") {
        throw new RegistryError(
          "REG_ERR_PUBLISHER_PAID_MODULE",
          `${pkg.name} needs the paid module "${statement.module}"; a publisher's packages must be free.`,
        );
      }
      const [owner] = await db.select().from(packages).where(eq(packages.name, pkg.name));
      if (owner && owner.authorId !== author.id) throw new RegistryError("REG_ERR_SCOPE", `${pkg.name} belongs to another author.`);
      if (await findVersion(pkg.name, pkg.version)) throw new RegistryError("REG_ERR_VERSION_EXISTS", `${pkg.name}@${pkg.version} is already published.`);

      const sha256Hex = sha256.digest("hex");
      const integrity = `sha512-${sha512.digest("base64")}`;
      const shasum = sha1.digest("hex");
      const base = pkg.name.includes("/") ? pkg.name.slice(pkg.name.indexOf("/") + 1) : pkg.name;
      // The content hash in the key keeps two racing uploads of one version from overwriting each other.
      const storageKey = `${pkg.name}/${base}-${pkg.version}-${sha256Hex.slice(0, 16)}.tgz`;
      await storage.put(storageKey, createReadStream(temp));
      const min = semver.minVersion(pkg.archnest.sdk);
      // The packument carries the package.json as published (npm's shape); the verification above has
      // already tied its name, version and manifest to the signature.
      const published = outcome.packageJson;
      const packageJson = {
        ...(typeof published === "object" && published !== null ? (published as Record<string, unknown>) : {}),
        name: pkg.name,
        version: pkg.version,
        ...(pkg.archnest.description !== undefined && { description: pkg.archnest.description }),
      };
      const at = deps.now().getTime();
      await db.insert(packages).values({ name: pkg.name, authorId: author.id, createdAt: at }).onConflictDoNothing();
      const inserted = await db
        .insert(versions)
        .values({
          name: pkg.name,
          version: pkg.version,
          packageJson: JSON.stringify(packageJson),
          displayName: pkg.archnest.displayName,
          description: pkg.archnest.description ?? "",
          module: statement.module,
          sdk: pkg.archnest.sdk,
          sdkMajor: min?.major ?? 0,
          integrity,
          shasum,
          sha256: sha256Hex,
          size,
          storageKey,
          signerKeyid: signer.keyid,
          publishedAt: at,
        })
        .onConflictDoNothing();
      if (inserted.rowsAffected === 0) {
        const winner = await findVersion(pkg.name, pkg.version);
        if (winner?.storageKey !== storageKey) await storage.delete(storageKey);
        throw new RegistryError("REG_ERR_VERSION_EXISTS", `${pkg.name}@${pkg.version} is already published.`);
      }
      generation += 1;
      return { name: pkg.name, version: pkg.version, module: statement.module, integrity, shasum, tarball: tarballUrl(pkg.name, pkg.version) };
    } finally {
      await rm(temp, { force: true });
    }
  }

  return {
    packument,
    catalogPlugins,
    publishedModules,
    statusIndex,
    revoke,
    publish,
    findVersion,
    tarballUrl,
    npmKeys: deps.npmSigner.keys,
  };
}

export type Packages = ReturnType<typeof createPackages>;

/** A tarball the SDK's verification refused; answered with the SDK's own code. */
export class PublishRefused extends Error {
  readonly code: string;
  readonly details: readonly string[];
  constructor(code: string, message: string, details: readonly string[]) {
    super(message);
    this.code = code;
    this.details = details;
  }
}
