import { createHash, createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";
import nacl from "tweetnacl";
import { SdkError } from "../errors/index.js";

/** An Ed25519 public key and its id (hex SHA-256 of the raw 32-byte key, as TUF names keys). */
export interface PublicKey {
  readonly keyid: string;
  readonly publicKey: Uint8Array;
}

/** An Ed25519 key pair; `secretKey` is tweetnacl's 64-byte form (seed followed by public key). */
export interface KeyPair extends PublicKey {
  readonly secretKey: Uint8Array;
}

/**
 * The key id of a raw Ed25519 public key.
 *
 * @example
 * ```ts
 * const id = keyIdOf(pair.publicKey); // "3f9a..." (64 hex characters)
 * ```
 */
export function keyIdOf(publicKey: Uint8Array): string {
  return createHash("sha256").update(publicKey).digest("hex");
}

/**
 * Makes a fresh Ed25519 key pair.
 *
 * @example
 * ```ts
 * const release = generateKeyPair();
 * ```
 */
export function generateKeyPair(): KeyPair {
  const pair = nacl.sign.keyPair();
  return { keyid: keyIdOf(pair.publicKey), publicKey: pair.publicKey, secretKey: pair.secretKey };
}

/** Builds a key pair from a 32-byte seed. */
export function keyPairFromSeed(seed: Uint8Array): KeyPair {
  const pair = nacl.sign.keyPair.fromSeed(seed);
  return { keyid: keyIdOf(pair.publicKey), publicKey: pair.publicKey, secretKey: pair.secretKey };
}

/** Builds a public key from its raw 32 bytes. */
export function publicKeyFromRaw(raw: Uint8Array): PublicKey {
  if (raw.length !== nacl.sign.publicKeyLength) {
    throw new SdkError("SDK_ERR_KEY_INVALID", `An Ed25519 public key has 32 bytes, not ${raw.length}.`);
  }
  return { keyid: keyIdOf(raw), publicKey: raw };
}

// Keys are stored as standard PKCS#8 / SPKI PEM (RFC 8410), so openssl and other tools can read them.
function toKeyObject(pem: string, kind: "private" | "public"): KeyObject {
  try {
    const key = kind === "private" ? createPrivateKey(pem) : createPublicKey(pem);
    if (key.asymmetricKeyType !== "ed25519") {
      throw new SdkError("SDK_ERR_KEY_INVALID", `Expected an Ed25519 key, got ${key.asymmetricKeyType ?? "an unknown key type"}.`);
    }
    return key;
  } catch (err) {
    if (err instanceof SdkError) throw err;
    throw new SdkError("SDK_ERR_KEY_INVALID", `Not an Ed25519 ${kind} key in PEM form.`);
  }
}

function jwkBytes(key: KeyObject, field: "d" | "x"): Uint8Array {
  const value = key.export({ format: "jwk" })[field];
  if (typeof value !== "string") throw new SdkError("SDK_ERR_KEY_INVALID", "The key has no Ed25519 material.");
  return new Uint8Array(Buffer.from(value, "base64url"));
}

/**
 * Reads a private key from PKCS#8 PEM text.
 *
 * @example
 * ```ts
 * const key = parsePrivateKeyPem(readFileSync("release.key", "utf8"));
 * ```
 */
export function parsePrivateKeyPem(pem: string): KeyPair {
  return keyPairFromSeed(jwkBytes(toKeyObject(pem, "private"), "d"));
}

/** Reads a public key from SPKI PEM text (a private key's PEM is refused: public files must be public). */
export function parsePublicKeyPem(pem: string): PublicKey {
  if (pem.includes("PRIVATE KEY")) throw new SdkError("SDK_ERR_KEY_INVALID", "This is a private key; pass the .pub file.");
  return publicKeyFromRaw(jwkBytes(toKeyObject(pem, "public"), "x"));
}

/** Writes a key pair's private half as PKCS#8 PEM. */
export function privateKeyToPem(pair: KeyPair): string {
  const jwk = {
    kty: "OKP",
    crv: "Ed25519",
    d: Buffer.from(pair.secretKey.subarray(0, 32)).toString("base64url"),
    x: Buffer.from(pair.publicKey).toString("base64url"),
  };
  return createPrivateKey({ key: jwk, format: "jwk" }).export({ format: "pem", type: "pkcs8" }).toString();
}

/** Writes a public key as SPKI PEM. */
export function publicKeyToPem(key: PublicKey): string {
  const jwk = { kty: "OKP", crv: "Ed25519", x: Buffer.from(key.publicKey).toString("base64url") };
  return createPublicKey({ key: jwk, format: "jwk" }).export({ format: "pem", type: "spki" }).toString();
}
