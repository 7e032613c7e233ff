import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { HOST_ERRORS } from "./index.js";

const doc = readFileSync(new URL("../../../docs/errors-host.md", import.meta.url), "utf8");
const srcDir = fileURLToPath(new URL("..", import.meta.url));
const CATALOGUE: Readonly<Record<string, { status: number; message: string; hint: string | undefined }>> = HOST_ERRORS;

function documentedRows(): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of doc.split("\n")) {
    // Cells split on unescaped pipes; formatters may pad them for alignment.
    const cells = line
      .trim()
      .split(/(?<!\\)\|/)
      .slice(1, -1)
      .map((s) => s.trim().replace(/\\\|/g, "|"));
    const code = /^`(HOST_ERR_[A-Z0-9_]+)`$/.exec(cells[0] ?? "")?.[1];
    if (code) rows.set(code, cells.slice(1));
  }
  return rows;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("docs/errors-host.md", () => {
  it("has a row with status, what happened and how to fix for every catalogued code, and no unknown codes", () => {
    const rows = documentedRows();
    expect([...rows.keys()].sort()).toEqual(Object.keys(CATALOGUE).sort());
    for (const [code, { status, message, hint }] of Object.entries(CATALOGUE)) {
      expect(rows.get(code), code).toEqual([String(status), message, hint]);
    }
  });

  it("covers every HOST_ERR code the host's source uses", () => {
    const used = new Set<string>();
    for (const file of sourceFiles(srcDir)) for (const m of readFileSync(file, "utf8").matchAll(/HOST_ERR_[A-Z0-9][A-Z0-9_]*/g)) used.add(m[0]);
    const undocumented = [...used].filter((code) => !(code in CATALOGUE));
    expect(undocumented, "add these codes to a catalogue and to docs/errors-host.md").toEqual([]);
    expect(used.size).toBeGreaterThan(20);
  });
});
