import { fileURLToPath } from "node:url";
import { configureEveryConnection } from "@archnest/sdk/node";
import { type Client, createClient } from "@libsql/client";
import { drizzle, type LibSQLDatabase } from "drizzle-orm/libsql";
import { migrate } from "drizzle-orm/libsql/migrator";
import * as schema from "./schema.js";

export * as schema from "./schema.js";

export type RegistryDb = LibSQLDatabase<typeof schema>;

/** The connections a file database's client keeps: calls are synchronous, only transactions hold one across awaits. */
const DB_CONNECTIONS = 4;

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
  const client = createClient({ url: opts.url, concurrency: DB_CONNECTIONS, ...(opts.authToken && { authToken: opts.authToken }) });
  if (opts.url.startsWith("file:")) {
    // WAL lets readers run while a purchase or nonce is written (a property of the file). On every
    // connection: NORMAL sync is durable across process crashes, which is the guarantee the registry needs
    // (SQLite docs, "WAL mode"), and busy_timeout waits out another connection's write lock.
    await client.execute("PRAGMA journal_mode = WAL");
    await configureEveryConnection(client, ["PRAGMA synchronous = NORMAL", "PRAGMA busy_timeout = 5000"], DB_CONNECTIONS);
  }
  const db = drizzle(client, { schema });
  await migrate(db, { migrationsFolder: MIGRATIONS_FOLDER });
  return { db, client };
}
