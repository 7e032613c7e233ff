export { type Db, databaseFile, databaseReady, MIGRATIONS_FOLDER, type OpenedDb, openDb } from "./open-db.js";
export * as schema from "./schema.js";
