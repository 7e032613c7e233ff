import { createPublicKey, verify } from "node:crypto";
import { readFileSync } from "node:fs";
import { verifyKeyring, verifyStatusIndex } from "@archnest/sdk/trust";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAuthor, makePlugin, publish, startRegistry, type TestRegistry } from "./helpers.js";

let reg: TestRegistry;
let acmeToken: string;
let firstPartyToken: string;

beforeAll(async () => {
  reg = await startRegistry();
  acmeToken = await createAuthor(reg.app, ["@acme/*"]);
  firstPartyToken = await createAuthor(reg.app, ["@archnest/*"], "archnest");
});
afterAll(() => reg.cleanup());

describe("health", () => {
  it("answers /healthz and /readyz with a request id", async () => {
    const res = await reg.app.request("/healthz", { headers: { "x-request-id": "abc-123" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("x-request-id")).toBe("abc-123");
    expect(await (await reg.app.request("/readyz")).json()).toMatchObject({ ok: true, checkout: "unavailable" });
    expect(reg.logs.some((l) => l.msg === "request" && l.requestId === "abc-123" && l.status === 200)).toBe(true);
  });
});

describe("publishing", () => {
  it("accepts a signed tarball from an author whose scope covers it", async () => {
    const file = await makePlugin(reg.dir, { name: "@acme/hello", version: "1.0.0", module: "free", key: reg.keys.thirdParty });
    const res = await publish(reg.app, acmeToken, readFileSync(file));
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, string>;
    expect(body).toMatchObject({ name: "@acme/hello", version: "1.0.0", module: "free", tarball: "http://registry.test/v1/tarballs/%40acme%2Fhello/1.0.0" });
    expect(body.integrity).toMatch(/^sha512-[A-Za-z0-9+/]{86}==$/);
  });

  it("refuses an unsigned tarball with the SDK's code", async () => {
    const file = await makePlugin(reg.dir, { name: "@acme/unsigned", version: "1.0.0", module: "free", key: undefined });
    const res = await publish(reg.app, acmeToken, readFileSync(file));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: "SDK_ERR_SIGNATURE_MISSING" });
  });

  it("refuses a package signed by a key whose keyring scope does not cover it", async () => {
    const file = await makePlugin(reg.dir, { name: "@archnest/stolen", version: "1.0.0", module: "tmux", key: reg.keys.thirdParty });
    const res = await publish(reg.app, firstPartyToken, readFileSync(file));
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ error: "SDK_ERR_KEY_SCOPE" });
  });

  it("refuses a package outside the author's own scopes", async () => {
    const file = await makePlugin(reg.dir, { name: "@archnest/tmux", version: "1.0.0", module: "tmux", key: reg.keys.release });
    const res = await publish(reg.app, acmeToken, readFileSync(file));
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: "REG_ERR_SCOPE" });
  });

  it("never replaces a published version", async () => {
    const first = await makePlugin(reg.dir, { name: "@archnest/tmux", version: "1.0.0", module: "tmux", key: reg.keys.release });
    expect((await publish(reg.app, firstPartyToken, readFileSync(first))).status).toBe(201);
    const again = await makePlugin(reg.dir, { name: "@archnest/tmux", version: "1.0.0", module: "tmux", key: reg.keys.release, padBytes: 10 });
    const res = await publish(reg.app, firstPartyToken, readFileSync(again));
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ error: "REG_ERR_VERSION_EXISTS" });
  });

  it("refuses an upload without a valid author token, and a tampered tarball", async () => {
    const file = readFileSync(await makePlugin(reg.dir, { name: "@acme/other", version: "1.0.0", module: "free", key: reg.keys.thirdParty }));
    expect((await publish(reg.app, "anr_wrong", file)).status).toBe(401);
    const cut = await publish(reg.app, acmeToken, file.subarray(0, file.length - 40));
    expect(cut.status).toBe(422);
    expect(((await cut.json()) as { error: string }).error).toMatch(/^SDK_ERR_TARBALL_/);
  });
});

describe("catalog and npm metadata", () => {
  beforeAll(async () => {
    for (const [version, sdk] of [
      ["1.1.0", "^1.0.0"],
      ["2.0.0", "^2.0.0"],
    ] as const) {
      const file = await makePlugin(reg.dir, { name: "@archnest/tmux", version, module: "tmux", key: reg.keys.release, sdk });
      expect((await publish(reg.app, firstPartyToken, readFileSync(file))).status).toBe(201);
    }
  });

  it("lists every plugin with module, price, bundles, latest version per SDK major, and whether it is free", async () => {
    const body = (await (await reg.app.request("/v1/catalog")).json()) as {
      plugins: Record<string, unknown>[];
      modules: { slug: string; price: string }[];
      bundles: { slug: string; price: string; saving: string }[];
    };
    const tmux = body.plugins.find((p) => p.name === "@archnest/tmux");
    expect(tmux).toMatchObject({
      displayName: "Plugin tmux",
      module: "tmux",
      free: false,
      price: "$5",
      bundles: ["ssh-pro", "everything"],
      latest: "2.0.0",
      latestBySdkMajor: { "1": "1.1.0", "2": "2.0.0" },
    });
    expect(body.plugins.find((p) => p.name === "@acme/hello")).toMatchObject({ free: true, price: null, bundles: [] });
    expect(body.modules).toHaveLength(30);
    expect(body.bundles.find((b) => b.slug === "everything")).toMatchObject({ price: "$99", saving: "$51" });
  });

  it("serves a packument in npm's shape whose dist.signatures verify with /-/npm/v1/keys", async () => {
    const keys = (await (await reg.app.request("/-/npm/v1/keys")).json()) as { keys: { keyid: string; key: string; keytype: string }[] };
    expect(keys.keys[0]).toMatchObject({ keytype: "ecdsa-sha2-nistp256", scheme: "ecdsa-sha2-nistp256", expires: null });
    for (const path of ["/@archnest/tmux", "/@archnest%2ftmux", "/%40archnest%2Ftmux"]) {
      const res = await reg.app.request(path);
      expect(res.status).toBe(200);
      const doc = (await res.json()) as {
        name: string;
        "dist-tags": { latest: string };
        versions: Record<string, { name: string; version: string; archnest: { module: string }; dist: Record<string, unknown> }>;
        time: Record<string, string>;
      };
      expect(doc.name).toBe("@archnest/tmux");
      expect(doc["dist-tags"].latest).toBe("2.0.0");
      expect(Object.keys(doc.versions)).toEqual(["1.0.0", "1.1.0", "2.0.0"]);
      expect(doc.time["1.1.0"]).toMatch(/^\d{4}-/);
      const v = doc.versions["1.1.0"];
      expect(v?.archnest.module).toBe("tmux");
      expect(v).toMatchObject({ name: "@archnest/tmux", version: "1.1.0", license: "Apache-2.0", _id: "@archnest/tmux@1.1.0" });
      const dist = v?.dist as { tarball: string; integrity: string; shasum: string; signatures: { keyid: string; sig: string }[] };
      expect(dist.tarball).toBe("http://registry.test/v1/tarballs/%40archnest%2Ftmux/1.1.0");
      expect(dist.shasum).toMatch(/^[0-9a-f]{40}$/);
      const sig = dist.signatures[0];
      const key = keys.keys.find((k) => k.keyid === sig?.keyid);
      expect(key).toBeDefined();
      const pub = createPublicKey({ key: Buffer.from(key?.key ?? "", "base64"), format: "der", type: "spki" });
      const message = Buffer.from(`@archnest/tmux@1.1.0:${dist.integrity}`);
      expect(verify("sha256", message, pub, Buffer.from(sig?.sig ?? "", "base64"))).toBe(true);
      expect(verify("sha256", Buffer.from(`@archnest/tmux@1.1.1:${dist.integrity}`), pub, Buffer.from(sig?.sig ?? "", "base64"))).toBe(false);
    }
    expect((await reg.app.request("/@archnest/nothing")).status).toBe(404);
  });

  it("publishes a signed status index and revokes a version through the admin endpoint", async () => {
    const keyring = verifyKeyring(reg.keys.keyring, { rootKeys: [reg.keys.root], now: new Date() });
    const before = verifyStatusIndex(await (await reg.app.request("/v1/status")).json(), { keyring, now: new Date() });
    expect(before.document.latest["@archnest/tmux"]).toBe("2.0.0");
    expect(Date.parse(before.document.expires) - Date.parse(before.document.issuedAt)).toBeLessThanOrEqual(86_400_000);

    const noAdmin = await reg.app.request("/v1/admin/revoke", {
      method: "POST",
      body: JSON.stringify({ name: "@archnest/tmux", version: "2.0.0", reason: "x" }),
    });
    expect(noAdmin.status).toBe(401);
    const res = await reg.app.request("/v1/admin/revoke", {
      method: "POST",
      headers: { authorization: "Bearer admin-token-for-tests-0123456789", "content-type": "application/json" },
      body: JSON.stringify({ name: "@archnest/tmux", version: "2.0.0", reason: "corrupts scrollback", minimumSafe: "1.1.0" }),
    });
    expect(res.status).toBe(200);
    const after = verifyStatusIndex(await (await reg.app.request("/v1/status")).json(), { keyring, now: new Date() });
    expect(after.document.revoked).toEqual([{ name: "@archnest/tmux", version: "2.0.0", reason: "corrupts scrollback" }]);
    expect(after.document.latest["@archnest/tmux"]).toBe("1.1.0");
    expect(after.document.minimumSafe["@archnest/tmux"]).toBe("1.1.0");
    const tarball = await reg.app.request("/v1/tarballs/%40archnest%2Ftmux/2.0.0");
    expect(tarball.status).toBe(410);
    const pack = (await (await reg.app.request("/@archnest/tmux")).json()) as {
      "dist-tags": { latest: string };
      versions: Record<string, { deprecated?: string }>;
    };
    expect(pack["dist-tags"].latest).toBe("1.1.0");
    expect(pack.versions["2.0.0"]?.deprecated).toContain("corrupts scrollback");
  });
});
