// Trusted publishers over HTTP: an outside author registers with its own root key and keyring (no admin
// token), publishes free plugins signed by its own release keys inside its scopes, and rotates its keyring.

import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { createKeyring, generateKeyPair, type KeyPair, publicKeyToPem, rotateKeyring, verifyKeyring } from "@archnest/sdk/trust";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, createAuthor, makePlugin, startRegistry, type TestRegistry } from "./helpers.js";

let reg: TestRegistry;
let server: ReturnType<typeof serve>;
let url: string;

beforeAll(async () => {
  reg = await startRegistry();
  await createAuthor(reg.app, ["@taken/*"], "taken");
  server = serve({ fetch: reg.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((r) => server.once("listening", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await reg.cleanup();
});

interface Author {
  root: KeyPair;
  release: KeyPair;
  keyring: unknown;
}

function author(scopes: string[], extra: Parameters<typeof createKeyring>[1]["keys"] = []): Author {
  const root = generateKeyPair();
  const release = generateKeyPair();
  const keyring = createKeyring([root], { now: new Date(Date.now() - 60_000), keys: [{ key: release, name: "ci", roles: ["release"], scopes }, ...extra] });
  return { root, release, keyring };
}

async function register(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/v1/publishers`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

function registration(a: Author, name: string, scopes: string[]) {
  return { name, scopes, rootPublicKey: publicKeyToPem(a.root), keyring: a.keyring };
}

async function publish(token: string, file: string): Promise<Response> {
  return fetch(`${url}/v1/packages`, {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
    body: readFileSync(file),
  });
}

describe("registering a publisher", () => {
  const outside = author(["@outside/*"]);
  let token = "";

  it("needs no admin token and answers the fingerprint (the root key id) and a publish token", async () => {
    const res = await register(registration(outside, "Outside Labs", ["@outside"]));
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({ name: "Outside Labs", scopes: ["@outside/*"], fingerprint: outside.root.keyid, token: expect.stringMatching(/^anr_/) });
    token = String(body.token);
    expect(JSON.stringify(reg.logs)).not.toContain(token);
  });

  it("answers the public anchor by fingerprint and by one of its release keys", async () => {
    const byFingerprint = (await (await fetch(`${url}/v1/publishers/${outside.root.keyid}`)).json()) as Record<string, unknown>;
    expect(byFingerprint).toMatchObject({ name: "Outside Labs", scopes: ["@outside/*"], fingerprint: outside.root.keyid, keyring: outside.keyring });
    expect(byFingerprint).not.toHaveProperty("token");
    expect(byFingerprint).not.toHaveProperty("tokenHash");
    expect(verifyKeyring(byFingerprint.keyring, { rootKeys: [outside.root], now: new Date() }).document.keys[0]?.keyid).toBe(outside.release.keyid);
    const byKey = await fetch(`${url}/v1/publishers/by-key/${outside.release.keyid}`);
    expect(await byKey.json()).toMatchObject({ fingerprint: outside.root.keyid });
    const unknown = await fetch(`${url}/v1/publishers/by-key/${generateKeyPair().keyid}`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: "REG_ERR_PUBLISHER_NOT_FOUND" });
  });

  it("refuses the first-party scope, scopes the official keyring covers, and scopes someone owns", async () => {
    const cases: [string, number, string][] = [
      ["@archnest", 403, "REG_ERR_SCOPE_RESERVED"],
      ["@acme", 403, "REG_ERR_SCOPE_RESERVED"],
      ["@taken", 409, "REG_ERR_SCOPE_TAKEN"],
      ["@outside", 409, "REG_ERR_SCOPE_TAKEN"],
    ];
    for (const [scope, status, code] of cases) {
      const a = author([`${scope}/*`]);
      const res = await register(registration(a, `squatter ${scope}`, [scope]));
      expect([scope, res.status]).toEqual([scope, status]);
      expect(await res.json()).toMatchObject({ error: code });
    }
    // Nothing was half-registered by the refusals.
    expect((await fetch(`${url}/v1/publishers/by-key/${outside.release.keyid}`)).status).toBe(200);
    // And an author the admin creates later cannot take the publisher's scope either.
    const res = await fetch(`${url}/v1/admin/authors`, {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "late", scopes: ["@outside/tool"] }),
    });
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: "REG_ERR_SCOPE_TAKEN" });
  });

  it("refuses a keyring its root did not sign, and keys that reach outside the publisher", async () => {
    const a = author(["@forged/*"]);
    const notMine = await register({ ...registration(a, "forged", ["@forged"]), rootPublicKey: publicKeyToPem(generateKeyPair()) });
    expect(notMine.status).toBe(422);
    expect(await notMine.json()).toMatchObject({ error: "REG_ERR_PUBLISHER_KEYRING" });

    const greedy = author(["@greedy/*"], [{ key: generateKeyPair(), name: "stolen", roles: ["release"], scopes: ["@archnest/*"] }]);
    const outsideScope = await register(registration(greedy, "greedy", ["@greedy"]));
    expect(outsideScope.status).toBe(422);
    const body = (await outsideScope.json()) as { error: string; details: string[] };
    expect(body.error).toBe("REG_ERR_PUBLISHER_KEY_OUTSIDE");
    expect(body.details.join("\n")).toMatch(/scope @archnest\/\*, outside @greedy\/\*/);

    const licensing = author(["@lic/*"], [{ key: generateKeyPair(), name: "lic", roles: ["license"] }]);
    const wrongRole = await register(registration(licensing, "lic", ["@lic"]));
    expect(await wrongRole.json()).toMatchObject({ error: "REG_ERR_PUBLISHER_KEY_OUTSIDE", message: expect.stringMatching(/role license/) });
    expect((await fetch(`${url}/v1/publishers/${greedy.root.keyid}`)).status).toBe(404);
  });

  it("publishes a free plugin signed by the publisher's own release key, refuses paid modules and names outside its scopes", async () => {
    const free = await makePlugin(reg.dir, { name: "@outside/hello", version: "1.0.0", module: "free", key: outside.release });
    const ok = await publish(token, free);
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ name: "@outside/hello", version: "1.0.0", module: "free" });
    expect((await fetch(`${url}/@outside/hello`)).status).toBe(200);

    const paid = await makePlugin(reg.dir, { name: "@outside/pro", version: "1.0.0", module: "tmux", key: outside.release });
    const refused = await publish(token, paid);
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: "REG_ERR_PUBLISHER_PAID_MODULE" });

    const elsewhere = await makePlugin(reg.dir, { name: "@acme/hijack", version: "9.0.0", module: "free", key: outside.release });
    const scoped = await publish(token, elsewhere);
    expect(scoped.status).toBe(422);
    expect(await scoped.json()).toMatchObject({ error: "SDK_ERR_KEY_SCOPE" });
  });

  it("rotates its keyring with its token to a higher version, and the new key then publishes", async () => {
    const next = generateKeyPair();
    const current = verifyKeyring(outside.keyring, { rootKeys: [outside.root], now: new Date() });
    const rotated = rotateKeyring([outside.root], current, {
      add: [{ key: next, name: "ci-2", roles: ["release"], scopes: ["@outside/*"], validFrom: new Date(Date.now() - 60_000) }],
    });
    const put = (keyring: unknown, bearer: string) =>
      fetch(`${url}/v1/publishers/${outside.root.keyid}/keyring`, {
        method: "PUT",
        headers: { authorization: `Bearer ${bearer}`, "content-type": "application/json" },
        body: JSON.stringify({ keyring }),
      });

    const stale = await put(outside.keyring, token);
    expect(stale.status).toBe(409);
    expect(await stale.json()).toMatchObject({ error: "REG_ERR_PUBLISHER_KEYRING_VERSION" });
    const stranger = await put(rotated, "anr_not-the-token");
    expect(stranger.status).toBe(401);

    const res = await put(rotated, token);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ fingerprint: outside.root.keyid, keyring: rotated });
    expect(await (await fetch(`${url}/v1/publishers/by-key/${next.keyid}`)).json()).toMatchObject({ fingerprint: outside.root.keyid });
    const file = await makePlugin(reg.dir, { name: "@outside/hello", version: "1.1.0", module: "free", key: next });
    expect((await publish(token, file)).status).toBe(201);
  });
});
