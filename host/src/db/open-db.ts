import { readFileSync } from "node:fs";
import { join } from "node:path";
import { configureEveryConnection } from "@archnest/sdk/node";
import { type Client, createClient } from "@libsql/client";
import { sql } from "drizzle-orm";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import { HostError } from "../errors/index.js";
import { HOST_PACKAGE_ROOT } from "../package-root.js";
import * as schema from "./schema.js";

export type Db = LibSQLDatabase<typeof schema>;

/** The connections the database client keeps: calls are synchronous, only transactions hold one across awaits. */
const DB_CONNECTIONS = 4;

/** The committed migrations: `host/drizzle`. */
export const MIGRATIONS_FOLDER = join(HOST_PACKAGE_ROOT, "drizzle");

export interface OpenedDb {
  db: Db;
  client: Client;
  /** Path of the database file. */
  file: string;
}

export function databaseFile(dataDir: string): string {
  return join(dataDir, "archnest.db");
}

/** Opens (creating if needed) the host database in the data folder and applies every pending migration. */
export async function openDb(dataDir: string): Promise<OpenedDb> {
  const file = databaseFile(dataDir);
  const client = createClient({ url: `file:${file}`, concurrency: DB_CONNECTIONS });
  try {
    // WAL lets readers run beside the single writer (and is a property of the file). On every connection:
    // busy_timeout waits out short write locks instead of failing, foreign keys are off by default in
    // SQLite, and NORMAL sync is durable across process crashes (in WAL mode it syncs at checkpoints, not
    // at every commit).
    await client.execute("PRAGMA journal_mode = WAL");
    await configureEveryConnection(client, ["PRAGMA busy_timeout = 5000", "PRAGMA foreign_keys = ON", "PRAGMA synchronous = NORMAL"], DB_CONNECTIONS);
  } catch (cause) {
    client.close();
    throw new HostError("HOST_ERR_DATA_DIR", `cannot open the database at ${file}`, { cause });
  }
  const db = drizzle(client, { schema });
  try {
    await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  } catch (cause) {
    client.close();
    throw new HostError("HOST_ERR_MIGRATION_FAILED", "a database migration failed at boot", { cause });
  }
  return { db, client, file };
}

function journalEntries(): number {
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as { entries: unknown[] };
  return journal.entries.length;
}

/** True when the database answers and every committed migration is recorded as applied. */
export async function databaseReady(db: Db): Promise<boolean> {
  try {
    const rows = await db.all<{ n: number }>(sql`SELECT count(*) AS n FROM __drizzle_migrations`);
    return Number(rows[0]?.n ?? 0) >= journalEntries();
  } catch {
    return false;
  }
}
