import nacl from "tweetnacl";
import { describe, expect, it } from "vitest";
import { openEnvelope, PayloadTypes, signEnvelope } from "./dsse.js";
import { ed25519Sign, ed25519Verify } from "./ed25519.js";
import { generateKeyPair } from "./keys.js";

describe("Ed25519 (node:crypto, interoperable with tweetnacl)", () => {
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

  it("signs envelopes whose signatures tweetnacl verifies over the DSSE encoding, and opens tweetnacl's", () => {
    const key = generateKeyPair();
    const doc = { type: "archnest-license", modules: ["tmux"] };
    const env = signEnvelope(PayloadTypes.license, doc, [key]);
    const pae = Buffer.from(
      `DSSEv1 ${PayloadTypes.license.length} ${PayloadTypes.license} ${Buffer.from(env.payload, "base64").length} ${Buffer.from(env.payload, "base64")}`,
    );
    expect(nacl.sign.detached.verify(pae, Buffer.from(env.signatures[0]?.sig ?? "", "base64"), key.publicKey)).toBe(true);
    const byNacl = { ...env, signatures: [{ keyid: key.keyid, sig: Buffer.from(nacl.sign.detached(pae, key.secretKey)).toString("base64") }] };
    expect(openEnvelope(byNacl, PayloadTypes.license, () => key).payload).toEqual(doc);
  });
});
