import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TransferErrors } from "./index.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe("the error catalogue", () => {
  it("has a row in the README's Errors table for every code, with its HTTP status, and no row for an unknown code", () => {
    const section = README.slice(README.indexOf("## Errors"));
    const rows = new Map([...section.matchAll(/^\|\s*`(TRANSFER_ERR_[A-Z_]+)`\s*\|\s*(\d{3})\s*\|/gm)].map((m) => [m[1], Number(m[2])]));
    const table = TransferErrors.table as Record<string, { status: number }>;
    expect([...rows.keys()].sort()).toEqual(Object.keys(table).sort());
    for (const [code, spec] of Object.entries(table)) expect(rows.get(code), code).toBe(spec.status);
  });
});
