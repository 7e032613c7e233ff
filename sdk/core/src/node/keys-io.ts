import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateKeyPair, type KeyPair, type PublicKey, parsePrivateKeyPem, parsePublicKeyPem, privateKeyToPem, publicKeyToPem } from "../crypto/keys.js";
import { SdkError } from "../errors/index.js";

function readText(path: string): string {
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new SdkError("SDK_ERR_IO", `Cannot read the key file ${path}.`);
  }
}

/** Reads a private key file written by {@link writeKeyPairFiles}. */
export function readPrivateKeyFile(path: string): KeyPair {
  return parsePrivateKeyPem(readText(path));
}

/** Reads a public key file (.pub). */
export function readPublicKeyFile(path: string): PublicKey {
  return parsePublicKeyPem(readText(path));
}

/**
 * Reads a private key from an environment value: PEM text, or the same PEM base64-encoded for CI secret
 * stores that mangle newlines.
 */
export function privateKeyFromEnv(value: string): KeyPair {
  const text = value.includes("-----BEGIN") ? value : Buffer.from(value.trim(), "base64").toString("utf8");
  return parsePrivateKeyPem(text.replaceAll("\\n", "\n"));
}

/**
 * Generates a key pair and writes DIR/NAME.key (PKCS#8 PEM, mode 0600) and DIR/NAME.pub (SPKI PEM).
 * Refuses to overwrite an existing key.
 *
 * @example
 * ```ts
 * const { keyPath, pubPath, key } = writeKeyPairFiles("keys", "release");
 * ```
 */
export function writeKeyPairFiles(dir: string, name: string): { key: KeyPair; keyPath: string; pubPath: string } {
  if (!/^[A-Za-z0-9._-]+$/.test(name)) throw new SdkError("SDK_ERR_USAGE", `Key name "${name}" may use letters, digits, dot, dash and underscore only.`);
  const keyPath = join(dir, `${name}.key`);
  const pubPath = join(dir, `${name}.pub`);
  if (existsSync(keyPath) || existsSync(pubPath)) throw new SdkError("SDK_ERR_IO", `${keyPath} or ${pubPath} already exists; refusing to overwrite a key.`);
  mkdirSync(dir, { recursive: true });
  const key = generateKeyPair();
  writeFileSync(keyPath, privateKeyToPem(key), { mode: 0o600, flag: "wx" });
  chmodSync(keyPath, 0o600);
  writeFileSync(pubPath, publicKeyToPem(key), { mode: 0o644, flag: "wx" });
  return { key, keyPath, pubPath };
}
