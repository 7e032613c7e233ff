import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { certificateKey, readCertificateLine } from "./certificate-key.js";

const dir = mkdtempSync(join(tmpdir(), "archnest-certkey-"));
const keygen = (...args: string[]) => execFileSync("ssh-keygen", ["-q", ...args]);
keygen("-t", "ed25519", "-N", "", "-f", join(dir, "ca"));
keygen("-t", "ed25519", "-N", "", "-f", join(dir, "user"));
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
});
