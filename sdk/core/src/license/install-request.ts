import { createHash, randomBytes } from "node:crypto";
import { ed25519Sign, ed25519Verify } from "../crypto/ed25519.js";
import type { PublicKey } from "../crypto/keys.js";
import { SdkError } from "../errors/index.js";

/** The headers that carry an install's request signature (docs/architecture.md section 4). */
export const INSTALL_REQUEST_HEADERS = {
  install: "x-archnest-install",
  timestamp: "x-archnest-timestamp",
  nonce: "x-archnest-nonce",
  signature: "x-archnest-signature",
} as const;

/** A request whose timestamp is further than this from the receiver's clock is stale. */
export const INSTALL_REQUEST_MAX_SKEW_MS = 5 * 60_000;

/** The four signature headers, as {@link signInstallRequest} returns them. */
export type InstallRequestHeaders = Record<(typeof INSTALL_REQUEST_HEADERS)[keyof typeof INSTALL_REQUEST_HEADERS], string>;

const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
const INSTALL_ID = /^[A-Za-z0-9_-]{8,100}$/;
const TIMESTAMP = /^[0-9]{1,15}$/; // 15 digits stay inside the range a Date can print
const SIGNATURE = /^[A-Za-z0-9+/]{86}==$/;

function bodyBytes(body: Uint8Array | string | undefined): Uint8Array {
  if (body === undefined) return new Uint8Array(0);
  return typeof body === "string" ? Buffer.from(body, "utf8") : body;
}

/**
 * The canonical string an install signs: METHOD, path with query, timestamp (Unix milliseconds), nonce and
 * the hex SHA-256 of the body, joined by "\n". The method is upper-cased; the path is taken as sent.
 *
 * @example
 * ```ts
 * installRequestCanonical("POST", "/v1/license", "1700000000000", "n0nce-n0nce-n0nce", new Uint8Array());
 * ```
 */
export function installRequestCanonical(method: string, path: string, timestamp: string, nonce: string, body: Uint8Array | string | undefined): string {
  const digest = createHash("sha256").update(bodyBytes(body)).digest("hex");
  return `${method.toUpperCase()}\n${path}\n${timestamp}\n${nonce}\n${digest}`;
}

/** Input for {@link signInstallRequest}. */
export interface SignInstallRequestInput {
  method: string;
  /** The path and query exactly as sent, for example `/v1/tarballs/%40acme%2Fx/1.0.0`. */
  path: string;
  body?: Uint8Array | string;
  installId: string;
  /** The install's Ed25519 secret key (tweetnacl's 64-byte form, as KeyPair.secretKey). */
  secretKey: Uint8Array;
  now?: Date;
  /** A fresh random value per request; generated when not given. */
  nonce?: string;
}

/**
 * Signs one request of a host to the registry and returns the headers to send with it.
 *
 * @example
 * ```ts
 * const headers = signInstallRequest({ method: "POST", path: "/v1/license", installId, secretKey: installKey.secretKey });
 * await fetch(`${registry}/v1/license`, { method: "POST", headers });
 * ```
 */
export function signInstallRequest(input: SignInstallRequestInput): InstallRequestHeaders {
  if (input.secretKey.length !== 64) {
    throw new SdkError("SDK_ERR_KEY_INVALID", `An install's secret key has 64 bytes, not ${input.secretKey.length}.`);
  }
  const nonce = input.nonce ?? randomBytes(18).toString("base64url");
  if (!NONCE.test(nonce)) throw new SdkError("SDK_ERR_USAGE", "A nonce is 16-128 characters of A-Z, a-z, 0-9, - and _.");
  if (!INSTALL_ID.test(input.installId)) throw new SdkError("SDK_ERR_USAGE", "Not a valid install id.");
  const timestamp = String((input.now ?? new Date()).getTime());
  const canonical = installRequestCanonical(input.method, input.path, timestamp, nonce, input.body);
  const sig = ed25519Sign(Buffer.from(canonical, "utf8"), input.secretKey);
  return {
    [INSTALL_REQUEST_HEADERS.install]: input.installId,
    [INSTALL_REQUEST_HEADERS.timestamp]: timestamp,
    [INSTALL_REQUEST_HEADERS.nonce]: nonce,
    [INSTALL_REQUEST_HEADERS.signature]: Buffer.from(sig).toString("base64"),
  } as InstallRequestHeaders;
}

/** The signature headers of a request, checked for shape only. */
export interface ParsedInstallRequest {
  installId: string;
  timestamp: number;
  nonce: string;
  signature: string;
  /** The timestamp header as sent (the signed text). */
  timestampText: string;
}

type HeaderSource = Headers | Readonly<Record<string, string | string[] | undefined>>;

function header(headers: HeaderSource, name: string): string | undefined {
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(value) ? undefined : value;
}

/**
 * Reads the four signature headers, so that a receiver can look up the install's key before verifying.
 * Throws SDK_ERR_REQUEST_UNSIGNED when one is missing or malformed.
 *
 * @example
 * ```ts
 * const { installId } = parseInstallRequestHeaders(request.headers);
 * const publicKey = await keyOfInstall(installId);
 * ```
 */
export function parseInstallRequestHeaders(headers: HeaderSource): ParsedInstallRequest {
  const installId = header(headers, INSTALL_REQUEST_HEADERS.install);
  const timestampText = header(headers, INSTALL_REQUEST_HEADERS.timestamp);
  const nonce = header(headers, INSTALL_REQUEST_HEADERS.nonce);
  const signature = header(headers, INSTALL_REQUEST_HEADERS.signature);
  if (installId === undefined || timestampText === undefined || nonce === undefined || signature === undefined) {
    throw new SdkError("SDK_ERR_REQUEST_UNSIGNED", "The request is not signed by an install.");
  }
  if (!INSTALL_ID.test(installId) || !TIMESTAMP.test(timestampText) || !NONCE.test(nonce) || !SIGNATURE.test(signature)) {
    throw new SdkError("SDK_ERR_REQUEST_UNSIGNED", "The request's signature headers are malformed.");
  }
  return { installId, timestamp: Number(timestampText), timestampText, nonce, signature };
}

/**
 * Input for {@link verifyInstallRequest}: the request's `headers`, or what
 * {@link parseInstallRequestHeaders} already read from them as `parsed` (a receiver parses first to find
 * the install's key, so it need not parse twice).
 */
export type VerifyInstallRequestInput = {
  method: string;
  /** The path and query as received. */
  path: string;
  body?: Uint8Array | string;
  /** The public key registered for the install the headers name. */
  publicKey: PublicKey;
  now: Date;
  maxSkewMs?: number;
} & ({ headers: HeaderSource; parsed?: undefined } | { parsed: ParsedInstallRequest; headers?: HeaderSource });

/** A request whose signature holds; the receiver must still refuse a nonce it has seen. */
export type VerifiedInstallRequest = ParsedInstallRequest;

/**
 * Verifies a signed install request: headers well-formed, timestamp within the skew, signature by the
 * install's key over the canonical string. Replay protection (remembering nonces until they are stale)
 * is the receiver's state, so it is not done here.
 *
 * @example
 * ```ts
 * const parsed = parseInstallRequestHeaders(req.headers);
 * const ok = verifyInstallRequest({ method, path, body, parsed, publicKey: keyOf(parsed.installId), now: new Date() });
 * ```
 */
export function verifyInstallRequest(input: VerifyInstallRequestInput): VerifiedInstallRequest {
  const parsed = input.parsed !== undefined ? input.parsed : parseInstallRequestHeaders(input.headers);
  const skew = input.maxSkewMs ?? INSTALL_REQUEST_MAX_SKEW_MS;
  if (Math.abs(input.now.getTime() - parsed.timestamp) > skew) {
    throw new SdkError("SDK_ERR_REQUEST_STALE", `The request was signed at ${new Date(parsed.timestamp).toISOString()}, too far from now.`);
  }
  const canonical = installRequestCanonical(input.method, input.path, parsed.timestampText, parsed.nonce, input.body);
  const sig = Buffer.from(parsed.signature, "base64");
  if (!ed25519Verify(Buffer.from(canonical, "utf8"), sig, input.publicKey.publicKey)) {
    throw new SdkError("SDK_ERR_REQUEST_SIGNATURE", "The request's signature does not match.");
  }
  return parsed;
}
