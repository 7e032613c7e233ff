import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { PayloadTypes, signEnvelope } from "../crypto/dsse.js";
import { generateKeyPair } from "../crypto/keys.js";
import { ed25519Sign, ed25519Verify, signEnvelopeFast } from "./ed25519.js";

describe("node:crypto Ed25519 on the hot paths", () => {
  it("signs exactly the bytes tweetnacl signs, and each verifies the other's signatures", () => {
    const key = generateKeyPair();
    const message = Buffer.from("GET\n/v1/status\n1\nnonce\nabc");
    const fast = ed25519Sign(message, key.secretKey);
    expect(Buffer.from(fast).equals(Buffer.from(nacl.sign.detached(message, key.secretKey)))).toBe(true);
    expect(nacl.sign.detached.verify(message, fast, key.publicKey)).toBe(true);
    expect(ed25519Verify(message, nacl.sign.detached(message, key.secretKey), key.publicKey)).toBe(true);
    expect(ed25519Verify(Buffer.from("other"), fast, key.publicKey)).toBe(false);
    expect(ed25519Verify(message, fast.subarray(0, 10), key.publicKey)).toBe(false);
  });

  it("produces the same envelope as signEnvelope", () => {
    const key = generateKeyPair();
    const doc = { type: "archnest-license", modules: ["tmux"] };
    expect(signEnvelopeFast(PayloadTypes.license, doc, key)).toEqual(signEnvelope(PayloadTypes.license, doc, [key]));
  });
});
