import { and, eq, gte } from "drizzle-orm";
import type { LibSQLDatabase } from "drizzle-orm/libsql";
import * as schema from "../db/schema.js";

export type HostDb = LibSQLDatabase<typeof schema>;
export type PluginState = "active" | "disabled" | "failed" | "locked" | "revoked";
export type UpdatePolicy = "pinned" | "patch" | "minor" | "latest";
export type PluginSource = "core" | "file" | "registry";

/** An installed plugin as the runtime and the API see it. */
export interface PluginRecord {
  id: string;
  packageName: string;
  version: string;
  /** Older versions kept on disk for rollback, newest first. */
  previousVersions: string[];
  highestSeenVersion: string;
  state: PluginState;
  error: string | null;
  errorCode: string | null;
  policy: UpdatePolicy;
  /** The policy a pin replaced, restored by unpin; null when not pinned. */
  pinnedFrom: UpdatePolicy | null;
  source: PluginSource;
  module: string;
  signerKeyid: string;
  signerName: string;
  permissions: string[];
  grantedPermissions: string[];
  manifest: Record<string, unknown>;
  installedAt: number;
  updatedAt: number;
}

type Row = typeof schema.plugins.$inferSelect;

function fromRow(r: Row): PluginRecord {
  return {
    ...r,
    state: r.state as PluginState,
    policy: r.policy as UpdatePolicy,
    pinnedFrom: r.pinnedFrom as UpdatePolicy | null,
    previousVersions: JSON.parse(r.previousVersions) as string[],
    source: r.source as PluginSource,
    permissions: JSON.parse(r.permissions) as string[],
    grantedPermissions: JSON.parse(r.grantedPermissions) as string[],
    manifest: JSON.parse(r.manifest) as Record<string, unknown>,
  };
}

function toRow(p: PluginRecord): Row {
  return {
    ...p,
    previousVersions: JSON.stringify(p.previousVersions),
    permissions: JSON.stringify(p.permissions),
    grantedPermissions: JSON.stringify(p.grantedPermissions),
    manifest: JSON.stringify(p.manifest),
  };
}

/** The plugin runtime's tables: installed plugins, their storage and settings, version high-water marks. */
export class PluginRepo {
  // Every request to a plugin route reads its record, so the table is cached in memory; this class is
  // its only writer and drops the cache when each write settles. Dropping it after (not before) the write
  // is what counts: a read that started during the write may have cached the old rows, and the drop after
  // makes every read that starts once the write resolved go to the table.
  private cache: Promise<Map<string, PluginRecord>> | undefined;

  constructor(private readonly db: HostDb) {}

  private records(): Promise<Map<string, PluginRecord>> {
    this.cache ??= this.db
      .select()
      .from(schema.plugins)
      .orderBy(schema.plugins.id)
      .then((rows) => new Map(rows.map((r) => [r.id, fromRow(r)])));
    return this.cache;
  }

  /** Runs a write to the plugins table, then drops the cache (also when the write failed part way). */
  private async write(run: () => PromiseLike<unknown>): Promise<void> {
    try {
      await run();
    } finally {
      this.cache = undefined;
    }
  }

  async all(): Promise<PluginRecord[]> {
    return [...(await this.records()).values()].map((r) => structuredClone(r));
  }

  async get(id: string): Promise<PluginRecord | undefined> {
    const rec = (await this.records()).get(id);
    return rec ? structuredClone(rec) : undefined;
  }

  /** The cached record itself, for the hot path; callers must not change it. */
  async peek(id: string): Promise<Readonly<PluginRecord> | undefined> {
    return (await this.records()).get(id);
  }

  /** Writes a plugin record; the install's commit point. */
  async put(p: PluginRecord): Promise<void> {
    const row = toRow(p);
    await this.write(() => this.db.insert(schema.plugins).values(row).onConflictDoUpdate({ target: schema.plugins.id, set: row }));
  }

  async patch(
    id: string,
    change: Partial<Pick<PluginRecord, "state" | "error" | "errorCode" | "policy" | "pinnedFrom" | "grantedPermissions">>,
  ): Promise<void> {
    const set: Partial<Row> = { updatedAt: Date.now() };
    if (change.state !== undefined) set.state = change.state;
    if (change.error !== undefined) set.error = change.error;
    if (change.errorCode !== undefined) set.errorCode = change.errorCode;
    if (change.policy !== undefined) set.policy = change.policy;
    if (change.pinnedFrom !== undefined) set.pinnedFrom = change.pinnedFrom;
    if (change.grantedPermissions !== undefined) set.grantedPermissions = JSON.stringify(change.grantedPermissions);
    await this.write(() => this.db.update(schema.plugins).set(set).where(eq(schema.plugins.id, id)));
  }

  async remove(id: string, purge: boolean): Promise<void> {
    await this.write(() =>
      this.db.transaction(async (tx) => {
        await tx.delete(schema.plugins).where(eq(schema.plugins.id, id));
        if (purge) {
          await tx.delete(schema.pluginStorage).where(eq(schema.pluginStorage.pluginId, id));
          await tx.delete(schema.pluginSettings).where(eq(schema.pluginSettings.pluginId, id));
        }
      }),
    );
  }

  async getMeta(key: string): Promise<string | undefined> {
    const [row] = await this.db.select().from(schema.meta).where(eq(schema.meta.key, key));
    return row?.value;
  }

  async setMeta(key: string, value: string): Promise<void> {
    await this.db.insert(schema.meta).values({ key, value }).onConflictDoUpdate({ target: schema.meta.key, set: { value } });
  }

  async storageGet(pluginId: string, key: string): Promise<string | undefined> {
    const [row] = await this.db
      .select()
      .from(schema.pluginStorage)
      .where(and(eq(schema.pluginStorage.pluginId, pluginId), eq(schema.pluginStorage.key, key)));
    return row?.value;
  }

  async storageSet(pluginId: string, key: string, value: string): Promise<void> {
    const updatedAt = Date.now();
    await this.db
      .insert(schema.pluginStorage)
      .values({ pluginId, key, value, updatedAt })
      .onConflictDoUpdate({ target: [schema.pluginStorage.pluginId, schema.pluginStorage.key], set: { value, updatedAt } });
  }

  async storageDelete(pluginId: string, key: string): Promise<boolean> {
    const res = await this.db.delete(schema.pluginStorage).where(and(eq(schema.pluginStorage.pluginId, pluginId), eq(schema.pluginStorage.key, key)));
    return res.rowsAffected > 0;
  }

  async storageList(pluginId: string, prefix: string): Promise<{ key: string; value: string }[]> {
    const rows = await this.db
      .select({ key: schema.pluginStorage.key, value: schema.pluginStorage.value })
      .from(schema.pluginStorage)
      .where(and(eq(schema.pluginStorage.pluginId, pluginId), gte(schema.pluginStorage.key, prefix)))
      .orderBy(schema.pluginStorage.key);
    return rows.filter((r) => r.key.startsWith(prefix));
  }

  async settingsGet(pluginId: string): Promise<Record<string, unknown>> {
    const [row] = await this.db.select().from(schema.pluginSettings).where(eq(schema.pluginSettings.pluginId, pluginId));
    return row ? (JSON.parse(row.values) as Record<string, unknown>) : {};
  }

  async settingsSet(pluginId: string, values: Record<string, unknown>): Promise<void> {
    const json = JSON.stringify(values);
    const updatedAt = Date.now();
    await this.db
      .insert(schema.pluginSettings)
      .values({ pluginId, values: json, updatedAt })
      .onConflictDoUpdate({ target: schema.pluginSettings.pluginId, set: { values: json, updatedAt } });
  }
}
