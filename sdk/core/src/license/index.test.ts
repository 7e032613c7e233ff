import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PayloadTypes, signEnvelope } from "../crypto/dsse.js";
import { generateKeyPair } from "../crypto/keys.js";
import { isSdkError } from "../errors/index.js";
import { createKeyring, verifyKeyring } from "../keyring/index.js";
import { signRelease, verifyRelease } from "../release/index.js";
import { createLicense, LICENSE_VALIDITY_MS, LicenseExpiredError, LicenseReplayError, verifyLicense } from "./index.js";

const T0 = new Date("2026-03-01T12:00:00.000Z");
const root = generateKeyPair();
const licenseKey = generateKeyPair();
const releaseKey = generateKeyPair();
const keyring = verifyKeyring(
  createKeyring([root], {
    now: new Date("2026-01-01T00:00:00.000Z"),
    keys: [
      { key: licenseKey, name: "license", roles: ["license"] },
      { key: releaseKey, name: "release", roles: ["release"], scopes: ["@archnest/*"] },
    ],
  }),
  { rootKeys: [root], now: T0 },
);
const installId = "inst_abcdefgh1234";

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return isSdkError(err) ? err.code : `not coded: ${String(err)}`;
  }
}

describe("licenses", () => {
  it("issues a license valid for seven days that the install verifies", () => {
    const env = createLicense(licenseKey, { installId, modules: ["tmux", "rdp", "tmux"], sequence: 3, issuedAt: T0 });
    const { document, signer } = verifyLicense(env, { keyring, installId, now: T0, minSequence: 3 });
    expect(document.modules).toEqual(["rdp", "tmux"]);
    expect(Date.parse(document.validUntil) - Date.parse(document.issuedAt)).toBe(LICENSE_VALIDITY_MS);
    expect(document.sequence).toBe(3);
    expect(signer.name).toBe("license");
  });

  it("keeps working offline until valid-until, then refuses with an expiry error", () => {
    const env = createLicense(licenseKey, { installId, modules: ["tmux"], sequence: 1, issuedAt: T0 });
    expect(verifyLicense(env, { keyring, installId, now: new Date(T0.getTime() + 6 * 86_400_000) }).document.modules).toEqual(["tmux"]);
    const later = new Date(T0.getTime() + 8 * 86_400_000);
    expect(() => verifyLicense(env, { keyring, installId, now: later })).toThrow(LicenseExpiredError);
    expect(code(() => verifyLicense(env, { keyring, installId, now: later }))).toBe("SDK_ERR_LICENSE_EXPIRED");
  });

  it("tolerates modest clock skew around valid-until and issued-at", () => {
    const env = createLicense(licenseKey, { installId, modules: [], sequence: 1, issuedAt: T0 });
    const justAfter = new Date(T0.getTime() + LICENSE_VALIDITY_MS + 60_000);
    expect(verifyLicense(env, { keyring, installId, now: justAfter, maxSkewMs: 5 * 60_000 }).document.sequence).toBe(1);
    expect(code(() => verifyLicense(env, { keyring, installId, now: justAfter, maxSkewMs: 0 }))).toBe("SDK_ERR_LICENSE_EXPIRED");
    const hostBehind = new Date(T0.getTime() - 2 * 60_000);
    expect(verifyLicense(env, { keyring, installId, now: hostBehind }).document.sequence).toBe(1);
    const farBehind = new Date(T0.getTime() - 3_600_000);
    expect(code(() => verifyLicense(env, { keyring, installId, now: farBehind }))).toBe("SDK_ERR_LICENSE_NOT_YET_VALID");
  });

  it("refuses a forged license signed by a key the keyring does not list for licenses", () => {
    const forger = generateKeyPair();
    expect(
      code(() => verifyLicense(createLicense(forger, { installId, modules: ["everything"], sequence: 9, issuedAt: T0 }), { keyring, installId, now: T0 })),
    ).toBe("SDK_ERR_LICENSE_UNTRUSTED");
    // a key of the keyring with another role may not sign licenses either
    expect(
      code(() => verifyLicense(createLicense(releaseKey, { installId, modules: ["tmux"], sequence: 9, issuedAt: T0 }), { keyring, installId, now: T0 })),
    ).toBe("SDK_ERR_LICENSE_UNTRUSTED");
  });

  it("refuses a license whose modules were edited after signing", () => {
    const env = createLicense(licenseKey, { installId, modules: ["tmux"], sequence: 1, issuedAt: T0 });
    const doc = JSON.parse(Buffer.from(env.payload, "base64").toString());
    const edited = { ...env, payload: Buffer.from(JSON.stringify({ ...doc, modules: ["everything"] })).toString("base64") };
    expect(code(() => verifyLicense(edited, { keyring, installId, now: T0 }))).toBe("SDK_ERR_SIGNATURE_INVALID");
  });

  it("refuses another install's license", () => {
    const env = createLicense(licenseKey, { installId: "inst_someoneelse", modules: ["tmux"], sequence: 1, issuedAt: T0 });
    expect(code(() => verifyLicense(env, { keyring, installId, now: T0 }))).toBe("SDK_ERR_LICENSE_OTHER_INSTALL");
  });

  it("refuses an older sequence number than one already accepted (replay)", () => {
    const old = createLicense(licenseKey, { installId, modules: ["tmux"], sequence: 4, issuedAt: T0 });
    expect(() => verifyLicense(old, { keyring, installId, now: T0, minSequence: 5 })).toThrow(LicenseReplayError);
    expect(code(() => verifyLicense(old, { keyring, installId, now: T0, minSequence: 5 }))).toBe("SDK_ERR_LICENSE_REPLAYED");
  });

  it("refuses a license presented where a release is expected, and a release presented as a license", () => {
    const license = createLicense(licenseKey, { installId, modules: ["tmux"], sequence: 1, issuedAt: T0 });
    expect(code(() => verifyRelease({ envelope: license, files: new Map(), packageJson: {} }, keyring, T0))).toBe("SDK_ERR_PAYLOAD_TYPE");
    const release = signRelease(
      {
        type: "archnest-release",
        name: "@archnest/x",
        version: "1.0.0",
        sdk: "^1.0.0",
        module: "free",
        permissions: [],
        signedAt: T0.toISOString(),
        files: {},
      },
      releaseKey,
    );
    expect(code(() => verifyLicense(release, { keyring, installId, now: T0 }))).toBe("SDK_ERR_PAYLOAD_TYPE");
  });

  it("refuses a well-signed license whose content breaks the schema", () => {
    const env = signEnvelope(PayloadTypes.license, { type: "archnest-license", installId, modules: "all" }, [licenseKey]);
    expect(code(() => verifyLicense(env, { keyring, installId, now: T0 }))).toBe("SDK_ERR_LICENSE_INVALID");
  });

  it("gives nothing but a coded error for arbitrary input", () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.anything(), fc.record({ payloadType: fc.constant(PayloadTypes.license), payload: fc.base64String(), signatures: fc.anything() })),
        (value) => {
          const result = code(() => verifyLicense(value, { keyring, installId, now: T0 }));
          expect(result).toMatch(/^SDK_ERR_/);
        },
      ),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (payload) => {
        const env = signEnvelope(PayloadTypes.license, payload, [licenseKey]);
        expect(code(() => verifyLicense(env, { keyring, installId, now: T0 }))).toMatch(/^SDK_ERR_LICENSE_|^SDK_ERR_ENVELOPE_INVALID$/);
      }),
      { numRuns: 100 },
    );
  });
});
