import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Client } from "@libsql/client";
import { afterAll, describe, expect, it } from "vitest";
import { createHost } from "../app.js";
import { type Db, databaseFile, openDb } from "../db/index.js";
import { loadEnv } from "../env.js";
import { isHostError } from "../errors/index.js";
import { createLogger } from "../log/index.js";
import { checkMasterKey, Vault } from "./index.js";

const dirs: string[] = [];
const closers: (() => void)[] = [];
afterAll(() => {
  for (const c of closers) c();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "archnest-vault-"));
  dirs.push(d);
  return d;
}

async function freshDb(): Promise<{ db: Db; client: Client; dir: string; close: () => void }> {
  const dir = tempDir();
  const { db, client } = await openDb(dir);
  closers.push(() => client.close());
  return { db, client, dir, close: () => client.close() };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (err) {
    if (isHostError(err)) return err.code;
    throw err;
  }
  return "no error";
}

describe("vault", () => {
  it("seals and opens a secret, overwrites, lists names only, and deletes", async () => {
    const { db } = await freshDb();
    const vault = new Vault(db, randomBytes(32));
    await vault.seal("hosts/web1", "password", "pässwörd 🔑");
    await vault.seal("hosts/web1", "key", "-----BEGIN OPENSSH PRIVATE KEY-----");
    await vault.seal("hosts/web2", "password", "other");
    await vault.seal("hostsX", "password", "not under the prefix");
    expect(await vault.open("hosts/web1", "password")).toBe("pässwörd 🔑");
    await vault.seal("hosts/web1", "password", "rotated");
    expect(await vault.open("hosts/web1", "password")).toBe("rotated");
    expect(await vault.open("hosts/web1", "nothing")).toBeUndefined();
    expect(await vault.has("hosts/web1", "key")).toBe(true);
    expect(await vault.list("hosts/")).toEqual([
      { record: "hosts/web1", field: "key" },
      { record: "hosts/web1", field: "password" },
      { record: "hosts/web2", field: "password" },
    ]);
    // LIKE wildcards in the prefix are literal.
    expect(await vault.list("hosts_")).toEqual([]);
    expect(await vault.delete("hosts/web1", "key")).toBe(1);
    expect(await vault.has("hosts/web1", "key")).toBe(false);
    expect(await vault.delete("hosts/web2")).toBe(1);
    expect(await vault.list("hosts/")).toEqual([{ record: "hosts/web1", field: "password" }]);
  });

  it("refuses a ciphertext moved to another record or field (associated data)", async () => {
    const { db, client } = await freshDb();
    const vault = new Vault(db, randomBytes(32));
    await vault.seal("hosts/a", "password", "for a");
    await vault.seal("hosts/b", "password", "for b");
    // An attacker with write access to the database swaps rows between records, and between fields.
    await client.execute(
      "UPDATE secrets SET ciphertext = (SELECT ciphertext FROM secrets WHERE record = 'hosts/a'), nonce = (SELECT nonce FROM secrets WHERE record = 'hosts/a') WHERE record = 'hosts/b'",
    );
    expect(await codeOf(vault.open("hosts/b", "password"))).toBe("HOST_ERR_VAULT_DECRYPT_FAILED");
    await client.execute(
      "INSERT INTO secrets (record, field, nonce, ciphertext) SELECT record, 'token', nonce, ciphertext FROM secrets WHERE record = 'hosts/a'",
    );
    expect(await codeOf(vault.open("hosts/a", "token"))).toBe("HOST_ERR_VAULT_DECRYPT_FAILED");
    expect(await vault.open("hosts/a", "password")).toBe("for a");
  });

  it("refuses to open with a different master key", async () => {
    const { db } = await freshDb();
    await new Vault(db, randomBytes(32)).seal("r", "f", "value");
    expect(await codeOf(new Vault(db, randomBytes(32)).open("r", "f"))).toBe("HOST_ERR_VAULT_DECRYPT_FAILED");
    const key = randomBytes(32);
    await checkMasterKey(db, key);
    await checkMasterKey(db, key);
    expect(await codeOf(checkMasterKey(db, randomBytes(32)))).toBe("HOST_ERR_MASTER_KEY_MISMATCH");
  });

  it("refuses invalid names with a coded error", async () => {
    const { db } = await freshDb();
    const vault = new Vault(db, randomBytes(32));
    expect(await codeOf(vault.seal("", "f", "x"))).toBe("HOST_ERR_VAULT_NAME_INVALID");
    expect(await codeOf(vault.seal("a\u0000b", "f", "x"))).toBe("HOST_ERR_VAULT_NAME_INVALID");
    expect(await codeOf(vault.open("r", "x".repeat(600)))).toBe("HOST_ERR_VAULT_NAME_INVALID");
  });

  it("never writes the plaintext into the database files", async () => {
    const { db, dir, close } = await freshDb();
    const vault = new Vault(db, randomBytes(32));
    const plaintext = `needle-${randomBytes(12).toString("hex")}`;
    await vault.seal("hosts/x", "password", plaintext);
    expect(await vault.open("hosts/x", "password")).toBe(plaintext);
    close();
    const file = databaseFile(dir);
    const bytes = Buffer.concat([file, `${file}-wal`, `${file}-shm`].filter((f) => existsSync(f)).map((f) => readFileSync(f)));
    expect(bytes.length).toBeGreaterThan(0);
    expect(bytes.includes(Buffer.from("hosts/x"))).toBe(true);
    expect(bytes.includes(Buffer.from(plaintext))).toBe(false);
    expect(bytes.includes(Buffer.from(Buffer.from(plaintext).toString("base64")))).toBe(false);
  });
});

describe("master key file", () => {
  it("is created on first boot with mode 0600 in a 0700 folder outside the data folder, logged by path only, and reused", async () => {
    const dir = tempDir();
    const env = { ARCHNEST_DATA_DIR: join(dir, "data"), XDG_CONFIG_HOME: join(dir, "config") };
    const config = loadEnv(env);
    if (config.masterKey.source !== "file") throw new Error("expected a key file");
    const keyPath = config.masterKey.path;
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l) });

    const first = await createHost(config, { log });
    await first.vault.seal("r", "f", "kept across restarts");
    await first.close();

    expect(statSync(keyPath).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, "config", "archnest")).mode & 0o777).toBe(0o700);
    expect(keyPath.startsWith(join(dir, "data"))).toBe(false);
    const keyText = readFileSync(keyPath, "utf8").trim();
    expect(Buffer.from(keyText, "base64")).toHaveLength(32);
    const logText = lines.join("\n");
    expect(logText).toContain(keyPath);
    expect(logText).not.toContain(keyText);

    const second = await createHost(loadEnv(env), { log });
    expect(await second.vault.open("r", "f")).toBe("kept across restarts");
    await second.close();

    // The same data folder with another key refuses to boot instead of mixing keys.
    const wrong = loadEnv({ ...env, ARCHNEST_MASTER_KEY: randomBytes(32).toString("base64") });
    expect(await codeOf(createHost(wrong, { log }))).toBe("HOST_ERR_MASTER_KEY_MISMATCH");
  });

  it("refuses a key file that is not 32 bytes of base64", async () => {
    const dir = tempDir();
    const keyFile = join(dir, "bad.key");
    const { writeFileSync } = await import("node:fs");
    writeFileSync(keyFile, "too short\n", { mode: 0o600 });
    const config = loadEnv({ ARCHNEST_DATA_DIR: join(dir, "data"), ARCHNEST_MASTER_KEY_FILE: keyFile });
    expect(await codeOf(createHost(config, { log: createLogger({ write: () => {} }) }))).toBe("HOST_ERR_MASTER_KEY_INVALID");
  });
});
