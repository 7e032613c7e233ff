/** What {@link configureEveryConnection} needs of a pooled libsql client (`@libsql/client`'s `Client`). */
export interface PooledSqlClient {
  execute(sql: string): Promise<unknown>;
}

/**
 * Runs per-connection PRAGMAs on every connection of a pooled libsql client. `@libsql/client` keeps a pool
 * of up to `concurrency` connections to a file, opened lazily whenever calls overlap, and PRAGMAs such as
 * `foreign_keys`, `busy_timeout` and `synchronous` hold only on the connection that ran them: a connection
 * the pool opened later ran with SQLite's defaults (foreign keys unchecked, no wait on a busy lock, a disk
 * sync on every commit). Running each PRAGMA from `connections` overlapping calls opens the whole pool now,
 * so every connection it will ever hand out has them. Create the client with `concurrency: connections`.
 *
 * @example
 * ```ts
 * const client = createClient({ url: "file:data.db", concurrency: 4 });
 * await configureEveryConnection(client, ["PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 5000"], 4);
 * ```
 */
export async function configureEveryConnection(client: PooledSqlClient, pragmas: readonly string[], connections: number): Promise<void> {
  for (const pragma of pragmas) {
    // Each call borrows its connection before its first await, so these run on `connections` distinct ones.
    await Promise.all(Array.from({ length: connections }, () => client.execute(pragma)));
  }
}
