import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { REG_ERRORS, RegistryError } from "./index.js";

const doc = readFileSync(new URL("../../../docs/errors-registry.md", import.meta.url), "utf8");

describe("registry error catalogue", () => {
  it("documents every code with its status in docs/errors-registry.md", () => {
    for (const [code, { status }] of Object.entries(REG_ERRORS)) {
      expect(doc).toMatch(new RegExp(`\\| \`${code}\` +\\| ${status} +\\|`));
    }
    const documented = [...doc.matchAll(/`(REG_ERR_[A-Z_]+)`/g)].map((m) => m[1]);
    expect(documented.filter((c) => !(c && c in REG_ERRORS))).toEqual([]);
  });

  it("carries the catalogue's status and a default message", () => {
    const err = new RegistryError("REG_ERR_NONCE_REPLAYED");
    expect(err.status).toBe(401);
    expect(err.message).toBe(REG_ERRORS.REG_ERR_NONCE_REPLAYED.message);
  });
});
