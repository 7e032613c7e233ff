import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { anyJson, anyValue, onlyCodedErrors, RUNS } from "../test-support/properties.js";
import { openEnvelope, PayloadTypes, parseEnvelope, preAuthEncoding, signEnvelope } from "./dsse.js";
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

describe("envelope properties", () => {
  const key = generateKeyPair();
  const lookup = (id: string) => (id === key.keyid ? key : undefined);
  const envelopeCodes = ["SDK_ERR_ENVELOPE_INVALID", "SDK_ERR_PAYLOAD_TYPE", "SDK_ERR_SIGNATURE_INVALID", "SDK_ERR_KEY_UNKNOWN"] as const;

  it("parseEnvelope answers any value with an envelope or SDK_ERR_ENVELOPE_INVALID", () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        onlyCodedErrors(() => parseEnvelope(value), ["SDK_ERR_ENVELOPE_INVALID"]);
      }),
      RUNS,
    );
  });

  it("openEnvelope answers any value, or any envelope-shaped value, with a coded error", () => {
    const envelopeLike = fc.record(
      {
        payloadType: fc.oneof(fc.constantFrom(...Object.values(PayloadTypes)), fc.string()),
        payload: fc.oneof(
          fc.base64String(),
          anyJson.map((v) => Buffer.from(JSON.stringify(v) ?? "").toString("base64")),
          fc.string(),
        ),
        signatures: fc.array(
          fc.record({
            keyid: fc.oneof(fc.constant(key.keyid), fc.stringMatching(/^[0-9a-f]{64}$/), fc.string()),
            sig: fc.oneof(fc.base64String(), fc.string()),
          }),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.oneof(anyValue, envelopeLike), (value) => {
        onlyCodedErrors(() => openEnvelope(value, PayloadTypes.release, lookup), envelopeCodes);
      }),
      RUNS,
    );
  });

  it("opens every signed JSON payload, and refuses it once any byte of payload or signature changes", () => {
    fc.assert(
      fc.property(anyJson, fc.nat(), fc.boolean(), (payload, at, inSignature) => {
        const env = signEnvelope(PayloadTypes.status, payload, [key]);
        expect(openEnvelope(env, PayloadTypes.status, lookup).payload).toEqual(payload);
        const sig = env.signatures[0]?.sig ?? "";
        const field = inSignature ? Buffer.from(sig, "base64") : Buffer.from(env.payload, "base64");
        if (field.length === 0) return;
        field[at % field.length] = (field[at % field.length] ?? 0) ^ 0x01;
        const changed = inSignature
          ? { ...env, signatures: [{ keyid: key.keyid, sig: field.toString("base64") }] }
          : { ...env, payload: field.toString("base64") };
        expect(onlyCodedErrors(() => openEnvelope(changed, PayloadTypes.status, lookup))).toBe("SDK_ERR_SIGNATURE_INVALID");
      }),
      { numRuns: 150 },
    );
  });

  it("refuses a signature checked against a public key that is not a curve point", () => {
    const env = signEnvelope(PayloadTypes.release, { a: 1 }, [key]);
    const bogus = { keyid: key.keyid, publicKey: new Uint8Array(32).fill(0xff) };
    expect(onlyCodedErrors(() => openEnvelope(env, PayloadTypes.release, () => bogus))).toBe("SDK_ERR_SIGNATURE_INVALID");
  });
});
