import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { RegistryError } from "../errors/index.js";

/** One entry of `/-/npm/v1/keys`, in the shape npm's own registry answers. */
export interface NpmRegistryKey {
  expires: string | null;
  keyid: string;
  keytype: "ecdsa-sha2-nistp256";
  scheme: "ecdsa-sha2-nistp256";
  key: string;
}

/** The signer of npm's `dist.signatures`. */
export interface NpmSigner {
  /** `SHA256:` and the unpadded base64 of the SHA-256 of the public key's SPKI DER, as npm's key ids are made. */
  readonly keyid: string;
  /** The body of `/-/npm/v1/keys`. */
  keys(): { keys: NpmRegistryKey[] };
  /** The signature npm checks: ECDSA P-256 with SHA-256 over `${name}@${version}:${integrity}`, DER, base64. */
  sign(name: string, version: string, integrity: string): { keyid: string; sig: string };
}

/**
 * npm's client (pacote, behind `npm install` and `npm audit signatures`) verifies `dist.signatures` with
 * `crypto.createVerify("SHA256")`, which cannot take an Ed25519 key; npm's own registry signs with ECDSA
 * P-256. So the npm-facing signature has a P-256 key of its own, while the plugin trust chain (keyring,
 * releases, licenses, the status index) stays on Ed25519.
 */
export function npmSigner(privateKey: KeyObject): NpmSigner {
  if (privateKey.asymmetricKeyType !== "ec" || privateKey.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
    throw new RegistryError("REG_ERR_CONFIG", "The npm signing key must be an ECDSA P-256 private key (PEM).");
  }
  const spki = createPublicKey(privateKey).export({ format: "der", type: "spki" });
  const keyid = `SHA256:${createHash("sha256").update(spki).digest("base64").replace(/=+$/, "")}`;
  const body = { keys: [{ expires: null, keyid, keytype: "ecdsa-sha2-nistp256", scheme: "ecdsa-sha2-nistp256", key: spki.toString("base64") } as const] };
  return {
    keyid,
    keys: () => body,
    sign: (name, version, integrity) => ({ keyid, sig: sign("sha256", Buffer.from(`${name}@${version}:${integrity}`, "utf8"), privateKey).toString("base64") }),
  };
}

/**
 * Reads the npm signing key from `file`, or creates it there (0600, in a 0700 folder) on first start, so a
 * registry needs no extra setup and keeps its key id across restarts.
 */
export function loadOrCreateNpmKey(file: string): KeyObject {
  let pem: string;
  try {
    pem = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw err;
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
    pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    // "wx": two registries starting on one folder at once must not both write a key; the loser reads the winner's.
    try {
      writeFileSync(file, pem, { mode: 0o600, flag: "wx" });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      pem = readFileSync(file, "utf8");
    }
  }
  return parseNpmKey(pem, file);
}

/** A PEM private key, or REG_ERR_CONFIG naming where it came from (never its content). */
export function parseNpmKey(pem: string, from: string): KeyObject {
  try {
    return createPrivateKey(pem);
  } catch {
    throw new RegistryError("REG_ERR_CONFIG", `${from} is not a PEM private key (the npm signing key).`);
  }
}
