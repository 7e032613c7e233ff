import { isSdkError, type SdkErrorCode } from "@archnest/sdk";
import { INSTALL_REQUEST_MAX_SKEW_MS, type ParsedInstallRequest, parseInstallRequestHeaders, verifyInstallRequest } from "@archnest/sdk/license";
import { type PublicKey, publicKeyFromRaw } from "@archnest/sdk/trust";
import type { Client } from "@libsql/client";
import { eq, lt } from "drizzle-orm";
import type { Context } from "hono";
import type { RegistryDb } from "../db/index.js";
import { installs, nonces } from "../db/schema.js";
import { type RegErrorCode, RegistryError } from "../errors/index.js";

const SDK_TO_REG: Partial<Record<SdkErrorCode, RegErrorCode>> = {
  SDK_ERR_REQUEST_UNSIGNED: "REG_ERR_INSTALL_UNSIGNED",
  SDK_ERR_REQUEST_STALE: "REG_ERR_REQUEST_STALE",
  SDK_ERR_REQUEST_SIGNATURE: "REG_ERR_REQUEST_SIGNATURE",
};

/** A registered install, as the signed request proved it. */
export interface AuthenticatedInstall {
  id: string;
}

/**
 * Checks a host's signed request (docs/architecture.md section 4): headers well-formed, install registered, timestamp
 * within five minutes, signature by the install's key over method, path, timestamp, nonce and body, and
 * a nonce never seen before. Nonces are kept until their timestamp would be stale anyway.
 */
export function createInstallAuth(db: RegistryDb, client: Client, now: () => Date) {
  let checks = 0;
  const claimNonce = nonceClaims(client);
  async function prune(at: number): Promise<void> {
    await db.delete(nonces).where(lt(nonces.expiresAt, at));
  }

  // An install's key never changes once registered, so it is cached (bounded) to spare a query per request.
  const keys = new Map<string, PublicKey>();
  async function installKey(id: string): Promise<{ id: string; publicKey: PublicKey } | undefined> {
    const cached = keys.get(id);
    if (cached) return { id, publicKey: cached };
    const [row] = await db.select({ id: installs.id, publicKey: installs.publicKey }).from(installs).where(eq(installs.id, id));
    if (!row) return undefined;
    const publicKey = publicKeyFromRaw(new Uint8Array(Buffer.from(row.publicKey, "base64")));
    if (keys.size >= 50_000) keys.clear();
    keys.set(id, publicKey);
    return { id, publicKey };
  }

  return {
    prune,
    async authenticate(c: Context): Promise<AuthenticatedInstall> {
      let parsed: ParsedInstallRequest;
      try {
        parsed = parseInstallRequestHeaders(c.req.raw.headers);
      } catch {
        throw new RegistryError("REG_ERR_INSTALL_UNSIGNED");
      }
      const install = await installKey(parsed.installId);
      if (!install) throw new RegistryError("REG_ERR_INSTALL_UNKNOWN");
      const url = new URL(c.req.url);
      const body = c.req.method === "GET" || c.req.method === "HEAD" ? undefined : new Uint8Array(await c.req.arrayBuffer());
      const at = now();
      try {
        verifyInstallRequest({
          method: c.req.method,
          path: url.pathname + url.search,
          ...(body && { body }),
          parsed,
          publicKey: install.publicKey,
          now: at,
        });
      } catch (err) {
        if (isSdkError(err)) throw new RegistryError(SDK_TO_REG[err.code] ?? "REG_ERR_REQUEST_SIGNATURE", err.message);
        throw err;
      }
      const fresh = await claimNonce({ installId: install.id, nonce: parsed.nonce, expiresAt: parsed.timestamp + INSTALL_REQUEST_MAX_SKEW_MS + 60_000 });
      if (!fresh) throw new RegistryError("REG_ERR_NONCE_REPLAYED");
      checks += 1;
      if (checks % 1000 === 0) await prune(at.getTime());
      return { id: install.id };
    },
  };
}

export type InstallAuth = ReturnType<typeof createInstallAuth>;

interface NonceRow {
  installId: string;
  nonce: string;
  expiresAt: number;
}

/** Rows per INSERT: three bound values each, far under SQLite's limit on bound parameters. */
const NONCE_BATCH = 500;

/**
 * Records nonces as a group commit: the claims made in one turn of the event loop (and any made while a
 * write runs) go into one write together, so concurrent signed requests cost one write transaction between them instead of one
 * each (the write, not the signature check, was the most expensive step of a gated download). A claim
 * resolves only once its row is committed, so a nonce is accepted at most once, across restarts too: true
 * when the row is new, false when the nonce was seen before (or twice in one group).
 */
export function nonceClaims(client: Client): (row: NonceRow) => Promise<boolean> {
  type Claim = NonceRow & { resolve: (fresh: boolean) => void; reject: (err: unknown) => void };
  let queue: Claim[] = [];
  let writing = false;

  async function write(group: Claim[]): Promise<void> {
    const first = new Map<string, Claim>();
    for (const claim of group) {
      const key = `${claim.installId}\n${claim.nonce}`;
      if (first.has(key)) claim.resolve(false);
      else first.set(key, claim);
    }
    // Written as SQL rather than through the query builder: building the statement cost as much as running it.
    const claims = [...first.values()];
    const inserted = await client.execute({
      sql: `INSERT INTO nonces (install_id, nonce, expires_at) VALUES ${claims.map(() => "(?, ?, ?)").join(", ")} ON CONFLICT DO NOTHING RETURNING install_id, nonce`,
      args: claims.flatMap((c) => [c.installId, c.nonce, c.expiresAt]),
    });
    const fresh = new Set(inserted.rows.map((r) => `${String(r.install_id)}\n${String(r.nonce)}`));
    for (const [key, claim] of first) claim.resolve(fresh.has(key));
  }

  async function drain(): Promise<void> {
    while (queue.length > 0) {
      const group = queue.slice(0, NONCE_BATCH);
      queue = queue.slice(group.length);
      try {
        await write(group);
      } catch (err) {
        for (const claim of group) claim.reject(err);
      }
    }
    writing = false;
  }

  return (row) =>
    new Promise<boolean>((resolve, reject) => {
      queue.push({ ...row, resolve, reject });
      // libsql runs a statement synchronously: the write starts after this turn of the event loop, so the
      // requests that arrived in the same turn join it.
      if (!writing) {
        writing = true;
        setImmediate(() => void drain());
      }
    });
}
