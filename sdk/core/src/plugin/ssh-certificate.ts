/**
 * Reads an OpenSSH certificate (PROTOCOL.certkeys in OpenSSH's source): the fields a person checks before
 * trusting it to sign in (principals, validity, key id, serial, the CA that signed it), and the public key it
 * certifies, to match it with the private key it is given with (`ctx.ssh.publicKeyOf`). The host reads the
 * certificates it signs in with through the same parser.
 */
import { createHash } from "node:crypto";
import { SdkError } from "../errors/index.js";

/** What a person checks of an SSH certificate. */
export interface SshCertificateDetails {
  /** `ssh-ed25519-cert-v01@openssh.com` and the like. */
  type: string;
  /** The certified key's algorithm (`ssh-ed25519`). */
  keyType: string;
  /** `user` or `host` certificate. */
  kind: "user" | "host";
  keyId: string;
  /** As a decimal string: serials are 64-bit. */
  serial: string;
  /** Empty means any user (OpenSSH accepts it for every principal). */
  principals: string[];
  /** Milliseconds since the epoch; 0 is "always". */
  validAfter: number;
  /** Milliseconds since the epoch; null is "forever". */
  validBefore: number | null;
  criticalOptions: string[];
  extensions: string[];
  /** The CA key's fingerprint as `ssh-keygen -l` prints it (`SHA256:...`). */
  caFingerprint: string;
  /** The CA key's algorithm. */
  caType: string;
  /** The certified public key's fingerprint. */
  keyFingerprint: string;
}

/** A parsed certificate: its details, the certified public key and the whole certificate as SSH blobs. */
export interface ParsedSshCertificate {
  details: SshCertificateDetails;
  /** The certified public key in SSH wire form (compare it with `ctx.ssh.publicKeyOf(...).blob`). */
  publicKeyBlob: Buffer;
  /** The certificate itself in SSH wire form, as a sign-in presents it. */
  blob: Buffer;
}

const KEY_FIELDS: Record<string, ("string" | "mpint")[]> = {
  "ssh-ed25519": ["string"],
  "ecdsa-sha2-nistp256": ["string", "string"],
  "ecdsa-sha2-nistp384": ["string", "string"],
  "ecdsa-sha2-nistp521": ["string", "string"],
  "ssh-rsa": ["mpint", "mpint"],
};
const SUFFIX = "-cert-v01@openssh.com";
const FOREVER = 0xffffffffffffffffn;

const bad = (why: string) => new SdkError("SDK_ERR_SSH_CERTIFICATE_INVALID", `The certificate cannot be read: ${why}.`);

class Reader {
  private at = 0;
  constructor(private readonly buf: Buffer) {}
  private take(n: number): Buffer {
    if (n < 0 || this.at + n > this.buf.length) throw bad("it ends too early");
    const out = this.buf.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  string(): Buffer {
    return this.take(this.take(4).readUInt32BE(0));
  }
  text(): string {
    return this.string().toString("utf8");
  }
  uint32(): number {
    return this.take(4).readUInt32BE(0);
  }
  uint64(): bigint {
    return this.take(8).readBigUInt64BE(0);
  }
  done(): boolean {
    return this.at === this.buf.length;
  }
}

function names(packed: Buffer, withData: boolean): string[] {
  const r = new Reader(packed);
  const out: string[] = [];
  while (!r.done()) {
    out.push(r.text());
    if (withData) r.string();
  }
  return out;
}

function wire(...parts: Buffer[]): Buffer {
  return Buffer.concat(
    parts.flatMap((p) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(p.length);
      return [len, p];
    }),
  );
}

const fingerprint = (blob: Buffer) => `SHA256:${createHash("sha256").update(blob).digest("base64").replace(/=+$/, "")}`;
const ms = (seconds: bigint) => (seconds > BigInt(Number.MAX_SAFE_INTEGER) / 1000n ? Number.MAX_SAFE_INTEGER : Number(seconds) * 1000);

/**
 * Parses an OpenSSH certificate line (`<type> <base64> [comment]`, as `ssh-keygen -s` writes it). Throws
 * `SDK_ERR_SSH_CERTIFICATE_INVALID` saying what is wrong. The signature is not checked: the SSH server
 * checks it against the CA it trusts.
 *
 * @example
 * ```ts
 * const { details, publicKeyBlob } = parseSshCertificate(readFileSync("id_ed25519-cert.pub", "utf8"));
 * console.log(details.keyId, details.principals, new Date(details.validBefore ?? Infinity));
 * ```
 */
export function parseSshCertificate(line: string): ParsedSshCertificate {
  const [type, data] = line.trim().split(/\s+/);
  if (!type?.endsWith(SUFFIX) || !data) throw bad("this is not an OpenSSH certificate line (`<type>-cert-v01@openssh.com AAAA...`)");
  const keyType = type.slice(0, -SUFFIX.length);
  const fields = KEY_FIELDS[keyType];
  if (!fields) throw bad(`certificates of ${keyType} keys are not supported (Ed25519, ECDSA and RSA are)`);
  const blob = Buffer.from(data, "base64");
  const r = new Reader(blob);
  if (r.text() !== type) throw bad("its data does not match its type");
  r.string(); // nonce
  const keyParts = fields.map(() => r.string());
  // RSA certificates keep e and n in that order, as an ssh-rsa public key does.
  const publicKeyBlob = wire(Buffer.from(keyType), ...keyParts);
  const serial = r.uint64();
  const certType = r.uint32();
  const keyId = r.text();
  const principals = names(r.string(), false);
  const validAfter = r.uint64();
  const validBefore = r.uint64();
  const criticalOptions = names(r.string(), true);
  const extensions = names(r.string(), true);
  r.string(); // reserved
  const caKey = r.string();
  r.string(); // signature
  if (!r.done()) throw bad("it has data after its signature");
  const caType = new Reader(caKey).text();
  return {
    publicKeyBlob,
    blob,
    details: {
      type,
      keyType,
      kind: certType === 2 ? "host" : "user",
      keyId,
      serial: serial.toString(),
      principals,
      validAfter: ms(validAfter),
      validBefore: validBefore === FOREVER ? null : ms(validBefore),
      criticalOptions,
      extensions,
      caFingerprint: fingerprint(caKey),
      caType,
      keyFingerprint: fingerprint(publicKeyBlob),
    },
  };
}

/** Where a certificate stands at a moment. */
export type SshCertificateStatus = "valid" | "expiring" | "expired" | "not-yet-valid";

/**
 * Where a certificate stands at `now`, with `warnMs` of notice before it expires.
 *
 * @example
 * ```ts
 * sshCertificateStatus(details, Date.now(), 7 * 86_400_000); // "expiring" in its last week
 * ```
 */
export function sshCertificateStatus(d: Pick<SshCertificateDetails, "validAfter" | "validBefore">, now: number, warnMs: number): SshCertificateStatus {
  if (now < d.validAfter) return "not-yet-valid";
  if (d.validBefore !== null && now >= d.validBefore) return "expired";
  if (d.validBefore !== null && d.validBefore - now <= warnMs) return "expiring";
  return "valid";
}
