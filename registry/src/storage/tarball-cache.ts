import { createHash } from "node:crypto";
import type { TarballStorage } from "./index.js";

/** Tarballs larger than this are always streamed from storage, so one release cannot fill the cache. */
export const TARBALL_CACHE_MAX_ENTRY = 8 * 1024 * 1024;

/** Recently delivered tarballs held in memory, bounded in bytes, least recently used dropped first. */
export interface TarballCache {
  /**
   * The bytes stored under `key`, read from storage on a miss; undefined when they are not kept (too
   * large, the cache off, missing, or not the size and SHA-256 the version row records): then the caller
   * streams from storage.
   */
  get(key: string, expected: { size: number; sha256: string }): Promise<Buffer<ArrayBuffer> | undefined>;
}

/**
 * Keeps hot tarballs in memory. A storage key never changes what it holds (it carries the content hash,
 * and a version is never replaced), so an entry needs no invalidation; a revoked version is refused before
 * its bytes are looked up. Serving from memory spares the open, reads and close of every download, the
 * largest cost left once the checks were cheap (registry/bench/delivery.bench.mjs).
 *
 * @example
 * ```ts
 * const cache = createTarballCache(storage, 64 * 1024 * 1024);
 * const bytes = await cache.get(row.storageKey, { size: row.size, sha256: row.sha256 });
 * ```
 */
export function createTarballCache(storage: TarballStorage, maxBytes: number): TarballCache {
  const entries = new Map<string, Buffer<ArrayBuffer>>();
  const loading = new Map<string, Promise<Buffer<ArrayBuffer> | undefined>>();
  let total = 0;

  async function load(key: string, size: number, sha256: string): Promise<Buffer<ArrayBuffer> | undefined> {
    const stream = await storage.get(key);
    if (!stream) return undefined;
    const chunks: Buffer[] = [];
    let length = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      length += chunk.length;
      // A stored object longer than its row says is not cached; the caller's stream shows what it is.
      if (length > size) {
        stream.destroy();
        return undefined;
      }
      chunks.push(chunk);
    }
    if (length !== size) return undefined;
    const bytes = Buffer.concat(chunks, length);
    // Checked once per release: memory never holds bytes other than those published under this version.
    if (createHash("sha256").update(bytes).digest("hex") !== sha256) return undefined;
    entries.set(key, bytes);
    total += length;
    for (const [old, held] of entries) {
      if (total <= maxBytes) break;
      entries.delete(old);
      total -= held.length;
    }
    return bytes;
  }

  return {
    async get(key, { size, sha256 }) {
      if (size > TARBALL_CACHE_MAX_ENTRY || size > maxBytes) return undefined;
      const hit = entries.get(key);
      if (hit) {
        // Map keeps insertion order: moving a hit to the end makes eviction least-recently-used.
        entries.delete(key);
        entries.set(key, hit);
        return hit;
      }
      // Concurrent first downloads of one release read it once.
      let pending = loading.get(key);
      if (!pending) {
        pending = load(key, size, sha256).finally(() => loading.delete(key));
        loading.set(key, pending);
      }
      return pending;
    },
  };
}
