import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PayloadTypes, signEnvelope } from "../crypto/dsse.js";
import { generateKeyPair } from "../crypto/keys.js";
import { KeyringExpiredError, KeyringRollbackError, SdkError } from "../errors/index.js";
import { anyJson, anyValue, onlyCodedErrors, RUNS, withFieldReplaced } from "../test-support/properties.js";
import { createKeyring, findKey, keyValidAt, rotateKeyring, scopeMatches, verifyKeyring } from "./index.js";

const root = generateKeyPair();
const release = generateKeyPair();
const license = generateKeyPair();
const NOW = new Date("2026-01-15T12:00:00.000Z");
const DAY = 86_400_000;

const envelope = createKeyring([root], {
  now: NOW,
  keys: [
    { key: release, name: "acme", roles: ["release"], scopes: ["@acme/*"] },
    { key: license, name: "licenses", roles: ["license"] },
  ],
});
const keyring = verifyKeyring(envelope, { rootKeys: [root], now: NOW });
const document = JSON.parse(Buffer.from(envelope.payload, "base64").toString()) as Record<string, unknown>;

const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    if (err instanceof SdkError) return err.code;
    throw err;
  }
  return undefined;
};

describe("scopeMatches", () => {
  it.each([
    ["@acme/*", "@acme/x", true],
    ["@acme/*", "@acme/hello-world.js", true],
    ["@acme/*", "@acme-evil/x", false],
    ["@acme/*", "@acmex/x", false],
    ["@acme/*", "@acme/x/y", false],
    ["@acme/*", "@other/@acme/x", false],
    ["@acme/*", "acme/x", false],
    ["@acme/*", "@acme", false],
    ["@acme/hello", "@acme/hello", true],
    ["@acme/hello", "@acme/hello2", false],
    ["@acme/hello", "@acme/hell", false],
    ["@a.b/*", "@aXb/x", false],
    ["@acme/notes-*", "@acme/notes-pro", true],
    ["@acme/notes-*", "@acme/tasks", false],
    ["*", "unscoped", true],
    ["*", "@acme/x", false],
    ["hello", "hello", true],
    ["hello", "@acme/hello", false],
  ])("%s against %s is %s", (pattern, name, expected) => {
    expect(scopeMatches(pattern, name)).toBe(expected);
  });

  it("never lets an @acme/* pattern match a name outside @acme/", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (name) => {
        if (scopeMatches("@acme/*", name)) expect(name.startsWith("@acme/") && !name.slice(6).includes("/")).toBe(true);
      }),
      RUNS,
    );
  });

  it("treats regular-expression characters in a pattern literally", () => {
    expect(scopeMatches("@a+b/(x)", "@a+b/(x)")).toBe(true);
    expect(scopeMatches("@a+b/(x)", "@aab/x")).toBe(false);
  });
});

describe("verifyKeyring", () => {
  it("accepts a keyring signed by the root and reports who signed it", () => {
    expect(keyring.signedBy).toBe(root.keyid);
    expect(keyring.document.version).toBe(1);
  });

  it("refuses a keyring signed by another key", () => {
    expect(codeOf(() => verifyKeyring(envelope, { rootKeys: [release], now: NOW }))).toBe("SDK_ERR_KEYRING_UNTRUSTED");
  });

  it("refuses an expired keyring with its own error class", () => {
    expect(() => verifyKeyring(envelope, { rootKeys: [root], now: new Date(NOW.getTime() + 366 * DAY) })).toThrow(KeyringExpiredError);
  });

  it("refuses an older keyring than one seen, with its own error class, and accepts the same version", () => {
    expect(() => verifyKeyring(envelope, { rootKeys: [root], now: NOW, minVersion: 2 })).toThrow(KeyringRollbackError);
    expect(verifyKeyring(envelope, { rootKeys: [root], now: NOW, minVersion: 1 }).document.version).toBe(1);
  });

  it("refuses a release presented as a keyring", () => {
    expect(codeOf(() => verifyKeyring(signEnvelope(PayloadTypes.release, document, [root]), { rootKeys: [root], now: NOW }))).toBe("SDK_ERR_PAYLOAD_TYPE");
  });

  it("refuses a root-signed keyring whose key id does not belong to its public key", () => {
    const keys = (document.keys as Record<string, unknown>[]).map((k, i) => (i === 0 ? { ...k, keyid: license.keyid } : k));
    const forged = signEnvelope(PayloadTypes.keyring, { ...document, keys }, [root]);
    const err = (() => {
      try {
        verifyKeyring(forged, { rootKeys: [root], now: NOW });
      } catch (e) {
        return e as SdkError;
      }
    })();
    expect(err?.code).toBe("SDK_ERR_KEYRING_INVALID");
    expect(err?.details.join("\n")).toContain("keys.0.keyid: keyid is not the SHA-256 of publicKey");
  });

  it("refuses a root-signed keyring that lists a release key without a scope", () => {
    const keys = (document.keys as Record<string, unknown>[]).map((k, i) => (i === 0 ? { ...k, scopes: undefined } : k));
    expect(codeOf(() => verifyKeyring(signEnvelope(PayloadTypes.keyring, { ...document, keys }, [root]), { rootKeys: [root], now: NOW }))).toBe(
      "SDK_ERR_KEYRING_INVALID",
    );
  });
});

describe("createKeyring, rotateKeyring and findKey", () => {
  it("refuses a release key without a scope", () => {
    expect(codeOf(() => createKeyring([root], { keys: [{ key: release, name: "x", roles: ["release"] }] }))).toBe("SDK_ERR_USAGE");
  });

  it("finds a key by role only", () => {
    expect(findKey(keyring, release.keyid, "release")?.entry.name).toBe("acme");
    expect(findKey(keyring, release.keyid, "license")).toBeUndefined();
    expect(findKey(keyring, generateKeyPair().keyid, "release")).toBeUndefined();
  });

  it("rotation adds a key under a higher version, and a revoked key is refused from then on", () => {
    const next = generateKeyPair();
    const later = new Date(NOW.getTime() + DAY);
    const rotated = verifyKeyring(
      rotateKeyring([root], keyring, {
        add: [{ key: next, name: "acme-2", roles: ["release"], scopes: ["@acme/*"] }],
        revoke: [{ keyid: release.keyid, reason: "rotated" }],
        now: later,
      }),
      { rootKeys: [root], now: later, minVersion: 1 },
    );
    expect(rotated.document.version).toBe(2);
    expect(findKey(rotated, next.keyid, "release")?.entry.validFrom).toBe(later.toISOString());
    expect(codeOf(() => findKey(rotated, release.keyid, "release"))).toBe("SDK_ERR_KEY_REVOKED");
    expect(rotated.document.revoked).toEqual([{ keyid: release.keyid, revokedAt: later.toISOString(), reason: "rotated" }]);
  });

  it("revoking twice keeps one entry, and revoking an unknown key or adding a listed one is refused", () => {
    const once = verifyKeyring(rotateKeyring([root], keyring, { revoke: [{ keyid: release.keyid, reason: "a" }], now: NOW }), { rootKeys: [root], now: NOW });
    const twice = verifyKeyring(rotateKeyring([root], once, { revoke: [{ keyid: release.keyid, reason: "b" }], now: NOW }), { rootKeys: [root], now: NOW });
    expect(twice.document.version).toBe(3);
    expect(twice.document.revoked).toHaveLength(1);
    expect(codeOf(() => rotateKeyring([root], keyring, { revoke: [{ keyid: generateKeyPair().keyid, reason: "x" }] }))).toBe("SDK_ERR_USAGE");
    expect(codeOf(() => rotateKeyring([root], keyring, { add: [{ key: release, name: "again", roles: ["release"], scopes: ["@acme/*"] }] }))).toBe(
      "SDK_ERR_USAGE",
    );
  });

  it("keyValidAt includes both ends of the window", () => {
    const entry = { ...keyring.document.keys[0], validFrom: NOW.toISOString(), validUntil: new Date(NOW.getTime() + DAY).toISOString() } as Parameters<
      typeof keyValidAt
    >[0];
    expect(keyValidAt(entry, NOW)).toBe(true);
    expect(keyValidAt(entry, new Date(NOW.getTime() + DAY))).toBe(true);
    expect(keyValidAt(entry, new Date(NOW.getTime() - 1))).toBe(false);
    expect(keyValidAt(entry, new Date(NOW.getTime() + DAY + 1))).toBe(false);
  });
});

describe("verifyKeyring properties", () => {
  const keyringCodes = [
    "SDK_ERR_ENVELOPE_INVALID",
    "SDK_ERR_PAYLOAD_TYPE",
    "SDK_ERR_SIGNATURE_INVALID",
    "SDK_ERR_KEYRING_UNTRUSTED",
    "SDK_ERR_KEYRING_INVALID",
    "SDK_ERR_KEYRING_EXPIRED",
    "SDK_ERR_KEYRING_ROLLBACK",
  ] as const;

  it("answers any value with a keyring or a keyring error code", () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        onlyCodedErrors(() => verifyKeyring(value, { rootKeys: [root], now: NOW }), keyringCodes);
      }),
      RUNS,
    );
  });

  it("answers any payload the root signs with a keyring or SDK_ERR_KEYRING_INVALID/EXPIRED/ROLLBACK", () => {
    fc.assert(
      fc.property(anyJson, fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }), (payload, minVersion) => {
        const env = signEnvelope(PayloadTypes.keyring, payload, [root]);
        onlyCodedErrors(
          () => verifyKeyring(env, { rootKeys: [root], now: NOW, ...(minVersion !== undefined && { minVersion }) }),
          ["SDK_ERR_ENVELOPE_INVALID", "SDK_ERR_KEYRING_INVALID", "SDK_ERR_KEYRING_EXPIRED", "SDK_ERR_KEYRING_ROLLBACK"],
        );
      }),
      RUNS,
    );
  });

  it("answers a valid keyring with one field replaced by any JSON, signed by the root, with a keyring or a coded error", () => {
    const paths = [
      ["type"],
      ["version"],
      ["issuedAt"],
      ["expires"],
      ["keys"],
      ["revoked"],
      ["keys", "0"],
      ["keys", "0", "keyid"],
      ["keys", "0", "publicKey"],
      ["keys", "0", "roles"],
      ["keys", "0", "scopes"],
      ["keys", "0", "validFrom"],
      ["keys", "0", "validUntil"],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.option(anyJson, { nil: undefined }), (path, value) => {
        const env = signEnvelope(PayloadTypes.keyring, withFieldReplaced(document, path, value), [root]);
        const code = onlyCodedErrors(() => {
          const ring = verifyKeyring(env, { rootKeys: [root], now: NOW });
          // Whatever passed must be usable without throwing anything but a coded error.
          for (const k of ring.document.keys) findKey(ring, k.keyid, "release");
        }, keyringCodes);
        if (code === undefined) expect(path.length).toBeGreaterThan(0);
      }),
      RUNS,
    );
  });

  it("answers an envelope with any field replaced with a coded error, never a crash", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(["payloadType"], ["payload"], ["signatures"], ["signatures", "0"], ["signatures", "0", "keyid"], ["signatures", "0", "sig"]),
        fc.option(anyJson, { nil: undefined }),
        (path, value) => {
          onlyCodedErrors(
            () => verifyKeyring(withFieldReplaced(envelope as unknown as Record<string, unknown>, path, value), { rootKeys: [root], now: NOW }),
            keyringCodes,
          );
        },
      ),
      RUNS,
    );
  });
});
