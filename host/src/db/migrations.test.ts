import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from "drizzle-kit/api";
import { afterAll, describe, expect, it } from "vitest";
import { databaseReady, MIGRATIONS_FOLDER, openDb } from "./index.js";
import * as schema from "./schema.js";

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("committed migrations", () => {
  it("match db/schema.ts (a schema change without `npx drizzle-kit generate` fails here)", async () => {
    const snapshots = readdirSync(join(MIGRATIONS_FOLDER, "meta"))
      .filter((f) => f.endsWith("_snapshot.json"))
      .sort();
    const latest = snapshots.at(-1);
    expect(latest).toBeDefined();
    const prev = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", latest as string), "utf8"));
    const current = await generateSQLiteDrizzleJson(schema, prev.id);
    const pending = await generateSQLiteMigration(prev, current);
    expect(pending, `schema.ts differs from the last migration; run \`npx drizzle-kit generate\` in host/:\n${pending.join("\n")}`).toEqual([]);
  });

  it("apply at boot on a fresh data folder and the database reports ready", async () => {
    const dir = mkdtempSync(join(tmpdir(), "archnest-db-"));
    dirs.push(dir);
    const { db, client } = await openDb(dir);
    expect(await databaseReady(db)).toBe(true);
    const tables = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name");
    const names = tables.rows.map((r) => r.name);
    for (const t of ["users", "sessions", "secrets", "meta", "plugins", "plugin_storage", "plugin_settings", "user_prefs"]) expect(names).toContain(t);
    client.close();
    // A second boot applies nothing and stays ready.
    const again = await openDb(dir);
    expect(await databaseReady(again.db)).toBe(true);
    again.client.close();
  });
});
