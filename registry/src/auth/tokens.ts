import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** A fresh author token: 32 random bytes, shown once. */
export function newToken(): string {
  return `anr_${randomBytes(32).toString("base64url")}`;
}

/** Tokens are high-entropy random values, so a plain SHA-256 is enough to store them safely. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** The token of an `Authorization: Bearer` header, or undefined. */
export function bearer(header: string | undefined): string | undefined {
  const m = header?.match(/^Bearer\s+(\S+)\s*$/i);
  return m?.[1];
}

/** Compares two secrets in constant time (their hashes, so lengths never leak). */
export function sameSecret(a: string, b: string): boolean {
  return timingSafeEqual(createHash("sha256").update(a).digest(), createHash("sha256").update(b).digest());
}
