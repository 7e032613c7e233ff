import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { generateSQLiteDrizzleJson, generateSQLiteMigration } from "drizzle-kit/api";
import { drizzle } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { afterAll, describe, expect, it } from "vitest";
import { databaseFile, databaseReady, MIGRATIONS_FOLDER, openDb } from "./index.js";
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

  it("carry a plugin's kept previous version into the list of kept versions when upgrading from 0001", async () => {
    const dir = mkdtempSync(join(tmpdir(), "archnest-db-upgrade-"));
    dirs.push(dir);
    // The database of a host that ran up to 0001, with one plugin that has a previous version and one without.
    const old = join(dir, "migrations-0001");
    cpSync(MIGRATIONS_FOLDER, old, { recursive: true });
    const journal = JSON.parse(readFileSync(join(old, "meta", "_journal.json"), "utf8")) as { entries: { tag: string }[] };
    journal.entries = journal.entries.filter((e) => e.tag < "0002");
    writeFileSync(join(old, "meta", "_journal.json"), JSON.stringify(journal));
    const client = createClient({ url: `file:${databaseFile(dir)}` });
    await migrate(drizzle(client), { migrationsFolder: old });
    await client.execute(`INSERT INTO plugins (id, package_name, version, previous_version, highest_seen_version, state, source, module,
      signer_keyid, signer_name, permissions, granted_permissions, manifest, installed_at, updated_at) VALUES
      ('a', '@t/a', '1.1.0', '1.0.0', '1.1.0', 'active', 'file', 'free', 'k', 'n', '[]', '[]', '{}', 1, 1),
      ('b', '@t/b', '1.0.0', NULL, '1.0.0', 'active', 'file', 'free', 'k', 'n', '[]', '[]', '{}', 1, 1)`);
    client.close();

    const { db, client: upgraded } = await openDb(dir);
    expect(await databaseReady(db)).toBe(true);
    const rows = await upgraded.execute("SELECT id, previous_versions, pinned_from FROM plugins ORDER BY id");
    expect(rows.rows.map((r) => ({ ...r }))).toEqual([
      { id: "a", previous_versions: '["1.0.0"]', pinned_from: null },
      { id: "b", previous_versions: "[]", pinned_from: null },
    ]);
    upgraded.close();
  });
});

describe("database connections", () => {
  it("all carry foreign keys, the busy wait and NORMAL sync, however many overlapping calls open", async () => {
    const dir = mkdtempSync(join(tmpdir(), "archnest-db-conn-"));
    dirs.push(dir);
    const { client } = await openDb(dir);
    try {
      // Overlapping calls spread over the client's pool: each must answer from a configured connection.
      const ask = (pragma: string) => Promise.all(Array.from({ length: 12 }, () => client.execute(`PRAGMA ${pragma}`)));
      for (const [pragma, value] of [
        ["foreign_keys", 1],
        ["busy_timeout", 5000],
        ["synchronous", 1],
      ] as const) {
        const answers = (await ask(pragma)).map((r) => Number(Object.values(r.rows[0] ?? {})[0]));
        expect(answers, pragma).toEqual(Array.from({ length: 12 }, () => value));
      }
    } finally {
      client.close();
    }
  });
});
