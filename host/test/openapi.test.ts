// The host serves an OpenAPI document of its whole HTTP API at /api/openapi.json: every route the booted
// host mounts is in it (the plugins' routes as one parameterised entry), nothing else is, and request
// bodies are described by the zod schemas the routes validate with.
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import type { Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { apiCoverage, type OpenApiDocument } from "@archnest/sdk/node";
import { createTestTrust } from "@archnest/sdk/testing";
import { inspectRoutes } from "hono/dev";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Host } from "../src/app.js";
import { bootHost } from "../src/boot.js";
import { loadEnv } from "../src/env.js";
import { createLogger } from "../src/log/index.js";
import { serveHost, serverUrl } from "../src/server/index.js";
import { readSetupCode } from "../src/testing/index.js";

const trust = createTestTrust();
const dir = mkdtempSync(join(tmpdir(), "archnest-openapi-"));
let host: Host;
let server: Server;
let url = "";
let admin: Record<string, string> = {};
let doc: OpenApiDocument;

beforeAll(async () => {
  mkdirSync(join(dir, "trust"));
  const files = trust.writeFiles(join(dir, "trust"));
  const core = join(dir, "core");
  mkdirSync(core);
  const config = loadEnv({
    ARCHNEST_DATA_DIR: join(dir, "data"),
    ARCHNEST_MASTER_KEY: randomBytes(32).toString("base64"),
    ARCHNEST_TRUST_ROOT: files.rootPub,
    ARCHNEST_TRUST_KEYRING: files.keyring,
    ARCHNEST_CORE_PLUGINS_DIR: core,
    // With a registry configured the license and catalog routes mount too; nothing listens there.
    ARCHNEST_REGISTRY_URL: "http://127.0.0.1:9",
  });
  ({ host } = await bootHost(config, { log: createLogger({ level: "error", write: () => {} }) }));
  server = serveHost(host, { port: 0, hostname: "127.0.0.1" });
  await new Promise((resolve) => server.once("listening", resolve));
  url = serverUrl(server);
  const setup = await fetch(`${url}/api/setup`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ username: "admin", password: "correct horse battery", setupCode: readSetupCode(config.dataDir) }),
  });
  expect(setup.status).toBe(201);
  const { csrfToken } = (await setup.json()) as { csrfToken: string };
  admin = { cookie: (setup.headers.get("set-cookie") ?? "").split(";")[0] ?? "", "x-archnest-csrf": csrfToken, origin: url };
  const res = await fetch(`${url}/api/openapi.json`, { headers: admin });
  expect(res.status).toBe(200);
  doc = (await res.json()) as OpenApiDocument;
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  await host?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ALL = ["get", "post", "put", "patch", "delete"];

describe("the host's OpenAPI document", () => {
  it("is an OpenAPI 3.1 document behind the session guard", async () => {
    expect(doc.openapi).toBe("3.1.0");
    expect((await fetch(`${url}/api/openapi.json`)).status).toBe(401);
  });

  it("lists every route the booted host mounts, and no route it does not", () => {
    const { mounted, undocumented, unmounted } = apiCoverage(inspectRoutes(host.app), doc);
    expect(mounted.size).toBeGreaterThan(40);
    expect(undocumented, "mounted but not in host/src/openapi").toEqual([]);
    expect(unmounted, "documented but not mounted").toEqual([]);
    // Every plugin's API is the one parameterised entry below its mount.
    expect(Object.keys(doc.paths["/api/plugins/{id}/{path}"] ?? {}).sort()).toEqual([...ALL].sort());
  });

  it("describes a validated body with the schema the route validates it with", async () => {
    const ref = doc.paths["/api/hosts"]?.post?.requestBody?.content["application/json"]?.schema.$ref as string;
    const body = doc.components.schemas[ref.replace("#/components/schemas/", "")] as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
    };
    expect(body.required).toEqual(expect.arrayContaining(["name", "address", "user"]));
    expect(body.properties.port).toMatchObject({ type: "integer", minimum: 1, maximum: 65535 });
    // The bound the document states is the bound the route enforces.
    const refused = await fetch(`${url}/api/hosts`, {
      method: "POST",
      headers: { ...admin, "content-type": "application/json" },
      body: JSON.stringify({ name: "web", address: "127.0.0.1", port: 65536, user: "root", authMethod: "password", password: "x" }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "HOST_ERR_VALIDATION", details: [expect.stringMatching(/^port:/)] });
  });

  it("documents the one error shape for every operation", () => {
    expect(doc.components.schemas.ErrorBody).toMatchObject({ required: ["error", "message", "requestId"] });
    for (const ops of Object.values(doc.paths)) for (const op of Object.values(ops)) expect(op.responses.default).toBeDefined();
  });
});
