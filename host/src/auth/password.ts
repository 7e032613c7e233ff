import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from "node:crypto";
import { HostError } from "../errors/index.js";

/** scrypt with N = 2^15, r = 8, p = 1 (OWASP's password storage minimum): 32 MiB per hash. */
export const SCRYPT_PARAMS = { ln: 15, r: 8, p: 1 } as const;
export const PASSWORD_MIN_LENGTH = 10;
// An upper bound keeps a huge password from being a cheap way to burn CPU.
export const PASSWORD_MAX_LENGTH = 1024;
const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, ln: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** ln;
  // Node's default maxmem (32 MiB) is exactly 128*N*r for our parameters and is refused; allow twice that.
  const options: ScryptOptions = { N, r, p, maxmem: 256 * N * r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, KEY_BYTES, options, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

/** Throws HOST_ERR_PASSWORD_WEAK unless the password meets the policy. */
export function checkPasswordPolicy(password: string): void {
  const length = [...password].length;
  if (length < PASSWORD_MIN_LENGTH) throw new HostError("HOST_ERR_PASSWORD_WEAK", `the password must be at least ${PASSWORD_MIN_LENGTH} characters long`);
  if (length > PASSWORD_MAX_LENGTH) throw new HostError("HOST_ERR_PASSWORD_WEAK", `the password must be at most ${PASSWORD_MAX_LENGTH} characters long`);
}

/** A PHC-style string `$scrypt$ln=15,r=8,p=1$salt$hash` that carries its own parameters. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const { ln, r, p } = SCRYPT_PARAMS;
  const key = await derive(password, salt, ln, r, p);
  return `$scrypt$ln=${ln},r=${r},p=${p}$${salt.toString("base64url")}$${key.toString("base64url")}`;
}

const PHC = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9_-]{16,64})\$([A-Za-z0-9_-]{16,128})$/;

/** Constant-time check of `password` against a stored hash; false (never a throw) for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const m = PHC.exec(stored);
  if (!m) return false;
  const [ln, r, p] = [Number(m[1]), Number(m[2]), Number(m[3])];
  // Bounds keep a tampered row from asking for gigabytes of memory.
  if (ln < 10 || ln > 20 || r < 1 || r > 32 || p < 1 || p > 16) return false;
  const expected = Buffer.from(m[5] as string, "base64url");
  const key = await derive(password, Buffer.from(m[4] as string, "base64url"), ln, r, p);
  return key.length === expected.length && timingSafeEqual(key, expected);
}

/** True when the hash was made with weaker parameters than today's, so a successful login re-hashes it. */
export function needsRehash(stored: string): boolean {
  const m = PHC.exec(stored);
  return !m || Number(m[1]) < SCRYPT_PARAMS.ln || Number(m[2]) < SCRYPT_PARAMS.r || Number(m[3]) < SCRYPT_PARAMS.p;
}
