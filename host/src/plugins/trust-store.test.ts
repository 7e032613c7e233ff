import { createTestTrust } from "@archnest/sdk/testing";
import { createKeyring, generateKeyPair } from "@archnest/sdk/trust";
import { describe, expect, it } from "vitest";
import { type PublisherTrust, TrustStore } from "./trust-store.js";

function memoryVersions() {
  const m = new Map<string, number>();
  return { get: async (k: string) => m.get(k), set: async (k: string, v: number) => void m.set(k, v) };
}

describe("TrustStore with trusted publishers", () => {
  const official = createTestTrust({ scopes: ["@archnest/*"] });
  const root = generateKeyPair();
  const key = generateKeyPair();
  const now = new Date(Date.now() - 60_000);
  const keyring = createKeyring([root], { now, keys: [{ key, name: "greedy", roles: ["release"], scopes: ["@archnest/*", "@outside/tool"] }] });

  it("keeps a publisher's keys inside its scopes and clear of the official ones, whatever its stored record claims", async () => {
    // A record that claims @archnest/* (as a tampered database might): the store still refuses it.
    const stored: PublisherTrust = { fingerprint: root.keyid, name: "greedy", scopes: ["@archnest/*", "@outside/*"], rootKey: root, keyring };
    const store = new TrustStore(
      [{ rootKeys: [official.root], keyring: official.keyringEnvelope }],
      memoryVersions(),
      () => new Date(),
      async () => [stored],
    );
    const merged = await store.keyring();
    expect(merged.document.keys.find((k) => k.keyid === key.keyid)?.scopes).toEqual(["@outside/tool"]);
    expect(await store.ownerOf(key.keyid)).toEqual({ fingerprint: root.keyid, name: "greedy" });
    expect(await store.ownerOf(official.release.keyid)).toBeUndefined();
  });

  it("reads the publishers again after invalidate, and leaves out one whose keyring no longer verifies", async () => {
    let list: PublisherTrust[] = [];
    const skipped: string[] = [];
    const store = new TrustStore(
      [{ rootKeys: [official.root], keyring: official.keyringEnvelope }],
      memoryVersions(),
      () => new Date(),
      async () => list,
      (p) => skipped.push(p.fingerprint),
    );
    expect((await store.keyring()).document.keys.some((k) => k.keyid === key.keyid)).toBe(false);
    list = [{ fingerprint: root.keyid, name: "p", scopes: ["@outside/*"], rootKey: root, keyring }];
    store.invalidate();
    expect((await store.keyring()).document.keys.some((k) => k.keyid === key.keyid)).toBe(true);
    list = [{ fingerprint: root.keyid, name: "p", scopes: ["@outside/*"], rootKey: generateKeyPair(), keyring }];
    store.invalidate();
    expect((await store.keyring()).document.keys.some((k) => k.keyid === key.keyid)).toBe(false);
    expect(skipped).toEqual([root.keyid]);
  });
});
