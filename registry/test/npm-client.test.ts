// npm's own client against the registry: pacote (the fetcher behind `npm install` and `npm audit signatures`,
// taken from the npm that runs this suite) reads the packument, verifies dist.signatures with the keys at
// /-/npm/v1/keys, and fetches the tarball against dist.integrity.

import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { packFileList, writeTarball } from "@archnest/sdk/node";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Registry } from "../src/index.js";
import { createAuthor, makePlugin, publish, startRegistry, type TestRegistry } from "./helpers.js";

interface PacoteManifest {
  _id: string;
  _integrity: string;
  _signatures?: { keyid: string; sig: string }[];
}
interface Pacote {
  manifest(spec: string, opts: Record<string, unknown>): Promise<PacoteManifest>;
  tarball(spec: string, opts: Record<string, unknown>): Promise<Buffer & { integrity: string }>;
}

/** The pacote bundled with the npm on PATH: exactly the code `npm install` runs. */
function npmsPacote(): Pacote {
  const globalRoot = execFileSync("npm", ["root", "-g"], { encoding: "utf8" }).trim();
  return createRequire(join(globalRoot, "npm", "package.json"))("pacote") as Pacote;
}

interface NpmKey {
  keyid: string;
  key: string;
  keytype: string;
  scheme: string;
  expires: string | null;
}

let reg: TestRegistry;
let server: ReturnType<typeof serve>;
let url: string;
let tarball: Buffer;
const pacote = npmsPacote();

beforeAll(async () => {
  let app: Registry["app"] | undefined;
  server = serve({ fetch: (req) => (app as Registry["app"]).fetch(req), port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((r) => server.once("listening", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  reg = await startRegistry({ publicUrl: url });
  app = reg.app;
  const token = await createAuthor(reg.app, ["@acme/*"]);
  const file = await makePlugin(reg.dir, { name: "@acme/hello", version: "1.2.0", module: "free", key: reg.keys.thirdParty });
  tarball = readFileSync(file);
  expect((await publish(reg.app, token, tarball)).status).toBe(201);
});
afterAll(async () => {
  await new Promise<void>((r) => server.close(() => r()));
  await reg.cleanup();
});

/** pacote's options as npm passes them: the registry's keys under `//host/:_keys`, each with its PEM. */
function npmOptions(keys: NpmKey[]) {
  const regKey = `//${new URL(url).host}/`;
  return {
    registry: `${url}/`,
    verifySignatures: true,
    fullMetadata: false,
    preferOnline: true,
    cache: join(reg.dir, "npm-cache"),
    [`${regKey}:_keys`]: keys.map((k) => ({ ...k, pemkey: `-----BEGIN PUBLIC KEY-----\n${k.key}\n-----END PUBLIC KEY-----` })),
  };
}

async function registryKeys(): Promise<NpmKey[]> {
  return ((await (await fetch(`${url}/-/npm/v1/keys`)).json()) as { keys: NpmKey[] }).keys;
}

describe("npm's client", () => {
  it("accepts the registry's dist.signatures, made with an ECDSA P-256 key as npm's registry makes them", async () => {
    const keys = await registryKeys();
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ keytype: "ecdsa-sha2-nistp256", scheme: "ecdsa-sha2-nistp256", expires: null });
    expect(keys[0]?.keyid).toMatch(/^SHA256:[A-Za-z0-9+/]{43}$/);

    const manifest = await pacote.manifest("@acme/hello@^1.0.0", npmOptions(keys));
    expect(manifest._id).toBe("@acme/hello@1.2.0");
    expect(manifest._signatures?.[0]?.keyid).toBe(keys[0]?.keyid);
  });

  it("refuses the signatures when the registry's listed key is another one (so the check above really ran)", async () => {
    const [key] = await registryKeys();
    const other = generateKeyPairSync("ec", { namedCurve: "prime256v1" }).publicKey.export({ format: "der", type: "spki" }).toString("base64");
    const forged = [{ ...(key as NpmKey), key: other }];
    await expect(pacote.manifest("@acme/hello@1.2.0", { ...npmOptions(forged), cache: join(reg.dir, "npm-cache-2") })).rejects.toMatchObject({
      code: "EINTEGRITYSIGNATURE",
    });
  });

  it("downloads the tarball and checks it against dist.integrity", async () => {
    const data = await pacote.tarball("@acme/hello@1.2.0", npmOptions(await registryKeys()));
    expect(Buffer.compare(data, tarball)).toBe(0);
    expect(data.integrity).toMatch(/^sha512-/);
  });

  it("keeps the npm signing key across restarts, private on disk", async () => {
    const before = (await registryKeys())[0]?.keyid;
    const again = await startRegistry({ dataDir: reg.dir, keys: reg.keys, publicUrl: url });
    try {
      const after = ((await (await again.app.request("/-/npm/v1/keys")).json()) as { keys: NpmKey[] }).keys[0]?.keyid;
      expect(after).toBe(before);
    } finally {
      await again.close();
    }
    expect(statSync(join(reg.dir, "keys", "npm-signing.pem")).mode & 0o777).toBe(0o600);
    expect(statSync(join(reg.dir, "keys")).mode & 0o777).toBe(0o700);
  });
});

describe("the library channel", () => {
  let library: Buffer;

  beforeAll(async () => {
    // An operator drops an `npm pack` tarball of a plain package (no manifest, no release signature) in.
    const src = join(reg.dir, "lib-src");
    mkdirSync(src, { recursive: true });
    writeFileSync(join(src, "package.json"), JSON.stringify({ name: "@archnest/lib-probe", version: "1.0.0", type: "module", main: "index.js" }));
    writeFileSync(join(src, "index.js"), "export const probe = 1;\n");
    mkdirSync(join(reg.dir, "libraries"), { recursive: true });
    const file = join(reg.dir, "libraries", "archnest-lib-probe-1.0.0.tgz");
    await writeTarball(src, await packFileList(src), file);
    library = readFileSync(file);
  });

  it("serves a plain npm package that npm's client reads, signature-checks and downloads against its integrity", async () => {
    const opts = { ...npmOptions(await registryKeys()), cache: join(reg.dir, "npm-cache-lib") };
    const manifest = await pacote.manifest("@archnest/lib-probe@^1.0.0", opts);
    expect(manifest._id).toBe("@archnest/lib-probe@1.0.0");
    expect(manifest._signatures).toHaveLength(1);
    const data = await pacote.tarball("@archnest/lib-probe@1.0.0", opts);
    expect(Buffer.compare(data, library)).toBe(0);
  });

  it("keeps libraries out of the catalog and serves only tarballs of the library folder", async () => {
    const catalog = (await (await fetch(`${url}/v1/catalog`)).json()) as { plugins: { name: string }[] };
    expect(catalog.plugins.map((p) => p.name)).toEqual(["@acme/hello"]);
    expect((await fetch(`${url}/v1/libraries/archnest-lib-probe-1.0.0.tgz`)).status).toBe(200);
    for (const path of ["/v1/libraries/nope-1.0.0.tgz", "/v1/libraries/..%2fregistry.db", "/v1/libraries/%2e%2e%2fkeys%2fnpm-signing.pem"]) {
      const res = await fetch(`${url}${path}`);
      expect([400, 404]).toContain(res.status);
      expect(await res.text()).not.toContain("PRIVATE KEY");
    }
  });
});
