import { Readable } from "node:stream";
import { buffer } from "node:stream/consumers";
import { checkStorageKey, type StoredTarball, type TarballStorage } from "./index.js";
import { type AwsCredentials, encodeSegment, sha256Hex, signV4 } from "./sigv4.js";

/** Where an S3-compatible bucket is (AWS S3, MinIO, Cloudflare R2, ...), addressed path-style. */
export interface S3StorageOptions extends AwsCredentials {
  /** For example `https://s3.eu-central-1.amazonaws.com` or `http://127.0.0.1:9000`. */
  endpoint: string;
  bucket: string;
  region: string;
  /** Key prefix inside the bucket, for example `tarballs/`. */
  prefix?: string;
}

/**
 * Tarballs as objects in an S3-compatible bucket (docs/architecture.md section 4: the registry grows beyond one
 * machine without a rewrite). Requests are signed with AWS Signature Version 4; PUT is a single request
 * with the payload's SHA-256, which fits tarballs (64 MiB at most).
 */
export class S3TarballStorage implements TarballStorage {
  private readonly opts: S3StorageOptions;
  private readonly base: URL;

  constructor(opts: S3StorageOptions) {
    this.opts = opts;
    this.base = new URL(opts.endpoint);
  }

  private path(key: string): string {
    const full = `${this.opts.prefix ?? ""}${checkStorageKey(key)}`;
    return `${this.base.pathname.replace(/\/+$/, "")}/${encodeSegment(this.opts.bucket)}/${full.split("/").map(encodeSegment).join("/")}`;
  }

  private async send(method: string, key: string, body?: Buffer): Promise<Response> {
    const path = this.path(key);
    const headers = signV4(
      { method, path, headers: { host: this.base.host, ...(body && { "content-length": String(body.length) }) }, payloadHash: sha256Hex(body ?? "") },
      this.opts,
      this.opts.region,
      new Date(),
    );
    delete headers.host; // fetch sets it from the URL; it was signed with the same value
    return fetch(new URL(path, this.base), { method, headers, ...(body && { body }) });
  }

  async put(key: string, body: Readable): Promise<void> {
    const bytes = await buffer(body);
    const res = await this.send("PUT", key, bytes);
    await res.arrayBuffer();
    if (!res.ok) throw new Error(`S3 PUT ${key} answered ${res.status}`);
  }

  async get(key: string): Promise<Readable | undefined> {
    const res = await this.send("GET", key);
    if (res.status === 404) {
      await res.arrayBuffer();
      return undefined;
    }
    if (!res.ok || !res.body) throw new Error(`S3 GET ${key} answered ${res.status}`);
    return Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
  }

  async stat(key: string): Promise<StoredTarball | undefined> {
    const res = await this.send("HEAD", key);
    if (res.status === 404) return undefined;
    if (!res.ok) throw new Error(`S3 HEAD ${key} answered ${res.status}`);
    return { size: Number(res.headers.get("content-length") ?? "0") };
  }

  async delete(key: string): Promise<void> {
    const res = await this.send("DELETE", key);
    await res.arrayBuffer();
    if (!res.ok && res.status !== 404) throw new Error(`S3 DELETE ${key} answered ${res.status}`);
  }
}
