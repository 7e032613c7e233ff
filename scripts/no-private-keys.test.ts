import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { SdkError } from "@archnest/sdk";
import { findPrivateKeys } from "@archnest/sdk/node";
import { type Envelope, generateKeyPair, PayloadTypes, parsePublicKeyPem, signEnvelope, verifyKeyring } from "@archnest/sdk/trust";
import { describe, expect, it } from "vitest";

const REPO = join(dirname(fileURLToPath(import.meta.url)), "..");

function trackedFiles(): string[] {
  const out = execFileSync("git", ["ls-files", "-z"], { cwd: REPO, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
  return out.split("\0").filter(Boolean);
}

function readTracked(path: string): Buffer | undefined {
  try {
    return readFileSync(join(REPO, path));
  } catch {
    // Tracked but deleted in the working tree: there is nothing on disk to leak.
    return undefined;
  }
}

describe("the private key scanner", () => {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
  const pkcs8 = privateKey.export({ format: "der", type: "pkcs8" });
  const jwk = privateKey.export({ format: "jwk" });
  const seed = Buffer.from(jwk.d as string, "base64url");
  const raw = Buffer.from(jwk.x as string, "base64url");

  it.each([
    ["a PKCS#8 PEM file", pem],
    // Assembled at run time so that this file itself holds no PEM header.
    ["an OpenSSH private key header", `-----BEGIN OPENSSH ${"PRIVATE"} KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n`],
    ["a PEM key inside a JSON string", JSON.stringify({ key: pem })],
    ["PKCS#8 DER in base64 inside JSON", JSON.stringify({ signingKey: pkcs8.toString("base64") })],
    ["PKCS#8 DER in base64url after other characters", `key=x${pkcs8.toString("base64url")}`],
    ["PKCS#8 DER in hex", `const k = "${pkcs8.toString("hex")}";`],
    ["a tweetnacl secret key in base64", Buffer.concat([seed, raw]).toString("base64")],
    ["a tweetnacl secret key in hex", Buffer.concat([seed, raw]).toString("hex")],
    ["an Ed25519 JWK with d", JSON.stringify(jwk)],
    ["a PEM key base64-encoded again (as in a CI secret)", Buffer.from(pem).toString("base64")],
  ])("finds %s", (_name, content) => {
    expect(findPrivateKeys(Buffer.from(content))).not.toEqual([]);
  });

  it("finds raw PKCS#8 DER bytes in a binary file", () => {
    const bin = Buffer.concat([Buffer.from([0, 1, 2, 255]), pkcs8, Buffer.from([9, 9])]);
    expect(findPrivateKeys(bin).map((f) => f.kind)).toContain("pkcs8-ed25519");
  });

  it("finds a key nested in a signed payload", () => {
    const payload = Buffer.from(JSON.stringify({ note: "leaked", der: pkcs8.toString("base64") })).toString("base64");
    expect(findPrivateKeys(Buffer.from(JSON.stringify({ payload }))).map((f) => f.kind)).toContain("pkcs8-ed25519");
  });

  it("does not flag a bare PEM header with no key material after it", () => {
    const header = `-----BEGIN ${"PRIVATE"} KEY-----`;
    expect(findPrivateKeys(Buffer.from(`const secrets = ["${header}", "hunter2"];\nredact("${header}\\n");`))).toEqual([]);
  });

  it("does not flag public keys, signatures or hashes", () => {
    const spki = publicKey.export({ format: "der", type: "spki" });
    const content = [
      publicKey.export({ format: "pem", type: "spki" }).toString(),
      spki.toString("base64"),
      spki.toString("hex"),
      Buffer.concat([seed, seed]).toString("base64"),
      "sha512-".padEnd(95, "A"),
    ].join("\n");
    expect(findPrivateKeys(Buffer.from(content))).toEqual([]);
  });
});

describe("the committed repository", () => {
  const files = trackedFiles();

  it("lists its tracked files through git", () => {
    expect(files).toContain("package.json");
    expect(files).toContain("signing-keys/root.pub");
  });

  it("holds no Ed25519 private key in any tracked file", () => {
    const leaks: string[] = [];
    for (const path of files) {
      const buf = readTracked(path);
      if (!buf) continue;
      for (const f of findPrivateKeys(buf)) leaks.push(`${path} at byte ${f.offset}: ${f.kind} (${f.encoding})`);
    }
    expect(leaks).toEqual([]);
  });

  it("commits only public keys as .pub files", () => {
    const pubs = files.filter((f) => f.endsWith(".pub"));
    expect(pubs.length).toBeGreaterThanOrEqual(4);
    for (const path of pubs) {
      const text = readFileSync(join(REPO, path), "utf8");
      expect(text, path).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
      expect(() => parsePublicKeyPem(text), path).not.toThrow();
      expect(findPrivateKeys(Buffer.from(text)), path).toEqual([]);
    }
  });

  it("commits no .key files", () => {
    expect(files.filter((f) => f.endsWith(".key"))).toEqual([]);
  });

  describe("signing-keys/keyring.json", () => {
    const root = parsePublicKeyPem(readFileSync(join(REPO, "signing-keys/root.pub"), "utf8"));
    const envelope = JSON.parse(readFileSync(join(REPO, "signing-keys/keyring.json"), "utf8")) as Envelope;

    it("verifies against signing-keys/root.pub and lists the release, license and index keys", () => {
      const ring = verifyKeyring(envelope, { rootKeys: [root], now: new Date() });
      expect(ring.signedBy).toBe(root.keyid);
      const byRole = (role: "release" | "license" | "index") => ring.document.keys.filter((k) => k.roles.includes(role));
      expect(byRole("release").map((k) => k.scopes)).toEqual([["@archnest/*"]]);
      for (const role of ["release", "license", "index"] as const) {
        const pub = parsePublicKeyPem(readFileSync(join(REPO, `signing-keys/archnest-${role}.pub`), "utf8"));
        expect(byRole(role).map((k) => k.keyid)).toEqual([pub.keyid]);
      }
    });

    it("is refused when its content is signed by another key, under the root's key id or its own", () => {
      const other = generateKeyPair();
      const payload = JSON.parse(Buffer.from(envelope.payload, "base64").toString("utf8"));
      const impostor = signEnvelope(PayloadTypes.keyring, payload, [{ ...other, keyid: root.keyid }]);
      expect(() => verifyKeyring(impostor, { rootKeys: [root], now: new Date() })).toThrow(SdkError);
      const unknown = signEnvelope(PayloadTypes.keyring, payload, [other]);
      expect(() => verifyKeyring(unknown, { rootKeys: [root], now: new Date() })).toThrow(expect.objectContaining({ code: "SDK_ERR_KEYRING_UNTRUSTED" }));
    });
  });
});
