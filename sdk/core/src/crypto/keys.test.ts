import { generateKeyPairSync } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { onlyCodedErrors, RUNS } from "../test-support/properties.js";
import { generateKeyPair, keyIdOf, keyPairFromSeed, parsePrivateKeyPem, parsePublicKeyPem, privateKeyToPem, publicKeyFromRaw, publicKeyToPem } from "./keys.js";

describe("keys", () => {
  it("round-trips a key pair through PKCS#8 and SPKI PEM", () => {
    const pair = generateKeyPair();
    const back = parsePrivateKeyPem(privateKeyToPem(pair));
    expect(back.keyid).toBe(pair.keyid);
    expect(Buffer.from(back.secretKey).equals(Buffer.from(pair.secretKey))).toBe(true);
    expect(parsePublicKeyPem(publicKeyToPem(pair)).keyid).toBe(pair.keyid);
  });

  it("reads keys written by OpenSSL-compatible tools (node:crypto's own Ed25519 PEM)", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const pub = publicKey.export({ format: "pem", type: "spki" }).toString();
    expect(parsePrivateKeyPem(pem).keyid).toBe(parsePublicKeyPem(pub).keyid);
  });

  it("names a key by the SHA-256 of its 32 raw bytes", () => {
    const pair = keyPairFromSeed(new Uint8Array(32).fill(7));
    expect(pair.keyid).toBe(keyIdOf(pair.publicKey));
    expect(pair.keyid).toMatch(/^[0-9a-f]{64}$/);
  });

  it("refuses a private key passed as the public one, other key types and garbage with SDK_ERR_KEY_INVALID", () => {
    const pair = generateKeyPair();
    const ec = generateKeyPairSync("ec", { namedCurve: "P-256" });
    expect(onlyCodedErrors(() => parsePublicKeyPem(privateKeyToPem(pair)))).toBe("SDK_ERR_KEY_INVALID");
    expect(onlyCodedErrors(() => parsePrivateKeyPem(ec.privateKey.export({ format: "pem", type: "pkcs8" }).toString()))).toBe("SDK_ERR_KEY_INVALID");
    expect(onlyCodedErrors(() => parsePublicKeyPem(ec.publicKey.export({ format: "pem", type: "spki" }).toString()))).toBe("SDK_ERR_KEY_INVALID");
    expect(onlyCodedErrors(() => parsePrivateKeyPem("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"))).toBe("SDK_ERR_KEY_INVALID");
    expect(onlyCodedErrors(() => publicKeyFromRaw(new Uint8Array(31)))).toBe("SDK_ERR_KEY_INVALID");
  });

  it("answers any text with a key or SDK_ERR_KEY_INVALID", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.base64String().map((b) => `-----BEGIN PUBLIC KEY-----\n${b}\n-----END PUBLIC KEY-----\n`),
        ),
        (text) => {
          onlyCodedErrors(() => parsePublicKeyPem(text), ["SDK_ERR_KEY_INVALID"]);
          onlyCodedErrors(() => parsePrivateKeyPem(text.replaceAll("PUBLIC", "PRIVATE")), ["SDK_ERR_KEY_INVALID"]);
        },
      ),
      RUNS,
    );
  });
});
