import { readFileSync } from "node:fs";
import { SdkErrors } from "@archnest/sdk";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { ERRORS_DOC, parseErrorTable, renderErrorDocs } from "./gen-error-docs.mjs";

describe("docs/errors.md", () => {
  it("lists exactly the codes of SdkErrors, in order, with their texts (run `npx tsx --conditions archnest-source scripts/gen-error-docs.mjs` when this fails)", () => {
    const expected = Object.entries(SdkErrors.table).map(([code, e]) => [code, e.message, e.hint]);
    expect(parseErrorTable(readFileSync(ERRORS_DOC, "utf8"))).toEqual(expected);
  });

  it("reads back the table it renders", () => {
    const catalogue = { ...SdkErrors.table, SDK_ERR_X: { message: "a | b", hint: "c" } };
    expect(parseErrorTable(renderErrorDocs(catalogue))).toEqual(Object.entries(catalogue).map(([code, e]) => [code, e.message, e.hint]));
  });

  it("keeps a cell's pipe characters from breaking the table", () => {
    const doc: string = renderErrorDocs({ SDK_ERR_X: { message: "a | b", hint: "c" } });
    expect(doc).toMatch(/\| `SDK_ERR_X` +\| a \\\| b +\| c +\|/);
  });
});

describe("SdkErrors", () => {
  it("names every code SDK_ERR_ in capitals and gives each a sentence for what happened and how to fix it", () => {
    for (const [code, { message, hint }] of Object.entries(SdkErrors.table)) {
      expect(code).toMatch(/^SDK_ERR_[A-Z0-9_]+$/);
      expect(message).toMatch(/\S.{10,}\.$/);
      expect(hint).toMatch(/\S.{10,}[.)]$/);
    }
  });

  it("keeps the deprecated SDK_ERRORS view in step with the table", async () => {
    const { SDK_ERRORS } = await import("@archnest/sdk");
    expect(Object.entries(SDK_ERRORS)).toEqual(Object.entries(SdkErrors.table).map(([code, e]) => [code, [e.message, e.hint]]));
  });
});
