// `archnest-plugin publisher register` against a real registry and `archnest-plugin trust` against a real
// host, both listening on 127.0.0.1, with keys and keyring made by the CLI itself as an author would.

import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { attachPlugins, serveHost, serverUrl } from "@archnest/host";
import { createTestHost, setupAdmin, type TestHost } from "@archnest/host/testing";
import { createRegistry, type Registry } from "@archnest/registry";
import { readPublicKeyFile } from "@archnest/sdk/node";
import { createTestTrust } from "@archnest/sdk/testing";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { main } from "../src/index.js";

const PASSWORD = "correct horse battery";
const trust = createTestTrust();
let work: string;
let registry: Registry;
let registryServer: ReturnType<typeof serve>;
let registryUrl: string;
let t: TestHost;
let hostServer: Server;
let hostUrl: string;

async function run(argv: string[], env: Record<string, string> = {}) {
  let out = "";
  let err = "";
  const sink = (append: (s: string) => void) =>
    new Writable({
      write(chunk, _enc, cb) {
        append(chunk.toString());
        cb();
      },
    });
  const code = await main(argv, {
    stdout: sink((s) => {
      out += s;
    }),
    stderr: sink((s) => {
      err += s;
    }),
    env,
    cwd: work,
  });
  return { code, out, err };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), "archnest-cli-publishers-"));
  registry = await createRegistry({
    dataDir: join(work, "registry"),
    publicUrl: "http://127.0.0.1",
    licenseKey: trust.license,
    indexKey: trust.index,
    trust: { rootKeys: [trust.root], keyring: trust.keyringEnvelope },
    log: () => {},
  });
  registryServer = serve({ fetch: registry.app.fetch, port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((r) => registryServer.once("listening", () => r()));
  registryUrl = `http://127.0.0.1:${(registryServer.address() as AddressInfo).port}`;

  t = await createTestHost();
  await attachPlugins(t.host, { trust: [{ rootKeys: [trust.root], keyring: trust.keyringEnvelope }], registryUrl });
  hostServer = serveHost(t.host, { port: 0, hostname: "127.0.0.1" });
  await new Promise<void>((r) => hostServer.once("listening", () => r()));
  hostUrl = serverUrl(hostServer);
  await setupAdmin(t.host, "admin", PASSWORD);
});

afterAll(async () => {
  hostServer.closeAllConnections();
  await new Promise<void>((r) => hostServer.close(() => r()));
  await t.cleanup();
  await new Promise<void>((r) => registryServer.close(() => r()));
  await registry.close();
  rmSync(work, { recursive: true, force: true });
});

describe("archnest-plugin publisher register and trust", () => {
  let fingerprint = "";

  it("registers a publisher from keys and a keyring the CLI made, writing the token to a 0600 file", async () => {
    expect((await run(["keys", "generate", "--out", "keys", "--name", "root"])).code).toBe(0);
    expect((await run(["keys", "generate", "--out", "keys", "--name", "release"])).code).toBe(0);
    expect(
      (await run(["keyring", "create", "--root", "keys/root.key", "--release", "keys/release.pub", "--scope", "@cli/*", "--out", "keyring.json"])).code,
    ).toBe(0);
    fingerprint = readPublicKeyFile(join(work, "keys/root.pub")).keyid;

    const args = [
      "publisher",
      "register",
      "--registry",
      registryUrl,
      "--name",
      "CLI Co",
      "--scope",
      "@cli",
      "--root",
      "keys/root.pub",
      "--keyring",
      "keyring.json",
    ];
    const r = await run([...args, "--token-file", "publish-token"]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`fingerprint: ${fingerprint}`);
    expect(r.out).toContain("@cli/*");
    const token = readFileSync(join(work, "publish-token"), "utf8").trim();
    expect(token).toMatch(/^anr_/);
    expect(r.out).not.toContain(token);
    expect(statSync(join(work, "publish-token")).mode & 0o777).toBe(0o600);

    // The registry's refusal comes back with its code, and exit code 1.
    const again = await run([...args, "--json"]);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.out)).toMatchObject({ ok: false, code: "REG_ERR_PUBLISHER_EXISTS" });
  });

  it("trusts the publisher on a host by fingerprint, lists it and removes it, signing in with the password from the environment", async () => {
    const env = { ARCHNEST_PASSWORD: PASSWORD };
    const host = ["--host", hostUrl, "--user", "admin"];

    const noPassword = await run(["trust", "list", ...host]);
    expect(noPassword.code).toBe(2);
    expect(noPassword.err).toMatch(/ARCHNEST_PASSWORD/);
    const wrong = await run(["trust", "list", ...host], { ARCHNEST_PASSWORD: "not it" });
    expect(wrong.code).toBe(2);
    expect(wrong.err).toMatch(/HOST_ERR_LOGIN_FAILED/);

    const added = await run(["trust", "add", fingerprint, ...host], env);
    expect(added.code, added.err).toBe(0);
    expect(added.out).toContain("CLI Co");
    expect(added.out).toContain(fingerprint);

    const listed = await run(["trust", "list", ...host, "--json"], env);
    expect(JSON.parse(listed.out)).toMatchObject({ ok: true, publishers: [{ fingerprint, name: "CLI Co", scopes: ["@cli/*"] }] });

    const unknown = await run(["trust", "add", "0".repeat(64), ...host, "--json"], env);
    expect(unknown.code).toBe(1);
    expect(JSON.parse(unknown.out)).toMatchObject({ ok: false, code: "HOST_ERR_PUBLISHER_NOT_FOUND" });

    const removed = await run(["trust", "remove", fingerprint, ...host], env);
    expect(removed.code, removed.err).toBe(0);
    expect(JSON.parse((await run(["trust", "list", ...host, "--json"], env)).out)).toMatchObject({ publishers: [] });
  });

  it("trusts a publisher on an offline host from its root key and keyring files", async () => {
    const r = await run(
      ["trust", "add", "--root", "keys/root.pub", "--keyring", "keyring.json", "--name", "CLI Co", "--host", hostUrl, "--user", "admin", "--json"],
      {
        ARCHNEST_PASSWORD: PASSWORD,
      },
    );
    expect(r.code, r.out + r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, fingerprint, name: "CLI Co", scopes: ["@cli/*"] });
  });
});
