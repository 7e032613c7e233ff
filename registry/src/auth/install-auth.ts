import { isSdkError, type SdkErrorCode } from "@archnest/sdk";
import { INSTALL_REQUEST_MAX_SKEW_MS, type ParsedInstallRequest, parseInstallRequestHeaders, verifyInstallRequest } from "@archnest/sdk/license";
import { type PublicKey, publicKeyFromRaw } from "@archnest/sdk/trust";
import { eq, lt, sql } from "drizzle-orm";
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
export function createInstallAuth(db: RegistryDb, now: () => Date) {
  let checks = 0;
  // Prepared once: every signed request runs it.
  const insertNonce = db
    .insert(nonces)
    .values({ installId: sql.placeholder("installId"), nonce: sql.placeholder("nonce"), expiresAt: sql.placeholder("expiresAt") })
    .onConflictDoNothing()
    .prepare();
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
      const inserted = await insertNonce.run({
        installId: install.id,
        nonce: parsed.nonce,
        expiresAt: parsed.timestamp + INSTALL_REQUEST_MAX_SKEW_MS + 60_000,
      });
      if (inserted.rowsAffected === 0) throw new RegistryError("REG_ERR_NONCE_REPLAYED");
      checks += 1;
      if (checks % 1000 === 0) await prune(at.getTime());
      return { id: install.id };
    },
  };
}

export type InstallAuth = ReturnType<typeof createInstallAuth>;
