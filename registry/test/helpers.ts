// Shared fixtures for the registry's tests: keys and a keyring, signed plugin tarballs, a registry on a
// temporary folder, and signed install requests.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signInstallRequest } from "@archnest/sdk/license";
import { packPlugin } from "@archnest/sdk/node";
import { createTestTrust, packAndSign, type ServiceProcess, startServiceProcess } from "@archnest/sdk/testing";
import { generateKeyPair, type KeyPair, privateKeyToPem, publicKeyToPem } from "@archnest/sdk/trust";
import { getRequestListener } from "@hono/node-server";
import { createRegistry, type Registry, type RegistryConfig } from "../src/index.js";

export const ADMIN_TOKEN = "admin-token-for-tests-0123456789";

export interface Keys {
  root: KeyPair;
  release: KeyPair;
  thirdParty: KeyPair;
  license: KeyPair;
  index: KeyPair;
  keyring: unknown;
}

/** The SDK's test trust with ArchNest's release key on @archnest/* and a third-party author on @acme/*. */
export function makeKeys(): Keys {
  const thirdParty = generateKeyPair();
  const trust = createTestTrust({
    now: new Date(Date.now() - 86_400_000),
    scopes: ["@archnest/*"],
    extraKeys: [{ key: thirdParty, name: "acme", roles: ["release"], scopes: ["@acme/*"] }],
  });
  return { root: trust.root, release: trust.release, thirdParty, license: trust.license, index: trust.index, keyring: trust.keyringEnvelope };
}

/** What the helpers send requests through: the app in process, or a {@link serveRegistry} over HTTP. */
export interface RequestTarget {
  request(path: string, init?: RequestInit): Response | Promise<Response>;
}

/** A registry served on `url` (another process, say), reached over HTTP with fetch. */
export function overHttp(url: string): RequestTarget {
  return { request: (path, init) => fetch(`${url}${path}`, init) };
}

export interface TestRegistry extends Registry {
  dir: string;
  keys: Keys;
  config: RegistryConfig;
  logs: Record<string, unknown>[];
  cleanup(): Promise<void>;
}

export async function startRegistry(opts: Partial<RegistryConfig> & { keys?: Keys } = {}): Promise<TestRegistry> {
  const dir = mkdtempSync(join(tmpdir(), "archnest-registry-"));
  const keys = opts.keys ?? makeKeys();
  const logs: Record<string, unknown>[] = [];
  const config: RegistryConfig = {
    dataDir: dir,
    publicUrl: "http://registry.test",
    licenseKey: keys.license,
    indexKey: keys.index,
    trust: { rootKeys: [keys.root], keyring: keys.keyring },
    adminToken: ADMIN_TOKEN,
    log: (e) => logs.push(e),
    ...opts,
  };
  const registry = await createRegistry(config);
  return {
    ...registry,
    dir,
    keys,
    config,
    logs,
    async cleanup() {
      await registry.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Builds, packs and signs a plugin the way a third-party author would. */
export async function makePlugin(
  outDir: string,
  opts: { name: string; version: string; module: string; key: KeyPair | undefined; sdk?: string; padBytes?: number },
): Promise<string> {
  const src = join(outDir, `src-${randomBytes(4).toString("hex")}`);
  mkdirSync(src, { recursive: true });
  const id = opts.name.replace(/^@[^/]+\//, "");
  writeFileSync(
    join(src, "package.json"),
    JSON.stringify({
      name: opts.name,
      version: opts.version,
      license: "Apache-2.0",
      archnest: { id, displayName: `Plugin ${id}`, description: `The ${id} plugin.`, module: opts.module, sdk: opts.sdk ?? "^1.0.0", server: "server.js" },
    }),
  );
  writeFileSync(join(src, "server.js"), "export default {};\n");
  // random bytes do not compress, so the tarball ends up about padBytes large
  if (opts.padBytes) writeFileSync(join(src, "payload.bin"), randomBytes(opts.padBytes));
  const file = join(outDir, `${id}-${opts.version}-${randomBytes(3).toString("hex")}.tgz`);
  if (opts.key) await packAndSign(src, opts.key, file);
  else await packPlugin(src, file);
  rmSync(src, { recursive: true, force: true });
  return file;
}

export async function createAuthor(app: RequestTarget, scopes: string[], name = "acme"): Promise<string> {
  const res = await app.request("/v1/admin/authors", {
    method: "POST",
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name, scopes }),
  });
  if (res.status !== 201) throw new Error(`author: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { token: string }).token;
}

export async function publish(app: RequestTarget, token: string, file: Uint8Array): Promise<Response> {
  return app.request("/v1/packages", {
    method: "PUT",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream", "content-length": String(file.length) },
    body: file,
  });
}

export interface Install {
  id: string;
  key: KeyPair;
}

export async function registerInstall(app: RequestTarget): Promise<Install> {
  const key = generateKeyPair();
  const res = await app.request("/v1/installs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ publicKey: Buffer.from(key.publicKey).toString("base64") }),
  });
  if (res.status !== 201) throw new Error(`install: ${res.status} ${await res.text()}`);
  return { id: ((await res.json()) as { installId: string }).installId, key };
}

/** A request signed by an install, as a host sends it. */
export function signed(install: Install, method: string, path: string, body?: unknown, now?: Date): { path: string; init: RequestInit } {
  const text = body === undefined ? undefined : JSON.stringify(body);
  const headers: Record<string, string> = signInstallRequest({
    method,
    path,
    ...(text !== undefined && { body: text }),
    installId: install.id,
    secretKey: install.key.secretKey,
    ...(now && { now }),
  });
  if (text !== undefined) headers["content-type"] = "application/json";
  return { path, init: { method, headers, ...(text !== undefined && { body: text }) } };
}

export async function call(app: RequestTarget, req: { path: string; init: RequestInit }): Promise<Response> {
  return app.request(req.path, req.init);
}

/** Buys a slug through the development checkout (the registry must have it on), as a person clicking Pay would. */
export async function devBuy(app: RequestTarget, install: Install, slug: string): Promise<void> {
  const res = await call(app, signed(install, "POST", "/v1/checkout", { slug }));
  if (res.status !== 201) throw new Error(`checkout: ${res.status} ${await res.text()}`);
  const { sessionId } = (await res.json()) as { sessionId: string };
  const pay = await app.request(`/dev/checkout/${sessionId}/pay`, { method: "POST", redirect: "manual" });
  if (pay.status !== 303) throw new Error(`pay: ${pay.status}`);
}

/**
 * Publishes a minimal signed package for each paid module, so that the registry sells it: a package
 * module is on sale only once a package delivers it.
 */
export async function offerModules(reg: TestRegistry, modules: readonly string[]): Promise<void> {
  const token = await createAuthor(reg.app, ["@archnest/*"], `offer-${randomBytes(4).toString("hex")}`);
  for (const module of modules) {
    const file = await makePlugin(reg.dir, { name: `@archnest/${module}`, version: "1.0.0", module, key: reg.keys.release });
    const res = await publish(reg.app, token, readFileSync(file));
    if (res.status !== 201) throw new Error(`publish ${module}: ${res.status} ${await res.text()}`);
  }
}

/** The registry served over HTTP on 127.0.0.1 (port 0), as hosts and browsers reach it. */
export interface ServedRegistry extends RequestTarget {
  url: string;
  close(): Promise<void>;
}

export async function serveRegistry(reg: Registry): Promise<ServedRegistry> {
  const server = createServer(getRequestListener(reg.app.fetch));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    request: (path, init) => fetch(new URL(path, url), { ...init, redirect: "manual" }),
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The registry's own entry point running as a child process, as an operator starts it. */
export type RegistryProcess = ServiceProcess;

/**
 * Writes the keys `registry/src/main.ts` reads from `<dataDir>/keys` and starts it from source on a free
 * loopback port with only `env` (plus PATH, HOME and the data folder) in its environment.
 *
 * @example
 * ```ts
 * const reg = await startRegistryProcess(join(dir, "data"), makeKeys(), { ARCHNEST_REGISTRY_ADMIN_TOKEN: ADMIN_TOKEN });
 * ```
 */
export function startRegistryProcess(dataDir: string, keys: Keys, env: Record<string, string> = {}): Promise<RegistryProcess> {
  const keyDir = join(dataDir, "keys");
  mkdirSync(keyDir, { recursive: true });
  writeFileSync(join(keyDir, "license.key"), privateKeyToPem(keys.license));
  writeFileSync(join(keyDir, "index.key"), privateKeyToPem(keys.index));
  writeFileSync(join(keyDir, "root.pub"), publicKeyToPem(keys.root));
  writeFileSync(join(keyDir, "keyring.json"), JSON.stringify(keys.keyring));
  const repo = new URL("../../", import.meta.url).pathname;
  return startServiceProcess({
    entry: join(repo, "registry/src/main.ts"),
    cwd: repo,
    env: { HOME: dataDir, ARCHNEST_REGISTRY_PORT: "0", ARCHNEST_REGISTRY_DATA_DIR: dataDir, ...env },
    listening: '"msg":"listening"',
    name: "the registry",
  });
}
