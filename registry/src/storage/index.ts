import type { Readable } from "node:stream";

export { LocalTarballStorage } from "./local-storage.js";
export { type S3StorageOptions, S3TarballStorage } from "./s3-storage.js";

/** Facts about one stored tarball. */
export interface StoredTarball {
  size: number;
}

/**
 * Where tarballs live. Keys are relative paths made of safe segments (`@scope/name/name-1.0.0.tgz`), so an
 * S3-compatible store can map them to object keys one to one (docs/architecture.md section 4).
 */
export interface TarballStorage {
  /** Stores the stream's bytes under `key`, atomically: a reader never sees a partial object. */
  put(key: string, body: Readable): Promise<void>;
  /** A stream of the object, or undefined when there is none. */
  get(key: string): Promise<Readable | undefined>;
  stat(key: string): Promise<StoredTarball | undefined>;
  delete(key: string): Promise<void>;
}

/** Keys must be relative, made of safe segments: no `..`, no absolute paths, no backslashes. */
export function checkStorageKey(key: string): string {
  const segments = key.split("/");
  if (key.length === 0 || key.length > 512 || segments.some((s) => s === "" || s === "." || s === ".." || !/^[A-Za-z0-9@._-]+$/.test(s))) {
    throw new Error(`Unsafe storage key: ${JSON.stringify(key)}`);
  }
  return key;
}
