import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { HOST_ERRORS } from "./index.js";

const doc = readFileSync(new URL("../../../docs/errors-host.md", import.meta.url), "utf8");

describe("docs/errors-host.md", () => {
  it("has a row with what happened and how to fix for every HOST_ERR code, and no unknown codes", () => {
    const rows = new Map<string, string[]>();
    for (const line of doc.split("\n")) {
      // Cells split on unescaped pipes; formatters may pad them for alignment.
      const cells = line
        .trim()
        .split(/(?<!\\)\|/)
        .slice(1, -1)
        .map((s) => s.trim());
      const code = /^`(HOST_ERR_[A-Z0-9_]+)`$/.exec(cells[0] ?? "")?.[1];
      if (code) rows.set(code, cells.slice(1));
    }
    expect([...rows.keys()].sort()).toEqual(Object.keys(HOST_ERRORS).sort());
    for (const [code, [status, what, fix]] of Object.entries(HOST_ERRORS)) {
      const cells = rows.get(code) ?? [];
      expect(cells[0], code).toBe(String(status));
      expect(cells[1], code).toBe(what);
      expect(cells[2]?.replace(/\\\|/g, "|"), code).toBe(fix);
    }
  });
});
