import { describe, expect, it } from "vitest";
import { z } from "zod";
import { apiCoverage, openApiDocument, openApiPath } from "./openapi-document.js";

describe("openApiPath", () => {
  it("turns Hono parameters, regex parameters and wildcards into OpenAPI templates", () => {
    expect(openApiPath("/api/hosts/:id/test")).toBe("/api/hosts/{id}/test");
    expect(openApiPath("/v1/tarballs/:scope{@[^/]+}/:name/:version")).toBe("/v1/tarballs/{scope}/{name}/{version}");
    expect(openApiPath("/api/plugins/:id/*")).toBe("/api/plugins/{id}/{path}");
  });
});

describe("openApiDocument", () => {
  const doc = openApiDocument({ title: "t", version: "1.0.0" }, [
    { method: "PUT", path: "/prefs/:key", summary: "Stores a preference.", access: "session", body: z.object({ value: z.json() }) },
    { method: "ALL", path: "/plugins/:id/*", summary: "A plugin's API.", access: "session", errors: ["module_required"] },
  ]);

  it("documents each method of a route that answers every method, with its path parameters and error codes", () => {
    const ops = doc.paths["/plugins/{id}/{path}"] ?? {};
    expect(Object.keys(ops).sort()).toEqual(["delete", "get", "patch", "post", "put"]);
    expect(ops.get?.parameters?.map((p) => p.name)).toEqual(["id", "path"]);
    expect(ops.get?.["x-error-codes"]).toEqual(["module_required"]);
    expect(ops.get?.responses["401"]?.content?.["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/ErrorBody" });
  });

  it("hoists a schema's own definitions so every reference resolves inside the document", () => {
    const refs = JSON.stringify(doc).match(/"\$ref":"[^"]+"/g) ?? [];
    expect(refs.length).toBeGreaterThan(2);
    for (const ref of refs) {
      const name = ref.slice('"$ref":"#/components/schemas/'.length, -1);
      expect(doc.components.schemas[name], ref).toBeDefined();
    }
  });
});

describe("apiCoverage", () => {
  const doc = openApiDocument({ title: "t", version: "1.0.0" }, [
    { method: "GET", path: "/a/:id", summary: "A.", access: "public" },
    { method: "POST", path: "/gone", summary: "Nothing answers this.", access: "public" },
  ]);

  it("names the mounted routes the document misses and the documented ones nothing answers, leaving middleware out", () => {
    const { mounted, undocumented, unmounted } = apiCoverage(
      [
        { method: "ALL", path: "*", isMiddleware: true },
        { method: "GET", path: "/a/:id", isMiddleware: false },
        { method: "DELETE", path: "/b/:scope{@[^/]+}", isMiddleware: false },
      ],
      doc,
    );
    expect([...mounted].sort()).toEqual(["delete /b/{scope}", "get /a/{id}"]);
    expect(undocumented).toEqual(["delete /b/{scope}"]);
    expect(unmounted).toEqual(["post /gone"]);
  });
});
