import { signInstallRequest } from "@archnest/sdk/license";
import { generateKeyPair, type KeyPair, keyPairFromSeed } from "@archnest/sdk/trust";
import { PluginError } from "../plugins/plugin-errors.js";

/** Where the install keeps its identity: the id in `meta`, the private key in the vault. */
export interface IdentityStore {
  getMeta(key: string): Promise<string | undefined>;
  setMeta(key: string, value: string): Promise<void>;
  sealSecret(field: string, value: string): Promise<void>;
  openSecret(field: string): Promise<string | undefined>;
}

/** A registry response that the caller branches on. */
export interface RegistryResponse {
  status: number;
  body: unknown;
  headers: Headers;
}

/**
 * The host's side of the registry protocol (docs/architecture.md section 4): registers the install's Ed25519 key on
 * first use and signs every later request with it (method, path, timestamp, nonce, body digest).
 */
export class RegistryClient {
  private identity: { installId: string; key: KeyPair } | undefined;

  constructor(
    readonly baseUrl: string,
    private readonly store: IdentityStore,
    private readonly now: () => Date = () => new Date(),
    private readonly timeoutMs = 15_000,
  ) {}

  /**
   * The URL of a path on the registry. Paths are built by the host itself; this refuses anything that would
   * leave the registry's origin (`//other-host/`, an absolute URL), so no request can be steered elsewhere.
   */
  private url(path: string): URL {
    const url = new URL(path, this.baseUrl);
    if (!path.startsWith("/") || path.startsWith("//") || url.origin !== new URL(this.baseUrl).origin) {
      throw new PluginError("HOST_ERR_PACKAGE_REF_INVALID", "The registry path is not on the registry's origin.", ["path"]);
    }
    return url;
  }

  /** The install id, registering with the registry the first time. */
  async installId(): Promise<string> {
    return (await this.ensureIdentity()).installId;
  }

  async registered(): Promise<boolean> {
    return (await this.store.getMeta("install.id")) !== undefined;
  }

  private async loadKey(): Promise<KeyPair> {
    const seed = await this.store.openSecret("ed25519-seed");
    if (seed) return keyPairFromSeed(new Uint8Array(Buffer.from(seed, "base64")));
    const key = generateKeyPair();
    await this.store.sealSecret("ed25519-seed", Buffer.from(key.secretKey.subarray(0, 32)).toString("base64"));
    return key;
  }

  private async ensureIdentity(): Promise<{ installId: string; key: KeyPair }> {
    if (this.identity) return this.identity;
    const key = await this.loadKey();
    let installId = await this.store.getMeta("install.id");
    if (!installId) {
      const res = await this.raw("POST", "/v1/installs", JSON.stringify({ publicKey: Buffer.from(key.publicKey).toString("base64") }), {});
      const id = (res.body as { installId?: unknown } | undefined)?.installId;
      if (res.status >= 300 || typeof id !== "string")
        throw new PluginError("HOST_ERR_REGISTRY_UNREACHABLE", `The registry refused to register this install (${res.status}).`);
      installId = id;
      await this.store.setMeta("install.id", installId);
    }
    this.identity = { installId, key };
    return this.identity;
  }

  private async raw(method: string, path: string, body: string | undefined, headers: Record<string, string>): Promise<RegistryResponse> {
    const url = this.url(path);
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers: { ...(body !== undefined && { "content-type": "application/json" }), accept: "application/json", ...headers },
        ...(body !== undefined && { body }),
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      throw new PluginError("HOST_ERR_REGISTRY_UNREACHABLE", `The registry at ${this.baseUrl} is unreachable (${(err as Error).message}).`);
    }
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      // Keep the text: an HTML error page from a proxy is still worth showing.
    }
    return { status: res.status, body: parsed, headers: res.headers };
  }

  /** A request signed by the install. */
  async signed(method: string, path: string, body?: unknown): Promise<RegistryResponse> {
    const { installId, key } = await this.ensureIdentity();
    const text = body === undefined ? undefined : JSON.stringify(body);
    const headers = signInstallRequest({ method, path, ...(text !== undefined && { body: text }), installId, secretKey: key.secretKey, now: this.now() });
    return this.raw(method, path, text, headers);
  }

  /** An unsigned request (catalog, packuments). */
  async get(path: string): Promise<RegistryResponse> {
    return this.raw("GET", path, undefined, {});
  }

  /** A signed GET whose body is streamed (tarball delivery). */
  async download(path: string): Promise<Response> {
    const url = this.url(path);
    const { installId, key } = await this.ensureIdentity();
    const headers = signInstallRequest({ method: "GET", path, installId, secretKey: key.secretKey, now: this.now() });
    try {
      return await fetch(url, { headers, signal: AbortSignal.timeout(10 * 60_000) });
    } catch (err) {
      throw new PluginError("HOST_ERR_REGISTRY_UNREACHABLE", `The registry at ${this.baseUrl} is unreachable (${(err as Error).message}).`);
    }
  }
}
