import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { PayloadTypes, signEnvelope } from "../crypto/dsse.js";
import { generateKeyPair } from "../crypto/keys.js";
import { createKeyring, verifyKeyring } from "../keyring/index.js";
import { parsePluginPackage } from "../manifest/index.js";
import { anyJson, anyValue, onlyCodedErrors, RUNS, withFieldReplaced } from "../test-support/properties.js";
import { createReleaseStatement, type ObservedPackage, RELEASE_ENVELOPE_PATH, signRelease, verifyRelease } from "./index.js";

const root = generateKeyPair();
const acme = generateKeyPair();
const NOW = new Date("2026-03-01T00:00:00.000Z");
const keyring = verifyKeyring(
  createKeyring([root], { now: new Date("2026-01-01T00:00:00.000Z"), keys: [{ key: acme, name: "acme", roles: ["release"], scopes: ["@acme/*"] }] }),
  {
    rootKeys: [root],
    now: NOW,
  },
);

const packageJson = {
  name: "@acme/notes",
  version: "1.2.3",
  archnest: { id: "notes", displayName: "Notes", module: "notes-pro", sdk: "^1.0.0", server: "server.js", permissions: ["storage", "secrets"] },
};
const sha = (s: string) => createHash("sha256").update(s).digest("hex");
const files = new Map([
  ["package.json", sha(JSON.stringify(packageJson))],
  ["server.js", sha("export default 1")],
]);
const statement = createReleaseStatement(parsePluginPackage(packageJson), files, NOW);
const signed = signRelease(statement, acme);
const observed = (over: Partial<ObservedPackage> = {}): ObservedPackage => ({ files, packageJson, envelope: signed, ...over });

const codeOf = (o: ObservedPackage, now = NOW) => onlyCodedErrors(() => verifyRelease(o, keyring, now));

describe("createReleaseStatement", () => {
  it("lists every file but the envelope, sorted, with the package's identity and permissions", () => {
    const s = createReleaseStatement(parsePluginPackage(packageJson), new Map([...files, [RELEASE_ENVELOPE_PATH, sha("x")], ["a.js", sha("a")]]), NOW);
    expect(Object.keys(s.files)).toEqual(["a.js", "package.json", "server.js"]);
    expect(s).toMatchObject({ name: "@acme/notes", version: "1.2.3", sdk: "^1.0.0", module: "notes-pro", permissions: ["storage", "secrets"] });
  });
});

describe("verifyRelease", () => {
  it("verifies an untouched package", () => {
    expect(verifyRelease(observed(), keyring, NOW)).toMatchObject({ signer: { keyid: acme.keyid, name: "acme" }, pkg: { name: "@acme/notes" } });
  });

  it("refuses a package.json whose permissions, module or SDK range differ from what was signed", () => {
    for (const [field, value] of [
      ["permissions", ["storage", "secrets", "ssh:exec"]],
      ["module", "free"],
      ["sdk", "^2.0.0"],
    ] as const) {
      expect(codeOf(observed({ packageJson: withFieldReplaced(packageJson, ["archnest", field], value) }))).toBe("SDK_ERR_PACKAGE_MISMATCH");
    }
  });

  it("accepts the signed permissions in another order", () => {
    expect(codeOf(observed({ packageJson: withFieldReplaced(packageJson, ["archnest", "permissions"], ["secrets", "storage"]) }))).toBeUndefined();
  });

  it("refuses a statement that claims to be signed in the future", () => {
    const future = createReleaseStatement(parsePluginPackage(packageJson), files, new Date(NOW.getTime() + 3_600_000));
    expect(codeOf(observed({ envelope: signRelease(future, acme) }))).toBe("SDK_ERR_KEY_NOT_VALID");
  });

  it("refuses a signed statement that breaks its schema", () => {
    expect(codeOf(observed({ envelope: signEnvelope(PayloadTypes.release, { ...statement, files: { "a.js": "not a hash" } }, [acme]) }))).toBe(
      "SDK_ERR_STATEMENT_INVALID",
    );
  });

  it("refuses an invalid package.json with the manifest's code, after the signature checks", () => {
    expect(codeOf(observed({ packageJson: { name: "@acme/notes" } }))).toBe("SDK_ERR_MANIFEST_INVALID");
    expect(codeOf(observed({ packageJson: { name: "@acme/notes" }, envelope: undefined }))).toBe("SDK_ERR_SIGNATURE_MISSING");
  });

  it("refuses an observed file whose name is an Object property name when it is not listed", () => {
    expect(codeOf(observed({ files: new Map([...files, ["constructor", sha("x")], ["__proto__", sha("y")]]) }))).toBe("SDK_ERR_FILE_UNLISTED");
  });
});

describe("verifyRelease properties", () => {
  const releaseCodes = [
    "SDK_ERR_SIGNATURE_MISSING",
    "SDK_ERR_ENVELOPE_INVALID",
    "SDK_ERR_PAYLOAD_TYPE",
    "SDK_ERR_SIGNATURE_INVALID",
    "SDK_ERR_KEY_UNKNOWN",
    "SDK_ERR_STATEMENT_INVALID",
    "SDK_ERR_KEY_SCOPE",
    "SDK_ERR_KEY_NOT_VALID",
    "SDK_ERR_MANIFEST_INVALID",
    "SDK_ERR_PACKAGE_MISMATCH",
    "SDK_ERR_FILE_MISSING",
    "SDK_ERR_FILE_HASH_MISMATCH",
    "SDK_ERR_FILE_UNLISTED",
  ] as const;
  const filesArb = fc.dictionary(
    fc.string({ minLength: 1, maxLength: 20 }),
    fc.oneof(fc.stringMatching(/^[0-9a-f]{64}$/), fc.constantFrom(...files.values())),
    { maxKeys: 4 },
  );

  it("answers arbitrary observed packages (any envelope, package.json and files) with a result or a release error code", () => {
    const envelopeArb = fc.oneof(
      anyValue,
      anyJson.map((payload) => signEnvelope(PayloadTypes.release, payload, [acme])),
      fc.constant(signed),
    );
    fc.assert(
      fc.property(
        envelopeArb,
        fc.oneof(anyValue, fc.constant(packageJson)),
        fc.oneof(filesArb, fc.constant(Object.fromEntries(files))),
        (envelope, pkg, fileRecord) => {
          onlyCodedErrors(() => verifyRelease({ envelope, packageJson: pkg, files: new Map(Object.entries(fileRecord)) }, keyring, NOW), releaseCodes);
        },
      ),
      RUNS,
    );
  });

  it("answers a signed statement with any one field replaced by any JSON with a result or a release error code", () => {
    const paths = [
      ["type"],
      ["name"],
      ["version"],
      ["sdk"],
      ["module"],
      ["permissions"],
      ["signedAt"],
      ["files"],
      ["files", "server.js"],
      ["files", "__proto__"],
    ];
    fc.assert(
      fc.property(fc.constantFrom(...paths), fc.option(anyJson, { nil: undefined }), (path, value) => {
        const envelope = signEnvelope(PayloadTypes.release, withFieldReplaced(statement as unknown as Record<string, unknown>, path, value), [acme]);
        onlyCodedErrors(() => verifyRelease(observed({ envelope }), keyring, NOW), releaseCodes);
      }),
      RUNS,
    );
  });

  it("passes only when the observed files are exactly the signed ones", () => {
    fc.assert(
      fc.property(filesArb, (extra) => {
        const seen = new Map([...files, ...Object.entries(extra)]);
        const code = codeOf(observed({ files: seen }));
        const same = seen.size === files.size && [...files].every(([p, h]) => seen.get(p) === h);
        expect(code === undefined).toBe(same);
      }),
      RUNS,
    );
  });
});
