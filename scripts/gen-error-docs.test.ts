import { readFileSync } from "node:fs";
import { SDK_ERRORS } from "@archnest/sdk";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { ERRORS_DOC, parseErrorTable, renderErrorDocs } from "./gen-error-docs.mjs";

describe("docs/errors.md", () => {
  it("lists exactly the codes of SDK_ERRORS, in order, with their texts (run `npx tsx --conditions archnest-source scripts/gen-error-docs.mjs` when this fails)", () => {
    const expected = Object.entries(SDK_ERRORS).map(([code, [what, fix]]) => [code, what, fix]);
    expect(parseErrorTable(readFileSync(ERRORS_DOC, "utf8"))).toEqual(expected);
  });

  it("reads back the table it renders", () => {
    const catalogue = { ...SDK_ERRORS, SDK_ERR_X: ["a | b", "c"] as const };
    expect(parseErrorTable(renderErrorDocs(catalogue))).toEqual(Object.entries(catalogue).map(([code, [what, fix]]) => [code, what, fix]));
  });

  it("keeps a cell's pipe characters from breaking the table", () => {
    const doc: string = renderErrorDocs({ SDK_ERR_X: ["a | b", "c"] });
    expect(doc).toMatch(/\| `SDK_ERR_X` +\| a \\\| b +\| c +\|/);
  });
});

describe("SDK_ERRORS", () => {
  it("names every code SDK_ERR_ in capitals and gives each a sentence for what happened and how to fix it", () => {
    for (const [code, [what, fix]] of Object.entries(SDK_ERRORS)) {
      expect(code).toMatch(/^SDK_ERR_[A-Z0-9_]+$/);
      expect(what).toMatch(/\S.{10,}\.$/);
      expect(fix).toMatch(/\S.{10,}[.)]$/);
    }
  });
});
