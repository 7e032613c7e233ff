import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

// Times are Unix milliseconds in integer columns: sortable, timezone-free and cheap to compare.

export const users = sqliteTable("users", {
  id: text("id").primaryKey(),
  /** Stored lowercased: usernames are case-insensitive. */
  username: text("username").notNull().unique(),
  /** `scrypt$N$r$p$salt$hash`: the KDF parameters travel with the hash so they can be raised later. */
  passwordHash: text("password_hash").notNull(),
  role: text("role", { enum: ["admin", "member"] }).notNull(),
  createdAt: integer("created_at").notNull(),
});

export const sessions = sqliteTable(
  "sessions",
  {
    /** SHA-256 (hex) of the session token: a leaked database does not yield usable cookies. */
    id: text("id").primaryKey(),
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    csrfToken: text("csrf_token").notNull(),
    createdAt: integer("created_at").notNull(),
    expiresAt: integer("expires_at").notNull(),
    lastSeenAt: integer("last_seen_at").notNull(),
  },
  (t) => [index("sessions_user_id_idx").on(t.userId), index("sessions_expires_at_idx").on(t.expiresAt)],
);

/** Vault rows: AES-256-GCM ciphertext with the record and field as associated data (docs/architecture.md section 5). */
export const secrets = sqliteTable(
  "secrets",
  {
    record: text("record").notNull(),
    field: text("field").notNull(),
    nonce: text("nonce").notNull(),
    /** base64 of ciphertext followed by the 16-byte GCM tag. */
    ciphertext: text("ciphertext").notNull(),
  },
  (t) => [primaryKey({ columns: [t.record, t.field] })],
);

/** Install-wide facts (vault key check, first boot time, install identity). */
export const meta = sqliteTable("meta", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export const PLUGIN_STATES = ["active", "disabled", "failed", "locked", "revoked"] as const;
export const UPDATE_POLICIES = ["pinned", "patch", "minor", "latest"] as const;
export const PLUGIN_SOURCES = ["core", "file", "registry"] as const;

export const plugins = sqliteTable("plugins", {
  id: text("id").primaryKey(),
  packageName: text("package_name").notNull(),
  version: text("version").notNull(),
  /** JSON array of the older versions kept on disk for rollback, newest first (ARCHNEST_PLUGIN_KEEP_VERSIONS of them). */
  previousVersions: text("previous_versions").notNull().default("[]"),
  highestSeenVersion: text("highest_seen_version").notNull(),
  state: text("state", { enum: PLUGIN_STATES }).notNull(),
  error: text("error"),
  errorCode: text("error_code"),
  policy: text("policy", { enum: UPDATE_POLICIES }).notNull().default("minor"),
  /** The policy a pin replaced (by the admin or by a rollback), restored by unpin; null when not pinned. */
  pinnedFrom: text("pinned_from", { enum: UPDATE_POLICIES }),
  source: text("source", { enum: PLUGIN_SOURCES }).notNull(),
  module: text("module").notNull(),
  signerKeyid: text("signer_keyid").notNull(),
  signerName: text("signer_name").notNull(),
  /** JSON array of the permissions the manifest asks for. */
  permissions: text("permissions").notNull(),
  /** JSON array of the permissions the admin granted. */
  grantedPermissions: text("granted_permissions").notNull(),
  /** JSON of the package.json. */
  manifest: text("manifest").notNull(),
  installedAt: integer("installed_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

// The plugin data tables have no foreign key to `plugins`: uninstalling keeps a plugin's data unless the
// admin asks for a purge, so these rows may outlive the plugin's row.
export const pluginStorage = sqliteTable(
  "plugin_storage",
  {
    pluginId: text("plugin_id").notNull(),
    key: text("key").notNull(),
    /** JSON. */
    value: text("value").notNull(),
    updatedAt: integer("updated_at").notNull().default(sql`(unixepoch() * 1000)`),
  },
  (t) => [primaryKey({ columns: [t.pluginId, t.key] })],
);

export const pluginSettings = sqliteTable("plugin_settings", {
  pluginId: text("plugin_id").primaryKey(),
  /** JSON object of the setting values. */
  values: text("values").notNull(),
  updatedAt: integer("updated_at").notNull().default(sql`(unixepoch() * 1000)`),
});

/** Per-user preferences (layout, theme). */
export const userPrefs = sqliteTable(
  "user_prefs",
  {
    userId: text("user_id")
      .notNull()
      .references(() => users.id, { onDelete: "cascade" }),
    key: text("key").notNull(),
    /** JSON. */
    value: text("value").notNull(),
  },
  (t) => [primaryKey({ columns: [t.userId, t.key] })],
);

export const SSH_AUTH_METHODS = ["password", "key"] as const;

/**
 * SSH hosts. Credentials never live here: the password, private key and passphrase are sealed in
 * the vault under the record `ssh-host:<id>`.
 */
export const sshHosts = sqliteTable("ssh_hosts", {
  id: text("id").primaryKey(),
  /** Unique display name, compared case-insensitively (stored as typed, unique on its lowercase). */
  name: text("name").notNull(),
  nameKey: text("name_key").notNull().unique(),
  address: text("address").notNull(),
  port: integer("port").notNull().default(22),
  username: text("username").notNull(),
  authMethod: text("auth_method", { enum: SSH_AUTH_METHODS }).notNull(),
  /** JSON array of tag strings. */
  tags: text("tags").notNull().default("[]"),
  /** The trusted host key as OpenSSH prints it (`SHA256:...`); null until the first connection. */
  hostKeyFingerprint: text("host_key_fingerprint"),
  /** A different key the server presented, refused until the admin accepts it. */
  hostKeyPending: text("host_key_pending"),
  createdAt: integer("created_at").notNull(),
  updatedAt: integer("updated_at").notNull(),
});

/**
 * Publishers this host trusts beside the official root (docs/plugin-format.md, "Trusted publishers"):
 * their root key and the keyring it signs, kept here so verification never needs the registry.
 */
export const trustedPublishers = sqliteTable("trusted_publishers", {
  /** The root key's id (hex SHA-256 of the raw key). */
  fingerprint: text("fingerprint").primaryKey(),
  name: text("name").notNull(),
  /** JSON array of whole npm scopes such as "@acme/*". */
  scopes: text("scopes").notNull(),
  /** SPKI PEM. */
  rootPublicKey: text("root_public_key").notNull(),
  /** The keyring envelope (JSON) as trusted; replaced by a newer one only when the root signs it. */
  keyring: text("keyring").notNull(),
  addedAt: integer("added_at").notNull(),
});
