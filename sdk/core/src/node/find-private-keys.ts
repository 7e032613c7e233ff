import { createPrivateKey, createPublicKey } from "node:crypto";

/** One piece of private key material found in a file, and how it was encoded. */
export interface PrivateKeyFinding {
  kind: "pem-private-key" | "pkcs8-ed25519" | "nacl-secret-key" | "jwk-private-key";
  encoding: "text" | "binary" | "base64" | "hex";
  /** Byte offset in the scanned buffer (of the outermost encoded run). */
  offset: number;
}

// A PEM block whose label ends in PRIVATE KEY (PKCS#8, encrypted PKCS#8, RSA, EC, OPENSSH, ...): the header
// followed by key material, with real or escaped (\n in JSON and source strings) line breaks. A bare
// header with nothing after it, as redaction tests use, holds no key.
const PEM_PRIVATE_BLOCK = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----(?:\s|\\r|\\n)*[A-Za-z0-9+/=]{16,}/g;

// The DER that follows the version in a PKCS#8 Ed25519 key (RFC 8410 section 7): the algorithm
// identifier for id-Ed25519 (1.3.101.112) and the OCTET STRING wrapping the 32-byte seed. A public key
// (SPKI) carries the same OID but a BIT STRING (03 21 00) instead, so it never matches.
const PKCS8_ED25519_MARKER = Buffer.from("300506032b657004220420", "hex");
const PKCS8_ED25519_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

// JWK private keys carry "d"; Ed25519 ones say "crv":"Ed25519" (RFC 8037).
const JWK_PRIVATE = /"crv"\s*:\s*"Ed25519"[^{}]*"d"\s*:|"d"\s*:\s*"[A-Za-z0-9_-]{43}"[^{}]*"crv"\s*:\s*"Ed25519"/g;

const BASE64_RUN = /[A-Za-z0-9+/_-]{40,}={0,2}/g;
const HEX_RUN = /[0-9a-fA-F]{64,}/g;
const MAX_DEPTH = 3;

/** True when 64 bytes are a tweetnacl secret key: a seed followed by the public key it derives. */
function isNaclSecretKey(bytes: Buffer): boolean {
  if (bytes.length !== 64) return false;
  const der = Buffer.concat([PKCS8_ED25519_PREFIX, bytes.subarray(0, 32)]);
  const publicKey = createPublicKey(createPrivateKey({ key: der, format: "der", type: "pkcs8" })).export({ format: "jwk" }).x;
  return publicKey === bytes.subarray(32).toString("base64url");
}

function looksLikeText(bytes: Buffer): boolean {
  if (bytes.length < 16) return false;
  let printable = 0;
  for (const b of bytes) if ((b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09) printable += 1;
  return printable / bytes.length > 0.95;
}

function scanDecoded(decoded: Buffer, encoding: "base64" | "hex", offset: number, depth: number, out: PrivateKeyFinding[]): void {
  if (decoded.includes(PKCS8_ED25519_MARKER)) out.push({ kind: "pkcs8-ed25519", encoding, offset });
  if (isNaclSecretKey(decoded)) out.push({ kind: "nacl-secret-key", encoding, offset });
  // Encoded text may itself hold a key (a DSSE payload is base64 JSON): look inside it too.
  if (depth < MAX_DEPTH && looksLikeText(decoded)) {
    for (const inner of scan(decoded, depth + 1)) out.push({ ...inner, encoding, offset });
  }
}

function scan(buf: Buffer, depth: number): PrivateKeyFinding[] {
  const out: PrivateKeyFinding[] = [];
  // latin1 keeps one character per byte, so offsets match and binary files scan safely.
  const text = buf.toString("latin1");
  for (const m of text.matchAll(PEM_PRIVATE_BLOCK)) out.push({ kind: "pem-private-key", encoding: "text", offset: m.index });
  for (const m of text.matchAll(JWK_PRIVATE)) out.push({ kind: "jwk-private-key", encoding: "text", offset: m.index });
  if (depth === 0) {
    let at = buf.indexOf(PKCS8_ED25519_MARKER);
    while (at !== -1) {
      out.push({ kind: "pkcs8-ed25519", encoding: "binary", offset: at });
      at = buf.indexOf(PKCS8_ED25519_MARKER, at + 1);
    }
  }
  for (const m of text.matchAll(BASE64_RUN)) {
    const run = m[0];
    // The run may start mid-way through a word; try every alignment of the 4-character base64 groups.
    for (let shift = 0; shift < 4 && run.length - shift >= 40; shift += 1) {
      const body = run.slice(shift);
      const decoded = Buffer.from(body, /[-_]/.test(body) ? "base64url" : "base64");
      scanDecoded(decoded, "base64", m.index + shift, depth, out);
    }
  }
  for (const m of text.matchAll(HEX_RUN)) {
    for (const shift of [0, 1]) {
      const body = m[0].slice(shift, shift + (m[0].length - shift) - ((m[0].length - shift) % 2));
      scanDecoded(Buffer.from(body, "hex"), "hex", m.index + shift, depth, out);
    }
  }
  return dedupe(out);
}

function dedupe(findings: PrivateKeyFinding[]): PrivateKeyFinding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.kind}:${f.encoding}:${f.offset}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * Looks for Ed25519 private key material in a file's bytes: PEM blocks labelled PRIVATE KEY (any kind),
 * PKCS#8 Ed25519 DER (raw, base64, base64url or hex, also nested inside encoded text such as a DSSE
 * payload), tweetnacl 64-byte secret keys (seed followed by its public key) and Ed25519 JWKs with "d".
 *
 * @example
 * ```ts
 * if (findPrivateKeys(readFileSync("dist/server.js")).length > 0) throw new Error("a key would be published");
 * ```
 */
export function findPrivateKeys(buf: Buffer): PrivateKeyFinding[] {
  return scan(withoutPublishedKeys(buf), 0);
}

// Private keys published inside widely used libraries protect nothing and ship with every copy of them:
// ssh2 (which plugins reaching Docker over SSH bundle) signs once with this Ed25519 key at load to probe for
// EdDSA support (ssh2/lib/protocol/constants.js). Every scan (a pack, the repository's own check) blanks them
// first, so only real secrets count.
const PUBLISHED_KEYS = ["MC4CAQAwBQYDK2VwBCIEIHKj+sVa9WcD/q2DJUJaf43Kptc8xYuUQA4bOFj9vC8T"].map((k) => Buffer.from(k, "latin1"));

function withoutPublishedKeys(buf: Buffer): Buffer {
  let copy: Buffer | undefined;
  for (const key of PUBLISHED_KEYS) {
    for (let at = buf.indexOf(key); at !== -1; at = buf.indexOf(key, at + key.length)) {
      copy ??= Buffer.from(buf);
      copy.fill(0x20, at, at + key.length);
    }
  }
  return copy ?? buf;
}
