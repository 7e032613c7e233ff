// The registry serves an OpenAPI document of its HTTP API at /v1/openapi.json: every route it mounts is in
// it and nothing else is, and request bodies are described by the zod schemas the routes validate with.
import { apiCoverage, type OpenApiDocument } from "@archnest/sdk/node";
import { inspectRoutes } from "hono/dev";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, type ServedRegistry, serveRegistry, startRegistry, type TestRegistry } from "./helpers.js";

let reg: TestRegistry;
let served: ServedRegistry;
let doc: OpenApiDocument;

beforeAll(async () => {
  // With Stripe configured the webhook route mounts too; nothing here reaches Stripe.
  reg = await startRegistry({
    adminToken: ADMIN_TOKEN,
    stripe: { secretKey: "sk_test_openapi", webhookSecret: "whsec_openapi", apiBase: "http://127.0.0.1:9" },
  });
  served = await serveRegistry(reg);
  const res = await served.request("/v1/openapi.json");
  expect(res.status).toBe(200);
  doc = (await res.json()) as OpenApiDocument;
}, 60_000);

afterAll(async () => {
  await served?.close();
  await reg?.cleanup();
});

describe("the registry's OpenAPI document", () => {
  it("lists every route the registry mounts, and no route it does not", () => {
    const { mounted, undocumented, unmounted } = apiCoverage(inspectRoutes(reg.app), doc);
    expect(mounted.size).toBeGreaterThan(25);
    expect(undocumented, "mounted but not in registry/src/openapi").toEqual([]);
    expect(unmounted, "documented but not mounted").toEqual([]);
    expect(doc.openapi).toBe("3.1.0");
  });

  it("describes a validated body with the schema the route validates it with", async () => {
    const ref = doc.paths["/v1/admin/authors"]?.post?.requestBody?.content["application/json"]?.schema.$ref as string;
    const body = doc.components.schemas[ref.replace("#/components/schemas/", "")] as { properties: Record<string, Record<string, unknown>> };
    expect(body.properties.scopes).toMatchObject({ type: "array", minItems: 1, maxItems: 50 });
    const refused = await served.request("/v1/admin/authors", {
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
      body: JSON.stringify({ name: "acme", scopes: [] }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({ error: "REG_ERR_BAD_REQUEST", message: expect.stringMatching(/^scopes:/) });
  });
});
