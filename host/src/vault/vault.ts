import { createCipheriv, createDecipheriv, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../db/index.js";
import { meta, secrets } from "../db/schema.js";
import { HostError } from "../errors/index.js";

const NONCE_BYTES = 12;
const TAG_BYTES = 16;
const MAX_NAME = 512;
const KEY_CHECK = "vault_key_check";

function checkName(kind: string, name: string): void {
  if (typeof name !== "string" || name.length === 0 || name.length > MAX_NAME || name.includes("\u0000")) {
    throw new HostError("HOST_ERR_VAULT_NAME_INVALID", `vault ${kind} names must be 1 to ${MAX_NAME} characters without NUL`);
  }
}

/** Binding the ciphertext to where it is stored: a row moved to another record or field fails to open. */
function aad(record: string, field: string): Buffer {
  return Buffer.from(`${record}\u0000${field}`, "utf8");
}

/**
 * The secrets vault of docs/architecture.md section 5: AES-256-GCM with a random 96-bit nonce per seal (NIST SP
 * 800-38D) and `record NUL field` as associated data. No method returns key material; `list` returns
 * names only.
 */
export class Vault {
  readonly #db: Db;
  readonly #key: Buffer;

  constructor(db: Db, masterKey: Buffer) {
    if (masterKey.length !== 32) throw new HostError("HOST_ERR_MASTER_KEY_INVALID");
    this.#db = db;
    this.#key = Buffer.from(masterKey);
  }

  /** Encrypts `plaintext` and stores it under (record, field), replacing any previous value. */
  async seal(record: string, field: string, plaintext: string): Promise<void> {
    checkName("record", record);
    checkName("field", field);
    const nonce = randomBytes(NONCE_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.#key, nonce, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad(record, field));
    const body = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final(), cipher.getAuthTag()]);
    const row = { record, field, nonce: nonce.toString("base64"), ciphertext: body.toString("base64") };
    await this.#db
      .insert(secrets)
      .values(row)
      .onConflictDoUpdate({ target: [secrets.record, secrets.field], set: { nonce: row.nonce, ciphertext: row.ciphertext } });
  }

  /**
   * The plaintext under (record, field), or undefined when nothing is stored there.
   * @throws HostError HOST_ERR_VAULT_DECRYPT_FAILED when the row was altered, moved or sealed with another key.
   */
  async open(record: string, field: string): Promise<string | undefined> {
    checkName("record", record);
    checkName("field", field);
    const [row] = await this.#db
      .select()
      .from(secrets)
      .where(and(eq(secrets.record, record), eq(secrets.field, field)));
    if (!row) return undefined;
    try {
      const nonce = Buffer.from(row.nonce, "base64");
      const body = Buffer.from(row.ciphertext, "base64");
      if (nonce.length !== NONCE_BYTES || body.length < TAG_BYTES) throw new Error("malformed vault row");
      const decipher = createDecipheriv("aes-256-gcm", this.#key, nonce, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad(record, field));
      decipher.setAuthTag(body.subarray(body.length - TAG_BYTES));
      return Buffer.concat([decipher.update(body.subarray(0, body.length - TAG_BYTES)), decipher.final()]).toString("utf8");
    } catch (cause) {
      throw new HostError("HOST_ERR_VAULT_DECRYPT_FAILED", `the secret ${record}/${field} failed authentication`, { cause });
    }
  }

  async has(record: string, field: string): Promise<boolean> {
    checkName("record", record);
    checkName("field", field);
    const rows = await this.#db
      .select({ record: secrets.record })
      .from(secrets)
      .where(and(eq(secrets.record, record), eq(secrets.field, field)));
    return rows.length > 0;
  }

  /** Deletes one field, or every field of the record when `field` is omitted; returns how many were deleted. */
  async delete(record: string, field?: string): Promise<number> {
    checkName("record", record);
    if (field !== undefined) checkName("field", field);
    const where = field === undefined ? eq(secrets.record, record) : and(eq(secrets.record, record), eq(secrets.field, field));
    const deleted = await this.#db.delete(secrets).where(where).returning({ record: secrets.record });
    return deleted.length;
  }

  /** Names (never values) of the sealed fields whose record starts with `recordPrefix`. */
  async list(recordPrefix = ""): Promise<{ record: string; field: string }[]> {
    const escaped = recordPrefix.replace(/[\\%_]/g, (ch) => `\\${ch}`);
    const rows = await this.#db
      .select({ record: secrets.record, field: secrets.field })
      .from(secrets)
      .where(sql`${secrets.record} LIKE ${`${escaped}%`} ESCAPE '\\'`)
      .orderBy(secrets.record, secrets.field);
    // LIKE is case-insensitive for ASCII in SQLite; the prefix match itself must be exact.
    return rows.filter((r) => r.record.startsWith(recordPrefix));
  }
}

/**
 * Records a check value of the master key on first boot and refuses a different key later, so a host
 * started with the wrong key fails at boot instead of sealing new secrets under a second key.
 */
export async function checkMasterKey(db: Db, masterKey: Buffer): Promise<void> {
  const check = createHmac("sha256", masterKey).update("archnest vault key check v1").digest("base64");
  await db.insert(meta).values({ key: KEY_CHECK, value: check }).onConflictDoNothing();
  const [row] = await db.select().from(meta).where(eq(meta.key, KEY_CHECK));
  const stored = Buffer.from(row?.value ?? "", "base64");
  const mine = Buffer.from(check, "base64");
  if (stored.length !== mine.length || !timingSafeEqual(stored, mine)) throw new HostError("HOST_ERR_MASTER_KEY_MISMATCH");
}
