import { describe, expect, it } from "vitest";
import { generateKeyPair } from "../crypto/keys.js";
import { createKeyring, verifyKeyring } from "../keyring/index.js";
import { type ObservedPackage, verifyRelease } from "../release/index.js";
import { keyScopeWithin, mergeKeyrings, publisherKeyringProblems, publisherScope, restrictKeyring } from "./index.js";

const now = new Date();

describe("publisher scopes", () => {
  it("keeps whole npm scopes only", () => {
    expect(publisherScope("@acme")).toBe("@acme/*");
    expect(publisherScope("@acme/*")).toBe("@acme/*");
    for (const bad of ["acme", "@acme/tool", "*", "@Acme", "@acme/x/*"]) expect(() => publisherScope(bad)).toThrow(/not an npm scope/);
  });

  it("lets a key scope through only when everything it matches is inside the publisher's scopes", () => {
    expect(keyScopeWithin("@acme/*", ["@acme/*"])).toBe(true);
    expect(keyScopeWithin("@acme/tool", ["@acme/*"])).toBe(true);
    expect(keyScopeWithin("@acme/t*", ["@acme/*"])).toBe(true);
    expect(keyScopeWithin("@archnest/*", ["@acme/*"])).toBe(false);
    expect(keyScopeWithin("@acme-evil/*", ["@acme/*"])).toBe(false);
    expect(keyScopeWithin("*", ["@acme/*"])).toBe(false);
    expect(keyScopeWithin("tool", ["@acme/*"])).toBe(false);
  });
});

describe("a publisher's keyring", () => {
  const root = generateKeyPair();
  const good = generateKeyPair();
  const greedy = generateKeyPair();
  const env = createKeyring([root], {
    keys: [
      { key: good, name: "ci", roles: ["release"], scopes: ["@acme/*"] },
      { key: greedy, name: "greedy", roles: ["release", "license"], scopes: ["@acme/x", "@archnest/*"] },
    ],
  });
  const ring = verifyKeyring(env, { rootKeys: [root], now });

  it("names every key that reaches outside the publisher's scopes or roles", () => {
    const problems = publisherKeyringProblems(ring, ["@acme/*"]);
    expect(problems).toHaveLength(2);
    expect(problems.join("\n")).toMatch(/role license/);
    expect(problems.join("\n")).toMatch(/scope @archnest\/\*, outside @acme\/\*/);
  });

  it("is cut down to release keys inside its scopes, so it can never sign an @archnest package", () => {
    const usable = restrictKeyring(ring, ["@acme/*"]);
    const greedyEntry = usable.document.keys.find((k) => k.keyid === greedy.keyid);
    expect(greedyEntry).toMatchObject({ roles: ["release"], scopes: ["@acme/x"] });
    const officialRoot = generateKeyPair();
    const official = verifyKeyring(createKeyring([officialRoot], { keys: [{ key: greedy, name: "official", roles: ["release"], scopes: ["@archnest/*"] }] }), {
      rootKeys: [officialRoot],
      now,
    });
    // The same key listed by both: the official entry wins, the publisher cannot widen it.
    const merged = mergeKeyrings([official, usable]);
    expect(merged.document.keys.filter((k) => k.keyid === greedy.keyid)).toEqual([expect.objectContaining({ scopes: ["@archnest/*"] })]);
  });

  it("names the signing key when the keyring does not list it", () => {
    const stranger = generateKeyPair();
    const merged = mergeKeyrings([restrictKeyring(ring, ["@acme/*"])]);
    const observed: ObservedPackage = {
      files: new Map<string, string>(),
      packageJson: {},
      envelope: { payloadType: "application/vnd.archnest.release+json", payload: "e30=", signatures: [{ keyid: stranger.keyid, sig: "AA==" }] },
    };
    try {
      verifyRelease(observed, merged, now);
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: "SDK_ERR_KEY_UNKNOWN", details: [stranger.keyid] });
    }
  });
});
