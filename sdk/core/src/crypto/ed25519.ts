import { createPrivateKey, createPublicKey, type KeyObject, sign, verify } from "node:crypto";

// The one place ArchNest signs and verifies Ed25519 (docs/architecture.md section 3). node:crypto's Ed25519
// is byte-for-byte the same scheme as tweetnacl's (RFC 8032; signatures are deterministic) and hundreds of
// times faster, which matters on every signed request the registry checks and every plugin a host verifies
// at boot; keys keep tweetnacl's 64-byte secret form, so both read the same key files.

const privateCache = new WeakMap<Uint8Array, KeyObject>();
const publicCache = new Map<string, KeyObject>();
const PUBLIC_CACHE_MAX = 4096;

function privateKeyObject(secretKey: Uint8Array): KeyObject {
  let key = privateCache.get(secretKey);
  if (!key) {
    key = createPrivateKey({
      key: {
        kty: "OKP",
        crv: "Ed25519",
        d: Buffer.from(secretKey.subarray(0, 32)).toString("base64url"),
        x: Buffer.from(secretKey.subarray(32, 64)).toString("base64url"),
      },
      format: "jwk",
    });
    privateCache.set(secretKey, key);
  }
  return key;
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  const id = Buffer.from(publicKey).toString("base64url");
  let key = publicCache.get(id);
  if (!key) {
    key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: id }, format: "jwk" });
    if (publicCache.size >= PUBLIC_CACHE_MAX) publicCache.clear();
    publicCache.set(id, key);
  }
  return key;
}

/** Ed25519 signature of `message` with a tweetnacl-form 64-byte secret key. */
export function ed25519Sign(message: Uint8Array, secretKey: Uint8Array): Uint8Array {
  return sign(null, message, privateKeyObject(secretKey));
}

/** Verifies an Ed25519 signature; false (never a throw) for a malformed signature. */
export function ed25519Verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return verify(null, message, publicKeyObject(publicKey), signature);
  } catch {
    return false;
  }
}
