import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Times are Unix milliseconds: compared in SQL, never parsed. */
const createdAt = () => integer("created_at").notNull().default(sql`(unixepoch() * 1000)`);

/** Publishing accounts. The token is stored as its SHA-256 only; it is shown once when created. */
export const authors = sqliteTable("authors", {
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  /** JSON array of package-name patterns such as "@acme/*". */
  scopes: text("scopes").notNull(),
  createdAt: createdAt(),
});

/**
 * Trusted publishers: outside authors who registered themselves with their own root key and keyring
 * (docs/plugin-format.md, "Trusted publishers"). The fingerprint is the root key's id.
 */
export const publishers = sqliteTable("publishers", {
  fingerprint: text("fingerprint").primaryKey(),
  name: text("name").notNull().unique(),
  /** SPKI PEM of the root public key. */
  rootPublicKey: text("root_public_key").notNull(),
  /** The current keyring envelope (JSON), signed by the root. */
  keyring: text("keyring").notNull(),
  keyringVersion: integer("keyring_version").notNull(),
  tokenHash: text("token_hash").notNull().unique(),
  createdAt: createdAt(),
});

/** One row per publisher scope (`@acme/*`): the primary key makes a scope belong to one publisher only. */
export const publisherScopes = sqliteTable("publisher_scopes", {
  scope: text("scope").primaryKey(),
  fingerprint: text("fingerprint").notNull(),
});

/** Every key a publisher's keyring lists, so a host can ask who owns a key; a key belongs to one publisher. */
export const publisherKeys = sqliteTable(
  "publisher_keys",
  {
    keyid: text("keyid").primaryKey(),
    fingerprint: text("fingerprint").notNull(),
  },
  (t) => [index("publisher_keys_fingerprint").on(t.fingerprint)],
);

export const packages = sqliteTable("packages", {
  name: text("name").primaryKey(),
  authorId: text("author_id").notNull(),
  createdAt: createdAt(),
});

export const versions = sqliteTable(
  "versions",
  {
    name: text("name").notNull(),
    version: text("version").notNull(),
    /** The package.json from the tarball, as published. */
    packageJson: text("package_json").notNull(),
    displayName: text("display_name").notNull(),
    description: text("description").notNull(),
    module: text("module").notNull(),
    sdk: text("sdk").notNull(),
    /** Major of the lowest SDK version the range accepts, for "latest per SDK major". */
    sdkMajor: integer("sdk_major").notNull(),
    integrity: text("integrity").notNull(),
    shasum: text("shasum").notNull(),
    sha256: text("sha256").notNull(),
    size: integer("size").notNull(),
    storageKey: text("storage_key").notNull(),
    signerKeyid: text("signer_keyid").notNull(),
    publishedAt: integer("published_at").notNull(),
    revokedAt: integer("revoked_at"),
    revokeReason: text("revoke_reason"),
  },
  (t) => [primaryKey({ columns: [t.name, t.version] })],
);

/** Per-package minimum safe version, published in the status index. */
export const minimumSafe = sqliteTable("minimum_safe", {
  name: text("name").primaryKey(),
  version: text("version").notNull(),
});

export const installs = sqliteTable("installs", {
  id: text("id").primaryKey(),
  /** Raw Ed25519 public key, base64. */
  publicKey: text("public_key").notNull().unique(),
  /** The sequence number of the last license issued; grows by one per license. */
  licenseSequence: integer("license_sequence").notNull().default(0),
  createdAt: createdAt(),
});

/** Nonces of signed install requests, kept until their timestamp is stale anyway. */
export const nonces = sqliteTable(
  "nonces",
  {
    installId: text("install_id").notNull(),
    nonce: text("nonce").notNull(),
    expiresAt: integer("expires_at").notNull(),
  },
  (t) => [primaryKey({ columns: [t.installId, t.nonce] }), index("nonces_expires_at").on(t.expiresAt)],
);

/** Checkout sessions this registry created (Stripe's or the development checkout's). */
export const checkoutSessions = sqliteTable("checkout_sessions", {
  id: text("id").primaryKey(),
  installId: text("install_id").notNull(),
  slug: text("slug").notNull(),
  amountCents: integer("amount_cents").notNull(),
  provider: text("provider", { enum: ["stripe", "dev"] }).notNull(),
  returnUrl: text("return_url"),
  createdAt: createdAt(),
});

/** One row per paid checkout session; the unique session id makes fulfilment idempotent. */
export const purchases = sqliteTable(
  "purchases",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sessionId: text("session_id").notNull().unique(),
    installId: text("install_id").notNull(),
    slug: text("slug").notNull(),
    paymentIntent: text("payment_intent"),
    createdAt: createdAt(),
    revokedAt: integer("revoked_at"),
    revokeReason: text("revoke_reason"),
  },
  (t) => [index("purchases_install").on(t.installId), index("purchases_payment_intent").on(t.paymentIntent)],
);

/** Refunded payment intents: kept so a refund that arrives before its checkout event still wins. */
export const refunds = sqliteTable("refunds", {
  paymentIntent: text("payment_intent").primaryKey(),
  chargeId: text("charge_id").notNull(),
  createdAt: createdAt(),
});

/** Stripe event ids already processed: each is processed once. */
export const stripeEvents = sqliteTable("stripe_events", {
  id: text("id").primaryKey(),
  type: text("type").notNull(),
  createdAt: createdAt(),
});

/** Purchase transfers between installs (limited to one per install per year). */
export const transfers = sqliteTable(
  "transfers",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    fromInstall: text("from_install").notNull(),
    toInstall: text("to_install").notNull(),
    at: integer("at").notNull(),
  },
  (t) => [index("transfers_from").on(t.fromInstall), index("transfers_to").on(t.toInstall)],
);
