import { describe, expect, it } from "vitest";
import { openEnvelope, PayloadTypes, preAuthEncoding, signEnvelope } from "./dsse.js";
import { generateKeyPair } from "./keys.js";

describe("DSSE envelopes", () => {
  it("encodes the pre-authentication string as the DSSE spec gives it", () => {
    const pae = Buffer.from(preAuthEncoding("http://example.com/HelloWorld", Buffer.from("hello world"))).toString();
    expect(pae).toBe("DSSEv1 29 http://example.com/HelloWorld 11 hello world");
  });

  it("opens an envelope signed by a trusted key and returns its payload", () => {
    const key = generateKeyPair();
    const env = signEnvelope(PayloadTypes.release, { a: 1 }, [key]);
    const opened = openEnvelope(env, PayloadTypes.release, (id) => (id === key.keyid ? key : undefined));
    expect(opened.payload).toEqual({ a: 1 });
    expect(opened.signer.keyid).toBe(key.keyid);
  });

  it("refuses a license presented as a release", () => {
    const key = generateKeyPair();
    const env = signEnvelope(PayloadTypes.license, { a: 1 }, [key]);
    expect(() => openEnvelope(env, PayloadTypes.release, () => key)).toThrow(expect.objectContaining({ code: "SDK_ERR_PAYLOAD_TYPE" }));
  });

  it("refuses a changed payload type even when the signature is kept", () => {
    const key = generateKeyPair();
    const env = { ...signEnvelope(PayloadTypes.license, { a: 1 }, [key]), payloadType: PayloadTypes.release };
    expect(() => openEnvelope(env, PayloadTypes.release, () => key)).toThrow(expect.objectContaining({ code: "SDK_ERR_SIGNATURE_INVALID" }));
  });

  it("refuses a changed payload and an unknown key", () => {
    const key = generateKeyPair();
    const env = signEnvelope(PayloadTypes.release, { a: 1 }, [key]);
    const tampered = { ...env, payload: Buffer.from(JSON.stringify({ a: 2 })).toString("base64") };
    expect(() => openEnvelope(tampered, PayloadTypes.release, () => key)).toThrow(expect.objectContaining({ code: "SDK_ERR_SIGNATURE_INVALID" }));
    expect(() => openEnvelope(env, PayloadTypes.release, () => undefined)).toThrow(expect.objectContaining({ code: "SDK_ERR_KEY_UNKNOWN" }));
  });
});
