/**
 * Public-key sign-in with an OpenSSH user certificate (PROTOCOL.certkeys), which ssh2 1.17 cannot send on
 * its own: its `authPK` names the signature with the request's algorithm, while a certificate's request
 * names the certificate algorithm (`ssh-ed25519-cert-v01@openssh.com`) and its signature must name the
 * plain one (`ssh-ed25519`), or sshd refuses it.
 *
 * The change is the smallest that works: a key object that carries the certificate is recognised by a
 * wrapper around `Protocol.prototype.authPK`, which builds that one request itself (the certificate blob as
 * the public key, the plain algorithm in the signature) with ssh2's own packet writer; every other key goes
 * to ssh2's code untouched. The wrapper is installed once, for the ssh2 version it was written against.
 */
import { createRequire } from "node:module";
import { isCodedError } from "@archnest/sdk";
import { parseSshCertificate, type SshPublicKey } from "@archnest/sdk/plugin";
import ssh2 from "ssh2";
import { HostError } from "../errors/index.js";
import { hostKeyFingerprint } from "./fingerprint.js";

const require = createRequire(import.meta.url);

/** The key object ssh2 parses, as far as this module uses it. */
interface ParsedKey {
  type: string;
  getPublicSSH(): Buffer;
  sign(data: Buffer, algo?: string): Buffer | Error;
  isPrivateKey(): boolean;
}

/** What a certificate key tells the wrapped `authPK`. */
interface CertificateInfo {
  /** The algorithm of the sign-in request. */
  requestAlgorithm: string;
  /** The algorithm named in the signature. */
  signatureAlgorithm: string;
  /** The key type ssh2 converts the signature for (ECDSA signatures go from DER to SSH form). */
  plainType: string;
  /** The certificate as sent: its wire blob. */
  blob: Buffer;
}

const CERTIFICATE = Symbol("archnest.certificate");
const SUFFIX = "-cert-v01@openssh.com";

/** Certificate types and how each signs in: RSA certificates sign with SHA-256 (rsa-sha2-256), never SHA-1. */
const ALGORITHMS: Record<string, { request: string; signature: string; hash?: string }> = {
  "ssh-ed25519-cert-v01@openssh.com": { request: "ssh-ed25519-cert-v01@openssh.com", signature: "ssh-ed25519" },
  "ecdsa-sha2-nistp256-cert-v01@openssh.com": { request: "ecdsa-sha2-nistp256-cert-v01@openssh.com", signature: "ecdsa-sha2-nistp256" },
  "ecdsa-sha2-nistp384-cert-v01@openssh.com": { request: "ecdsa-sha2-nistp384-cert-v01@openssh.com", signature: "ecdsa-sha2-nistp384" },
  "ecdsa-sha2-nistp521-cert-v01@openssh.com": { request: "ecdsa-sha2-nistp521-cert-v01@openssh.com", signature: "ecdsa-sha2-nistp521" },
  "ssh-rsa-cert-v01@openssh.com": { request: "rsa-sha2-256-cert-v01@openssh.com", signature: "rsa-sha2-256", hash: "sha256" },
};

/** The parts of a certificate line (`<type> <base64> [comment]`) a sign-in needs, read by the SDK's parser. */
export function readCertificateLine(line: string): { type: string; blob: Buffer; publicKeyBlob: Buffer } {
  try {
    const { details, blob, publicKeyBlob } = parseSshCertificate(line);
    if (!ALGORITHMS[details.type]) throw new HostError("HOST_ERR_SSH_KEY_INVALID", `${details.type} certificates cannot sign in`);
    return { type: details.type, blob, publicKeyBlob };
  } catch (err) {
    if (isCodedError(err) && err.code === "SDK_ERR_SSH_CERTIFICATE_INVALID") throw new HostError("HOST_ERR_SSH_KEY_INVALID", err.message);
    throw err;
  }
}

/** A private key as ssh2 reads it; throws `HOST_ERR_SSH_KEY_INVALID` saying why it cannot be read. */
function readPrivateKey(privateKey: string, passphrase: string | undefined, what: string): ParsedKey {
  const parsed = ssh2.utils.parseKey(privateKey, passphrase) as unknown as ParsedKey | ParsedKey[] | Error;
  if (parsed instanceof Error || Array.isArray(parsed) || !parsed.isPrivateKey())
    throw new HostError("HOST_ERR_SSH_KEY_INVALID", `${what} cannot be read (${passphrase ? "wrong passphrase or not a key" : "encrypted, or not a key"})`);
  return parsed;
}

/** The public key of a private key (`ctx.ssh.publicKeyOf`). */
export function publicKeyOf(privateKey: string, passphrase?: string): SshPublicKey {
  if (typeof privateKey !== "string" || (passphrase !== undefined && typeof passphrase !== "string"))
    throw new HostError("HOST_ERR_SSH_KEY_INVALID", "the private key and passphrase must be strings");
  const key = readPrivateKey(privateKey, passphrase, "the private key");
  const blob = key.getPublicSSH();
  return { type: key.type, blob, fingerprint: hostKeyFingerprint(blob) };
}

/**
 * A key object ssh2 accepts in an `authHandler` answer (`{type: "publickey", username, key}`) that signs
 * in with `certificate` for `privateKey`. Throws `HOST_ERR_SSH_KEY_INVALID` for a key that cannot be read,
 * a certificate of another type, or a certificate of another key.
 */
export function certificateKey(privateKey: string, passphrase: string | undefined, certificate: string): ParsedKey {
  installCertificateSignIn();
  const parsed = readPrivateKey(privateKey, passphrase, "the certificate's private key");
  const { type, blob, publicKeyBlob } = readCertificateLine(certificate);
  const algorithms = ALGORITHMS[type] as (typeof ALGORITHMS)[string];
  const plainType = type.slice(0, -SUFFIX.length);
  if (parsed.type !== plainType)
    throw new HostError("HOST_ERR_SSH_KEY_INVALID", `the certificate is for a ${plainType} key, the private key is ${parsed.type}`);
  if (!parsed.getPublicSSH().equals(publicKeyBlob))
    throw new HostError("HOST_ERR_SSH_KEY_INVALID", `the certificate certifies the key ${hostKeyFingerprint(publicKeyBlob)}, not this private key`);
  const info: CertificateInfo = { requestAlgorithm: algorithms.request, signatureAlgorithm: algorithms.signature, plainType, blob };
  // Everything else (the private key, isPrivateKey, the parser's own marks) comes from the parsed key.
  const key = Object.create(parsed) as ParsedKey & { [CERTIFICATE]: CertificateInfo };
  Object.defineProperties(key, {
    [CERTIFICATE]: { value: info },
    type: { value: algorithms.request },
    getPublicSSH: { value: () => blob },
    sign: { value: (data: Buffer) => parsed.sign(data, algorithms.hash) },
  });
  return key;
}

/** Length-prefixed SSH strings and bytes, concatenated. */
function wire(...parts: (Buffer | string | number)[]): Buffer {
  return Buffer.concat(
    parts.map((p) => {
      if (typeof p === "number") return Buffer.from([p]);
      const b = typeof p === "string" ? Buffer.from(p, "utf8") : p;
      const len = Buffer.alloc(4);
      len.writeUInt32BE(b.length);
      return Buffer.concat([len, b]);
    }),
  );
}

interface ProtocolInternals {
  _server?: boolean;
  _kex: { sessionID: Buffer };
  _authsQueue: string[];
  _packetRW: { write: { alloc(n: number): Buffer; allocStart: number; finalize(packet: Buffer): Buffer } };
  _debug?: (msg: string) => void;
}
type AuthPK = (this: ProtocolInternals, username: string, pubKey: unknown, keyAlgo?: unknown, cbSign?: unknown) => void;

let installed = false;

/** Wraps ssh2's `Protocol.prototype.authPK` once (see the module comment). */
export function installCertificateSignIn(): void {
  if (installed) return;
  const version = (require("ssh2/package.json") as { version: string }).version;
  if (!/^1\.1[5-7]\./.test(version)) throw new Error(`certificate sign-in was written for ssh2 1.15-1.17, not ${version}`);
  const Protocol = require("ssh2/lib/protocol/Protocol.js") as { prototype: { authPK: AuthPK } };
  const { sendPacket, convertSignature } = require("ssh2/lib/protocol/utils.js") as {
    sendPacket(proto: unknown, packet: Buffer): void;
    convertSignature(signature: Buffer, keyType: string): Buffer | false;
  };
  const USERAUTH_REQUEST = (require("ssh2/lib/protocol/constants.js") as { MESSAGE: { USERAUTH_REQUEST: number } }).MESSAGE.USERAUTH_REQUEST;
  const original = Protocol.prototype.authPK;
  Protocol.prototype.authPK = function authPK(this: ProtocolInternals, username, pubKey, keyAlgo, cbSign) {
    const info = (pubKey as { [CERTIFICATE]?: CertificateInfo } | undefined)?.[CERTIFICATE];
    if (!info) return original.call(this, username, pubKey, keyAlgo, cbSign);
    const sign = (typeof keyAlgo === "function" ? keyAlgo : cbSign) as ((data: Buffer, done: (signature: Buffer) => void) => void) | undefined;
    const send = (payload: Buffer) => {
      const w = this._packetRW.write;
      const packet = w.alloc(payload.length);
      packet.set(payload, w.allocStart);
      this._authsQueue.push("publickey");
      sendPacket(this, w.finalize(packet));
    };
    const request = (signed: boolean) =>
      Buffer.concat([Buffer.from([USERAUTH_REQUEST]), wire(username, "ssh-connection", "publickey", signed ? 1 : 0, info.requestAlgorithm, info.blob)]);
    if (!sign) {
      // "Would this key be accepted?" (RFC 4252 section 7), without a signature.
      this._debug?.("Outbound: Sending USERAUTH_REQUEST (publickey certificate -- check)");
      send(request(false));
      return;
    }
    const toSign = Buffer.concat([wire(this._kex.sessionID), request(true)]);
    sign(toSign, (raw) => {
      const signature = convertSignature(raw, info.plainType);
      if (signature === false) throw new Error("Error while converting handshake signature");
      this._debug?.("Outbound: Sending USERAUTH_REQUEST (publickey certificate)");
      send(Buffer.concat([request(true), wire(wire(info.signatureAlgorithm, signature))]));
    });
  };
  installed = true;
}
