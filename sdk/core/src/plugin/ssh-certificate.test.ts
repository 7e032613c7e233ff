import { execFileSync } from "node:child_process";
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseSshCertificate, sshCertificateStatus } from "./ssh-certificate.js";

const dir = mkdtempSync(join(tmpdir(), "sdk-sshcert-"));
const keygen = (...args: string[]) => execFileSync("ssh-keygen", ["-q", ...args], { encoding: "utf8" });
const fingerprintOf = (file: string) => keygen("-l", "-E", "sha256", "-f", file).split(" ")[1];
keygen("-t", "ed25519", "-N", "", "-f", join(dir, "ca"));
keygen("-t", "rsa", "-b", "2048", "-N", "", "-f", join(dir, "user"));
keygen(
  "-s",
  join(dir, "ca"),
  "-I",
  "alice@laptop",
  "-n",
  "root,deploy",
  "-z",
  "4242",
  "-V",
  "20260101000000:20270101000000",
  "-O",
  "no-pty",
  join(dir, "user.pub"),
);
const cert = readFileSync(join(dir, "user-cert.pub"), "utf8");
copyFileSync(join(dir, "user.pub"), join(dir, "web.pub"));
keygen("-s", join(dir, "ca"), "-h", "-I", "web-1", "-n", "web.test", join(dir, "web.pub"));
const hostCert = readFileSync(join(dir, "web-cert.pub"), "utf8");

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parseSshCertificate", () => {
  it("reads what ssh-keygen -L shows of a certificate ssh-keygen signed", () => {
    const { details, publicKeyBlob, blob } = parseSshCertificate(cert);
    expect(details).toMatchObject({
      type: "ssh-rsa-cert-v01@openssh.com",
      keyType: "ssh-rsa",
      kind: "user",
      keyId: "alice@laptop",
      serial: "4242",
      principals: ["root", "deploy"],
      caType: "ssh-ed25519",
      caFingerprint: fingerprintOf(join(dir, "ca.pub")),
      keyFingerprint: fingerprintOf(join(dir, "user.pub")),
    });
    // -O no-pty clears permit-pty from the default extensions.
    expect(details.extensions).not.toContain("permit-pty");
    expect(details.extensions).toContain("permit-port-forwarding");
    expect(new Date(details.validBefore ?? 0).getUTCFullYear()).toBe(2027);
    expect(publicKeyBlob.equals(Buffer.from(readFileSync(join(dir, "user.pub"), "utf8").split(" ")[1] ?? "", "base64"))).toBe(true);
    expect(blob.toString("base64")).toBe(cert.split(" ")[1]);
    expect(parseSshCertificate(hostCert).details).toMatchObject({ kind: "host", keyId: "web-1", principals: ["web.test"] });
  });

  it("refuses a public key line, a cut certificate and a type that does not match, with SDK_ERR_SSH_CERTIFICATE_INVALID", () => {
    const [type, data] = cert.split(" ") as [string, string];
    const cut = Buffer.from(data, "base64").subarray(0, 200).toString("base64");
    for (const [line, why] of [
      [readFileSync(join(dir, "user.pub"), "utf8"), /not an OpenSSH certificate line/],
      [`${type} ${cut}`, /ends too early/],
      [`ssh-ed25519-cert-v01@openssh.com ${data}`, /does not match its type/],
      [`ssh-dss-cert-v01@openssh.com ${data}`, /ssh-dss keys are not supported/],
    ] as const)
      expect(() => parseSshCertificate(line)).toThrow(
        expect.objectContaining({ code: "SDK_ERR_SSH_CERTIFICATE_INVALID", message: expect.stringMatching(why) }),
      );
  });

  it("tells where a certificate stands at a moment", () => {
    const { details } = parseSshCertificate(cert);
    const day = 86_400_000;
    expect(sshCertificateStatus(details, Date.UTC(2025, 5, 1), day)).toBe("not-yet-valid");
    expect(sshCertificateStatus(details, Date.UTC(2026, 5, 1), day)).toBe("valid");
    expect(sshCertificateStatus(details, Date.UTC(2026, 11, 31, 12), day)).toBe("expiring");
    expect(sshCertificateStatus(details, Date.UTC(2027, 0, 2), day)).toBe("expired");
  });
});
