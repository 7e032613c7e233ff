import { createHash } from "node:crypto";

/**
 * The fingerprint of a host key blob as OpenSSH prints it (`ssh-keygen -lf`, the `ssh` first-connect
 * prompt): `SHA256:` and the unpadded base64 of the SHA-256 of the wire-format public key.
 */
export function hostKeyFingerprint(keyBlob: Uint8Array): string {
  return `SHA256:${createHash("sha256").update(keyBlob).digest("base64").replace(/=+$/, "")}`;
}

/** The shape OpenSSH gives SHA-256 fingerprints: 43 base64 characters after `SHA256:`. */
export const FINGERPRINT_PATTERN = /^SHA256:[A-Za-z0-9+/]{43}$/;
