// A schema change without its committed migration fails here (STYLE.md 12): drizzle-kit, run against a
// copy of registry/drizzle, must find nothing to generate.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const REGISTRY = new URL("../", import.meta.url).pathname;
const out = mkdtempSync(join(tmpdir(), "archnest-migrations-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe("database migrations", () => {
  it("are committed for every change of src/db/schema.ts", () => {
    cpSync(join(REGISTRY, "drizzle"), out, { recursive: true });
    const before = readdirSync(out).sort();
    const bin = join(REGISTRY, "..", "node_modules", ".bin", "drizzle-kit");
    // drizzle-kit reads --out relative to its working folder
    const run = spawnSync(bin, ["generate", "--dialect", "turso", "--schema", "src/db/schema.ts", "--out", relative(REGISTRY, out)], {
      cwd: REGISTRY,
      encoding: "utf8",
    });
    const log = `${run.stdout}${run.stderr}`;
    expect(run.status, log).toBe(0);
    expect(readdirSync(out).sort()).toEqual(before);
    expect(log).toMatch(/No schema changes/);
  });
});
