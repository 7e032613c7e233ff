// Trusting an outside publisher on a host, end to end over HTTP: a real registry, a real host listening on
// 127.0.0.1, the publisher's own keys. Install refused naming the fingerprint, trusted through the API,
// installed without a restart, verified offline, revoked with the data kept.

import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createTestTrust } from "@archnest/sdk/testing";
import { createKeyring, generateKeyPair, type KeyPair, publicKeyToPem, rotateKeyring, verifyKeyring } from "@archnest/sdk/trust";
import { afterEach, describe, expect, it } from "vitest";
import { attachPlugins } from "../src/plugins/attach.js";
import { fixtureTarball, HELLO_ROUTES } from "../src/plugins/test-fixtures.js";
import { serveHost, serverUrl } from "../src/server/index.js";
import { createTestHost, setupAdmin } from "../src/testing/index.js";
import { runRegistry } from "./registry-harness.js";

const trust = createTestTrust();
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Publisher {
  root: KeyPair;
  release: KeyPair;
  keyring: unknown;
}

function publisher(scopes: string[]): Publisher {
  const root = generateKeyPair();
  const release = generateKeyPair();
  const keyring = createKeyring([root], { now: new Date(Date.now() - 60_000), keys: [{ key: release, name: "outside-ci", roles: ["release"], scopes }] });
  return { root, release, keyring };
}

async function stack(withRegistry = true, registryUrl?: string) {
  const reg = withRegistry && !registryUrl ? await runRegistry(trust, () => new Date()) : undefined;
  if (reg) cleanups.push(() => reg.cleanup());
  const t = await createTestHost();
  cleanups.push(() => t.cleanup());
  const url = registryUrl ?? reg?.url;
  await attachPlugins(t.host, { trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }], ...(url && { registryUrl: url }) });
  const server: Server = serveHost(t.host, { port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((resolve) => server.once("listening", () => resolve()));
  cleanups.push(
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
  const hostUrl = serverUrl(server);
  const admin = await setupAdmin(t.host);
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${hostUrl}${path}`, { ...init, headers: { "content-type": "application/json", ...admin.headers, ...(init.headers as Record<string, string>) } });
  const json = async <T = Record<string, unknown>>(path: string, init?: RequestInit) => (await (await api(path, init)).json()) as T;
  const upload = (file: string) =>
    api("/api/plugins/install?acceptPermissions=storage", { method: "POST", headers: { "content-type": "application/gzip" }, body: readFileSync(file) });
  return { reg, url: hostUrl, admin, api, json, upload };
}

async function registerPublisher(regUrl: string, p: Publisher, name: string, scope: string): Promise<string> {
  const res = await fetch(`${regUrl}/v1/publishers`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, scopes: [scope], rootPublicKey: publicKeyToPem(p.root), keyring: p.keyring }),
  });
  if (res.status !== 201) throw new Error(`register: ${res.status} ${await res.text()}`);
  return String(((await res.json()) as { token: string }).token);
}

async function publishAs(regUrl: string, token: string, file: string): Promise<void> {
  const res = await fetch(`${regUrl}/v1/packages`, { method: "PUT", headers: { authorization: `Bearer ${token}` }, body: readFileSync(file) });
  if (res.status !== 201) throw new Error(`publish: ${res.status} ${await res.text()}`);
}

describe("trusted publishers on a host", () => {
  it("refuses an unknown key naming the publisher's fingerprint, trusts it by fingerprint, installs at once, verifies offline, and stops its plugins when revoked", async () => {
    const s = await stack();
    const reg = s.reg as NonNullable<typeof s.reg>;
    const outside = publisher(["@outside/*"]);
    const fp = outside.root.keyid;
    const token = await registerPublisher(reg.url, outside, "Outside Labs", "@outside");
    const v1 = await fixtureTarball({ id: "outside-hello", name: "@outside/hello", permissions: ["storage"], setup: HELLO_ROUTES }, outside.release);
    await publishAs(reg.url, token, v1);

    // Unknown key: the refusal names the key, the publisher the registry knows, its fingerprint and the step.
    const refused = await s.api("/api/plugins/install", { method: "POST", body: JSON.stringify({ ref: "@outside/hello", acceptPermissions: ["storage"] }) });
    expect(refused.status).toBe(422);
    const why = (await refused.json()) as { error: string; message: string };
    expect(why.error).toBe("SDK_ERR_KEY_UNKNOWN");
    expect(why.message).toContain(outside.release.keyid);
    expect(why.message).toContain('"Outside Labs"');
    expect(why.message).toContain(`Trust the publisher with fingerprint ${fp} in Settings → Plugins → Trusted publishers`);
    expect(why.message).toContain(`archnest-plugin trust add ${fp} --host`);

    // The preview shows what the registry says before anything is stored.
    expect(await s.json(`/api/trust/publishers/lookup/${fp}`)).toMatchObject({ fingerprint: fp, name: "Outside Labs", scopes: ["@outside/*"] });
    expect(await s.json("/api/trust/publishers")).toEqual({ publishers: [] });

    // Trusting needs the CSRF token like every admin change.
    const noCsrf = await fetch(`${s.url}/api/trust/publishers`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: s.admin.cookie },
      body: JSON.stringify({ fingerprint: fp }),
    });
    expect(noCsrf.status).toBe(403);

    const trusted = await s.api("/api/trust/publishers", { method: "POST", body: JSON.stringify({ fingerprint: fp.toUpperCase() }) });
    expect(trusted.status).toBe(201);
    expect(await trusted.json()).toMatchObject({ fingerprint: fp, name: "Outside Labs", scopes: ["@outside/*"], keys: [{ keyid: outside.release.keyid }] });

    // The same install now succeeds, without a restart.
    const installed = await s.api("/api/plugins/install", { method: "POST", body: JSON.stringify({ ref: "@outside/hello", acceptPermissions: ["storage"] }) });
    expect(installed.status).toBe(201);
    expect(await s.json("/api/plugins/outside-hello/count")).toEqual({ n: 1 });

    // Offline: the registry is gone, and a newer version uploaded as a file still verifies.
    await reg.stop();
    const v2 = await fixtureTarball(
      { id: "outside-hello", name: "@outside/hello", version: "1.1.0", permissions: ["storage"], setup: HELLO_ROUTES },
      outside.release,
    );
    const offline = await s.upload(v2);
    expect(offline.status).toBe(201);
    expect(await offline.json()).toMatchObject({ id: "outside-hello", version: "1.1.0", state: "active" });
    expect(await s.json("/api/plugins/outside-hello/count")).toEqual({ n: 2 });

    // Revoked: the plugin stops at once, the state says why, nothing is deleted.
    const removed = await s.api(`/api/trust/publishers/${fp}`, { method: "DELETE" });
    expect(removed.status).toBe(200);
    const plugins = await s.json<{ id: string; state: string; errorCode?: string; error?: string; version: string }[]>("/api/plugins");
    const stopped = plugins.find((p) => p.id === "outside-hello");
    expect(stopped).toMatchObject({ state: "failed", version: "1.1.0" });
    expect(JSON.stringify(stopped)).toContain("HOST_ERR_PUBLISHER_UNTRUSTED");
    expect((await s.api("/api/plugins/outside-hello/count")).status).not.toBe(200);

    // Trusted again (offline, from its root key and keyring): it starts with its data intact.
    const again = await s.api("/api/trust/publishers", {
      method: "POST",
      body: JSON.stringify({ rootPublicKey: publicKeyToPem(outside.root), keyring: outside.keyring, name: "Outside Labs" }),
    });
    expect(again.status).toBe(201);
    expect(await again.json()).toMatchObject({ fingerprint: fp, scopes: ["@outside/*"] });
    expect(await s.json("/api/plugins/outside-hello/count")).toEqual({ n: 3 });
  });

  it("never lets a publisher's keyring sign for @archnest, for a scope outside its own, or a paid module", async () => {
    const s = await stack(false);
    // A keyring that lists a key for @archnest/* is refused when trusted, with the problem named.
    const greedyRoot = generateKeyPair();
    const greedyKey = generateKeyPair();
    const greedy = createKeyring([greedyRoot], {
      now: new Date(Date.now() - 60_000),
      keys: [
        { key: greedyKey, name: "greedy", roles: ["release"], scopes: ["@archnest/*"] },
        { key: generateKeyPair(), name: "own", roles: ["release"], scopes: ["@greedy/*"] },
      ],
    });
    const refused = await s.api("/api/trust/publishers", {
      method: "POST",
      body: JSON.stringify({ rootPublicKey: publicKeyToPem(greedyRoot), keyring: greedy }),
    });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: "HOST_ERR_PUBLISHER_SCOPE_RESERVED" });
    const stolen = await fixtureTarball({ id: "stolen", name: "@archnest/stolen", setup: HELLO_ROUTES }, greedyKey);
    const install = await s.upload(stolen);
    expect(install.status).toBe(422);
    expect(await install.json()).toMatchObject({ error: "SDK_ERR_KEY_UNKNOWN" });

    // Trusted for @outside/*, its key still cannot sign another scope, nor a paid module in its own.
    const outside = publisher(["@outside/*"]);
    const ok = await s.api("/api/trust/publishers", {
      method: "POST",
      body: JSON.stringify({ rootPublicKey: publicKeyToPem(outside.root), keyring: outside.keyring }),
    });
    expect(ok.status).toBe(201);
    expect(await ok.json()).toMatchObject({ scopes: ["@outside/*"], fingerprint: outside.root.keyid });
    const elsewhere = await s.upload(await fixtureTarball({ id: "elsewhere", name: "@archnest/elsewhere", setup: HELLO_ROUTES }, outside.release));
    expect(await elsewhere.json()).toMatchObject({ error: "SDK_ERR_KEY_SCOPE" });
    const paid = await s.upload(await fixtureTarball({ id: "pro", name: "@outside/pro", module: "tmux", setup: HELLO_ROUTES }, outside.release));
    expect(paid.status).toBe(403);
    expect(await paid.json()).toMatchObject({ error: "HOST_ERR_PUBLISHER_PAID_MODULE" });
    expect((await s.json<{ id: string }[]>("/api/plugins")).map((p) => p.id)).not.toContain("pro");

    // A newer keyring replaces the trusted one; an older one is never taken back, even after a removal.
    const v2 = rotateKeyring([outside.root], verifyKeyring(outside.keyring, { rootKeys: [outside.root], now: new Date() }), {
      add: [{ key: generateKeyPair(), name: "ci-2", roles: ["release"], scopes: ["@outside/*"] }],
    });
    const offline = (keyring: unknown) =>
      s.api("/api/trust/publishers", { method: "POST", body: JSON.stringify({ rootPublicKey: publicKeyToPem(outside.root), keyring }) });
    const rotated = await offline(v2);
    expect(rotated.status).toBe(201);
    expect(await rotated.json()).toMatchObject({ keyringVersion: 2 });
    expect((await s.api(`/api/trust/publishers/${outside.root.keyid}`, { method: "DELETE" })).status).toBe(200);
    const rolledBack = await offline(outside.keyring);
    expect(rolledBack.status).toBe(422);
    expect(await rolledBack.json()).toMatchObject({ error: "HOST_ERR_PUBLISHER_INVALID", message: expect.stringMatching(/older than version 2/) });
    expect(await s.json("/api/trust/publishers")).toEqual({ publishers: [] });

    // Without a registry, trusting by fingerprint says what to do instead.
    const byFp = await s.api("/api/trust/publishers", { method: "POST", body: JSON.stringify({ fingerprint: generateKeyPair().keyid }) });
    expect(await byFp.json()).toMatchObject({ error: "HOST_ERR_NO_REGISTRY" });
  });

  it("refuses a registry that answers another root key for the fingerprint asked", async () => {
    // A registry under an attacker's control: it answers every publisher lookup with its own anchor.
    const attacker = publisher(["@outside/*"]);
    const fake = createServer((req, res) => {
      const body = req.url?.startsWith("/v1/publishers/")
        ? {
            name: "Outside Labs",
            scopes: ["@outside/*"],
            fingerprint: req.url.split("/").pop(),
            rootPublicKey: publicKeyToPem(attacker.root),
            keyring: attacker.keyring,
          }
        : { error: "REG_ERR_NOT_FOUND" };
      res.writeHead(body.error ? 404 : 200, { "content-type": "application/json" }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => fake.listen(0, "127.0.0.1", resolve));
    cleanups.push(() => new Promise<void>((resolve) => fake.close(() => resolve())));
    const s = await stack(true, `http://127.0.0.1:${(fake.address() as AddressInfo).port}`);
    const wanted = generateKeyPair().keyid;
    for (const res of [
      await s.api(`/api/trust/publishers/lookup/${wanted}`),
      await s.api("/api/trust/publishers", { method: "POST", body: JSON.stringify({ fingerprint: wanted }) }),
    ]) {
      expect(res.status).toBe(422);
      expect(await res.json()).toMatchObject({ error: "HOST_ERR_PUBLISHER_FINGERPRINT_MISMATCH" });
    }
    expect(await s.json("/api/trust/publishers")).toEqual({ publishers: [] });
  });
});
