import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadWebApp, WebAppMissingError } from "./index.js";

// The app folder sits inside a temp folder that also holds a file outside the app, the target of the traversal checks.
const outer = mkdtempSync(join(tmpdir(), "archnest-web-"));
const dir = join(outer, "app");
mkdirSync(join(dir, "assets"), { recursive: true });
writeFileSync(join(dir, "index.html"), "<!doctype html><title>app</title>");
writeFileSync(join(dir, "assets", "index-abc.js"), "export {}");
writeFileSync(join(dir, "csp-hashes.json"), JSON.stringify({ scriptSrc: ["'sha256-AAAA'"] }));
mkdirSync(join(dir, "server"));
writeFileSync(join(dir, "server", "index.js"), "export {}");
writeFileSync(join(outer, "archnest-secret.txt"), "secret");
afterAll(() => rmSync(outer, { recursive: true, force: true }));

const get = (path: string, method = "GET") => loadWebApp(dir).handle(new Request(`http://h${path}`, { method }));

describe("serving the built web app", () => {
  it("reads the CSP hashes of the build", () => {
    expect(loadWebApp(dir).cspScriptHashes).toEqual(["'sha256-AAAA'"]);
  });

  it("serves hashed assets for good and index.html revalidated", async () => {
    const asset = get("/assets/index-abc.js");
    expect(asset?.headers.get("cache-control")).toContain("immutable");
    expect(asset?.headers.get("content-type")).toContain("javascript");
    expect(await asset?.text()).toBe("export {}");
    const index = get("/");
    expect(index?.headers.get("cache-control")).toBe("no-cache");
    expect(await index?.text()).toContain("<title>app</title>");
  });

  it("answers SPA routes with index.html and leaves API and missing files alone", async () => {
    expect(await get("/settings/store")?.text()).toContain("<title>app</title>");
    expect(get("/api/plugins")).toBeUndefined();
    expect(get("/assets/missing.js")).toBeUndefined();
    expect(get("/", "POST")).toBeUndefined();
  });

  it("never serves files outside the build or its private files", async () => {
    expect(get("/../archnest-secret.txt")).toBeUndefined();
    expect(get("/%2e%2e/archnest-secret.txt")).toBeUndefined();
    expect(get("/assets/..%2f..%2farchnest-secret.txt")).toBeUndefined();
    expect(get("/csp-hashes.json")).toBeUndefined();
    expect(get("/server/index.js")).toBeUndefined();
  });

  it("says how to build when the app is missing", () => {
    expect(() => loadWebApp(join(dir, "nope"))).toThrow(WebAppMissingError);
  });
});
