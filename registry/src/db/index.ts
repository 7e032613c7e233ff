import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "./schema.js";

export * as schema from "./schema.js";

export type RegistryDb = LibSQLDatabase<typeof schema>;

/** The committed SQL migrations (registry/drizzle), found from src/ and from dist/ alike. */
export const MIGRATIONS_FOLDER = fileURLToPath(new URL("../../drizzle", import.meta.url));

/**
 * Opens the database (a libsql file or a libsql server URL) and applies the committed migrations.
 *
 * @example
 * ```ts
 * const { db, client } = await openDatabase({ url: "file:data/registry/registry.db" });
 * ```
 */
export async function openDatabase(opts: { url: string; authToken?: string }): Promise<{ db: RegistryDb; client: Client }> {
  const client = createClient(opts.authToken ? { url: opts.url, authToken: opts.authToken } : { url: opts.url });
  if (opts.url.startsWith("file:")) {
    // WAL lets readers run while a purchase or nonce is written; NORMAL sync is durable across process
    // crashes, which is the guarantee the registry needs (SQLite docs, "WAL mode").
    await client.execute("PRAGMA journal_mode = WAL");
    await client.execute("PRAGMA synchronous = NORMAL");
    await client.execute("PRAGMA busy_timeout = 5000");
  }
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return { db, client };
}
