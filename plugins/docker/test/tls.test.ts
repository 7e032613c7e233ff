// A Docker source over TCP with TLS client certificates, against a real dockerd started with
// --tlsverify on a loopback port: certificates made by openssl for the test (a CA, a server certificate
// for 127.0.0.1 and client certificates). The key material lives in plugin secrets only.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTestContext, type TestContext } from "@archnest/sdk/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import plugin from "../src/server.js";
import { startEngine, type TestEngine } from "./dockerd.js";

const certs = mkdtempSync(join(tmpdir(), "an-docker-tls-"));
let engine: TestEngine;
let port: number;
let t: TestContext;

function openssl(...args: string[]): void {
  const r = spawnSync("openssl", args, { cwd: certs, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`openssl ${args.join(" ")} failed: ${r.stderr}`);
}

/** `openssl req` arguments for a fresh P-256 key, unencrypted, written to `<name>-key.pem`. */
const newEcKey = (name: string): string[] => ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", `${name}-key.pem`];

function makeCa(name: string): void {
  openssl("req", "-x509", ...newEcKey(name), "-out", `${name}.pem`, "-days", "2", "-subj", `/CN=${name}`);
}

function issue(ca: string, name: string, cn: string, ext: string): void {
  writeFileSync(join(certs, `${name}.ext`), ext);
  openssl("req", ...newEcKey(name), "-out", `${name}.csr`, "-subj", `/CN=${cn}`);
  openssl(
    "x509",
    "-req",
    "-in",
    `${name}.csr`,
    "-CA",
    `${ca}.pem`,
    "-CAkey",
    `${ca}-key.pem`,
    "-CAcreateserial",
    "-out",
    `${name}.pem`,
    "-days",
    "2",
    "-extfile",
    `${name}.ext`,
  );
}

const pem = (name: string) => readFileSync(join(certs, name), "utf8");

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  makeCa("ca");
  makeCa("other-ca");
  issue("ca", "server", "127.0.0.1", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
  issue("ca", "client", "archnest", "extendedKeyUsage=clientAuth\n");
  issue("other-ca", "stranger", "stranger", "extendedKeyUsage=clientAuth\n");
  port = await freePort();
  engine = await startEngine({
    extraArgs: [
      "--host",
      `tcp://127.0.0.1:${port}`,
      "--tlsverify",
      "--tlscacert",
      join(certs, "ca.pem"),
      "--tlscert",
      join(certs, "server.pem"),
      "--tlskey",
      join(certs, "server-key.pem"),
    ],
  });
  t = await createTestContext(plugin, { id: "docker", permissions: ["docker", "storage", "secrets"] });
}, 180_000);

afterAll(async () => {
  await t?.dispose();
  await engine?.cleanup();
  rmSync(certs, { recursive: true, force: true });
});

// A source the engine would refuse is saved untested ("Save anyway"), so that its failure shows on use.
const add = async (body: unknown, untested = false) => {
  const res = await t.request(`/sources${untested ? "?untested=1" : ""}`, { method: "POST", body: JSON.stringify(body) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { id: string }).id;
};

interface Overview {
  id: string;
  status: string;
  error?: { error: string; message: string };
  engine?: { version: string };
}

describe("Docker over TCP with TLS client certificates", () => {
  it("reaches the engine with the client certificate, key and CA, and never returns the key", async () => {
    const id = await add({
      name: "tls",
      kind: "tcp",
      host: "127.0.0.1",
      port,
      tls: { cert: pem("client.pem"), key: pem("client-key.pem"), ca: pem("ca.pem") },
    });
    const overview = (await (await t.request("/overview")).json()) as { sources: Overview[] };
    expect(overview.sources.find((s) => s.id === id)).toMatchObject({ status: "ok", engine: { version: expect.stringMatching(/^\d+\./) } });
    const listed = await t.request(`/sources/${id}/containers`);
    expect(listed.status).toBe(200);
    expect(JSON.stringify(await (await t.request("/sources")).json())).not.toContain("PRIVATE KEY");

    // An edit that leaves TLS out keeps the stored certificate and key: the test before saving passes with them.
    const renamed = await t.request(`/sources/${id}`, { method: "PUT", body: JSON.stringify({ name: "tls-renamed", kind: "tcp", host: "127.0.0.1", port }) });
    expect(renamed.status).toBe(200);
    const body = await renamed.text();
    expect(JSON.parse(body)).toMatchObject({ name: "tls-renamed", tls: true });
    expect(body).not.toContain("PRIVATE KEY");
  });

  it("shows a TLS failure plainly when the client certificate is from another CA", async () => {
    const id = await add(
      {
        name: "stranger",
        kind: "tcp",
        host: "127.0.0.1",
        port,
        tls: { cert: pem("stranger.pem"), key: pem("stranger-key.pem"), ca: pem("ca.pem") },
      },
      true,
    );
    const res = await t.request(`/sources/${id}/containers`);
    expect(res.status).toBe(502);
    const err = (await res.json()) as { error: string; message: string };
    expect(["DOCKER_ERR_TLS", "DOCKER_ERR_ENGINE_UNREACHABLE"]).toContain(err.error);
    expect(err.message).toContain(`tcp://127.0.0.1:${port} (TLS)`);
  });

  it("refuses to trust the engine when its certificate is not signed by the given CA", async () => {
    const wrongCa = {
      name: "wrong-ca",
      kind: "tcp",
      host: "127.0.0.1",
      port,
      tls: { cert: pem("client.pem"), key: pem("client-key.pem"), ca: pem("other-ca.pem") },
    };
    // Tested before it is saved: the TLS failure is named, and nothing is saved.
    const before = ((await (await t.request("/sources")).json()) as { sources: unknown[] }).sources.length;
    const refused = await t.request("/sources", { method: "POST", body: JSON.stringify(wrongCa) });
    expect(refused.status).toBe(422);
    expect(await refused.json()).toMatchObject({ error: "DOCKER_ERR_SOURCE_TEST_FAILED", step: "GET /_ping", cause: { error: "DOCKER_ERR_TLS" } });
    expect(((await (await t.request("/sources")).json()) as { sources: unknown[] }).sources).toHaveLength(before);
    const id = await add(
      {
        name: "wrong-ca",
        kind: "tcp",
        host: "127.0.0.1",
        port,
        tls: { cert: pem("client.pem"), key: pem("client-key.pem"), ca: pem("other-ca.pem") },
      },
      true,
    );
    const res = await t.request(`/sources/${id}/containers`);
    expect(res.status).toBe(502);
    expect(await res.json()).toMatchObject({ error: "DOCKER_ERR_TLS" });
  });

  it("says plainly when plain HTTP meets a TLS engine", async () => {
    const id = await add({ name: "plain", kind: "tcp", host: "127.0.0.1", port }, true);
    const overview = (await (await t.request("/overview")).json()) as { sources: Overview[] };
    const row = overview.sources.find((s) => s.id === id);
    expect(row?.status).toBe("error");
    expect(row?.error?.message).toMatch(/HTTPS/i);
  });
});
