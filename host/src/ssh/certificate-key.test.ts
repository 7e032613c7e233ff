import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { certificateKey, publicKeyOf, readCertificateLine } from "./certificate-key.js";

const dir = mkdtempSync(join(tmpdir(), "archnest-certkey-"));
const keygen = (...args: string[]) => execFileSync("ssh-keygen", ["-q", ...args]);
keygen("-t", "ed25519", "-N", "", "-f", join(dir, "ca"));
keygen("-t", "ed25519", "-N", "", "-f", join(dir, "user"));
keygen("-t", "ed25519", "-N", "", "-f", join(dir, "other"));
keygen("-t", "ecdsa", "-N", "secret words", "-f", join(dir, "locked"));
keygen("-t", "rsa", "-b", "2048", "-N", "", "-f", join(dir, "rsa"));
keygen("-s", join(dir, "ca"), "-I", "u", "-n", "root", join(dir, "user.pub"));
const userKey = readFileSync(join(dir, "user"), "utf8");
const cert = readFileSync(join(dir, "user-cert.pub"), "utf8");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("certificate keys", () => {
  it("carry the certificate as their public key and its algorithm as their type", () => {
    const key = certificateKey(userKey, undefined, cert);
    expect(key.type).toBe("ssh-ed25519-cert-v01@openssh.com");
    expect(key.getPublicSSH()).toEqual(readCertificateLine(cert).blob);
    expect(key.isPrivateKey()).toBe(true);
  });

  it("refuse a certificate for another key type, a line that is not a certificate, and data of another type", () => {
    expect(() => certificateKey(readFileSync(join(dir, "rsa"), "utf8"), undefined, cert)).toThrow(/is for a ssh-ed25519 key, the private key is ssh-rsa/);
    expect(() => readCertificateLine(readFileSync(join(dir, "user.pub"), "utf8"))).toThrow(expect.objectContaining({ code: "HOST_ERR_SSH_KEY_INVALID" }));
    const [, data] = cert.split(" ");
    expect(() => readCertificateLine(`ecdsa-sha2-nistp256-cert-v01@openssh.com ${data}`)).toThrow(/does not match its type/);
    expect(() => certificateKey("not a key", undefined, cert)).toThrow(expect.objectContaining({ code: "HOST_ERR_SSH_KEY_INVALID" }));
  });

  it("refuse a certificate of another key of the same type", () => {
    expect(() => certificateKey(readFileSync(join(dir, "other"), "utf8"), undefined, cert)).toThrow(/certifies the key SHA256:.+, not this private key/);
  });
});

describe("publicKeyOf", () => {
  const fingerprintOf = (file: string) => execFileSync("ssh-keygen", ["-l", "-E", "sha256", "-f", file], { encoding: "utf8" }).split(" ")[1];

  it("reads the public key of a private key as ssh-keygen prints it, the certified key of its certificate", () => {
    const key = publicKeyOf(userKey);
    expect(key.type).toBe("ssh-ed25519");
    expect(key.fingerprint).toBe(fingerprintOf(join(dir, "user.pub")));
    expect(key.blob.equals(readCertificateLine(cert).publicKeyBlob)).toBe(true);
  });

  it("decrypts an encrypted key with its passphrase, and refuses it without or with the wrong one", () => {
    const locked = readFileSync(join(dir, "locked"), "utf8");
    expect(publicKeyOf(locked, "secret words").fingerprint).toBe(fingerprintOf(join(dir, "locked.pub")));
    expect(() => publicKeyOf(locked)).toThrow(expect.objectContaining({ code: "HOST_ERR_SSH_KEY_INVALID", message: expect.stringMatching(/encrypted/) }));
    expect(() => publicKeyOf(locked, "wrong")).toThrow(
      expect.objectContaining({ code: "HOST_ERR_SSH_KEY_INVALID", message: expect.stringMatching(/wrong passphrase/) }),
    );
    expect(() => publicKeyOf("-----BEGIN OPENSSH PRIVATE KEY-----\nnope\n")).toThrow(expect.objectContaining({ code: "HOST_ERR_SSH_KEY_INVALID" }));
  });
});
