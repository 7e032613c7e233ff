import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PayloadTypes, signEnvelope } from "../crypto/dsse.js";
import { generateKeyPair } from "../crypto/keys.js";
import { isSdkError } from "../errors/index.js";
import { createKeyring, verifyKeyring } from "../keyring/index.js";
import { createLicense } from "../license/index.js";
import { createStatusIndex, statusOfVersion, verifyStatusIndex } from "./index.js";

const T0 = new Date("2026-03-01T12:00:00.000Z");
const root = generateKeyPair();
const indexKey = generateKeyPair();
const licenseKey = generateKeyPair();
const keyring = verifyKeyring(
  createKeyring([root], {
    now: new Date("2026-01-01T00:00:00.000Z"),
    keys: [
      { key: indexKey, name: "index", roles: ["index"] },
      { key: licenseKey, name: "license", roles: ["license"] },
    ],
  }),
  { rootKeys: [root], now: T0 },
);

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    return isSdkError(err) ? err.code : `not coded: ${String(err)}`;
  }
}

const input = {
  latest: { "@archnest/tmux": "1.2.0" },
  revoked: [{ name: "@archnest/tmux", version: "1.1.0", reason: "leaks the session list" }],
  minimumSafe: { "@archnest/tmux": "1.1.1" },
  issuedAt: T0,
};

describe("status index", () => {
  it("signs and verifies latest, revoked and minimum safe versions", () => {
    const { document } = verifyStatusIndex(createStatusIndex(indexKey, input), { keyring, now: T0 });
    expect(statusOfVersion(document, "@archnest/tmux", "1.1.0")).toEqual({
      revoked: "leaks the session list",
      belowMinimumSafe: true,
      minimumSafe: "1.1.1",
      latest: "1.2.0",
    });
    expect(statusOfVersion(document, "@archnest/tmux", "1.2.0").revoked).toBeUndefined();
    expect(statusOfVersion(document, "@archnest/tmux", "1.2.0").belowMinimumSafe).toBe(false);
    expect(statusOfVersion(document, "@archnest/other", "0.1.0")).toEqual({ belowMinimumSafe: false });
  });

  it("expires after a day by default", () => {
    const env = createStatusIndex(indexKey, input);
    expect(code(() => verifyStatusIndex(env, { keyring, now: new Date(T0.getTime() + 2 * 86_400_000) }))).toBe("SDK_ERR_STATUS_EXPIRED");
  });

  it("refuses an index signed by a non-index key, and an older index than one seen", () => {
    expect(code(() => verifyStatusIndex(createStatusIndex(licenseKey, input), { keyring, now: T0 }))).toBe("SDK_ERR_STATUS_UNTRUSTED");
    const env = createStatusIndex(indexKey, input);
    expect(code(() => verifyStatusIndex(env, { keyring, now: T0, minIssuedAt: new Date(T0.getTime() + 1000).toISOString() }))).toBe("SDK_ERR_STATUS_ROLLBACK");
  });

  it("refuses a license presented as a status index", () => {
    const license = createLicense(licenseKey, { installId: "inst_0123456789", modules: [], sequence: 1, issuedAt: T0 });
    expect(code(() => verifyStatusIndex(license, { keyring, now: T0 }))).toBe("SDK_ERR_PAYLOAD_TYPE");
  });

  it("gives nothing but a coded error for arbitrary signed payloads", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (payload) => {
        const env = signEnvelope(PayloadTypes.status, payload, [indexKey]);
        expect(code(() => verifyStatusIndex(env, { keyring, now: T0 }))).toMatch(/^SDK_ERR_/);
      }),
      { numRuns: 100 },
    );
  });
});
