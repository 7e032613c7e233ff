import { readFileSync } from "node:fs";
import { SDK_ERRORS } from "@archnest/sdk";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { ERRORS_DOC, renderErrorDocs } from "./gen-error-docs.mjs";

describe("docs/errors.md", () => {
  it("is the table generated from SDK_ERRORS (run `npm run build && node scripts/gen-error-docs.mjs` when this fails)", () => {
    expect(readFileSync(ERRORS_DOC, "utf8")).toBe(renderErrorDocs(SDK_ERRORS));
  });

  it("has one row per code, with what happened and how to fix it", () => {
    const doc: string = renderErrorDocs(SDK_ERRORS);
    for (const [code, [what, fix]] of Object.entries(SDK_ERRORS)) {
      const rows = doc.split("\n").filter((l) => l.startsWith(`| \`${code}\` |`));
      expect(rows).toHaveLength(1);
      expect(rows[0]).toContain(what.replaceAll("|", "\\|"));
      expect(rows[0]).toContain(fix.replaceAll("|", "\\|"));
    }
  });

  it("keeps a cell's pipe characters from breaking the table", () => {
    const doc: string = renderErrorDocs({ SDK_ERR_X: ["a | b", "c"] });
    expect(doc).toContain("| `SDK_ERR_X` | a \\| b | c |");
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
