/**
 * A real registry for tests, on 127.0.0.1 with its own data folder and the development checkout on, so
 * tests buy modules the way a person does (checkout, pay, back to ArchNest) with no payment provider.
 * `@archnest/registry` is loaded only when a test asks for a registry, so the harness needs it only then,
 * and by a computed name, so the host's typecheck does not re-check the registry's sources under its own
 * settings.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestTrust } from "@archnest/sdk/testing";
import { getRequestListener } from "@hono/node-server";

const REGISTRY_MODULE = "@archnest/registry";

/** What the harness uses of a created registry. */
interface TestRegistryApp {
  app: { fetch: (request: Request) => Response | Promise<Response> };
  close(): Promise<void>;
}

/** The registry admin's token in tests. */
export const REGISTRY_ADMIN_TOKEN = "registry-admin-token-for-host-tests";

/** A real registry on 127.0.0.1 with its own data folder; restartable on the same port. */
export interface RunningRegistry {
  url: string;
  /** Every request the registry received, as "METHOD /raw/path?query", oldest first. */
  requests: string[];
  /** Stops it (an outage as a host sees one); `start` brings it back on the same port with its data. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Publishes a signed plugin tarball as the first-party author (scopes `@archnest/*` and `@test/*`). */
  publish(file: string): Promise<void>;
  revoke(name: string, version: string, reason: string): Promise<void>;
  cleanup(): Promise<void>;
}

/**
 * Starts a registry that trusts `trust`'s keys and signs licenses with its license key, so a host built on
 * the same trust installs from it and accepts its licenses.
 *
 * @example
 * ```ts
 * const reg = await runRegistry(trust, () => new Date());
 * await reg.publish(await packAndSign(PLUGIN_DIR, trust.release));
 * ```
 */
export async function runRegistry(trust: TestTrust, now: () => Date = () => new Date()): Promise<RunningRegistry> {
  const { createRegistry } = (await import(REGISTRY_MODULE)) as { createRegistry: (config: Record<string, unknown>) => Promise<TestRegistryApp> };
  const dir = mkdtempSync(join(tmpdir(), "archnest-host-registry-"));
  let server: Server | undefined;
  let registry: TestRegistryApp | undefined;
  let port = 0;
  let token = "";
  const requests: string[] = [];
  const start = async () => {
    server = createServer();
    await new Promise<void>((resolve) => server?.listen(port, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    registry = await createRegistry({
      dataDir: dir,
      publicUrl: `http://127.0.0.1:${port}`,
      licenseKey: trust.license,
      indexKey: trust.index,
      trust: { rootKeys: [trust.root], keyring: trust.keyringEnvelope },
      adminToken: REGISTRY_ADMIN_TOKEN,
      devCheckout: true,
      now,
      log: () => {},
    });
    server.on("request", (req) => requests.push(`${req.method} ${req.url}`));
    server.on("request", getRequestListener(registry.app.fetch));
  };
  await start();
  const admin = async (path: string, body: unknown) => {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, {
      method: "POST",
      headers: { authorization: `Bearer ${REGISTRY_ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return res.json() as Promise<Record<string, unknown>>;
  };
  const stop = async () => {
    server?.closeAllConnections();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    await registry?.close();
    server = undefined;
  };
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    requests,
    stop,
    start,
    async publish(file) {
      if (!token) token = String((await admin("/v1/admin/authors", { name: "archnest", scopes: ["@archnest/*", "@test/*"] })).token);
      const res = await fetch(`http://127.0.0.1:${port}/v1/packages`, {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream" },
        body: readFileSync(file),
      });
      if (res.status !== 201) throw new Error(`publish: ${res.status} ${await res.text()}`);
    },
    async revoke(name, version, reason) {
      await admin("/v1/admin/revoke", { name, version, reason });
    },
    async cleanup() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
