import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createLicense } from "@archnest/sdk/license";
import { parsePublicKeyPem } from "@archnest/sdk/trust";
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import { eq, sql } from "drizzle-orm";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { findModule, formatPrice } from "../catalog/index.js";
import { installs } from "../db/schema.js";
import { RegistryError } from "../errors/index.js";
import { readJson } from "../http.js";
import type { AppEnv, Services } from "../services.js";

export const registerBody = z.object({ publicKey: z.string().min(1).max(2000) });

function rawPublicKey(text: string): string {
  if (text.includes("-----BEGIN")) {
    try {
      return Buffer.from(parsePublicKeyPem(text).publicKey).toString("base64");
    } catch {
      throw new RegistryError("REG_ERR_BAD_REQUEST", "publicKey: not an Ed25519 public key in PEM form.");
    }
  }
  const raw = Buffer.from(text, "base64");
  if (raw.length !== 32 || raw.toString("base64") !== text)
    throw new RegistryError("REG_ERR_BAD_REQUEST", "publicKey: must be the raw 32-byte Ed25519 key in base64, or SPKI PEM.");
  return text;
}

/** Install registration, licenses and the license-gated tarball delivery (docs/architecture.md section 4). */
export function installRoutes(svc: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/v1/installs", async (c) => {
    const { publicKey } = await readJson(c, registerBody);
    const key = rawPublicKey(publicKey);
    // Registering the same key again answers the same id, so a host that lost the answer can retry.
    const [existing] = await svc.db.select({ id: installs.id }).from(installs).where(eq(installs.publicKey, key));
    if (existing) return c.json({ installId: existing.id }, 200);
    const id = `inst_${randomBytes(16).toString("base64url")}`;
    await svc.db.insert(installs).values({ id, publicKey: key, createdAt: svc.now().getTime() }).onConflictDoNothing();
    const [row] = await svc.db.select({ id: installs.id }).from(installs).where(eq(installs.publicKey, key));
    svc.logger.log({ level: "info", msg: "install registered", requestId: c.get("requestId"), installId: row?.id ?? id });
    return c.json({ installId: row?.id ?? id }, 201);
  });

  app.post("/v1/license", async (c) => {
    const install = await svc.installAuth.authenticate(c);
    const [row] = await svc.db
      .update(installs)
      .set({ licenseSequence: sql`${installs.licenseSequence} + 1` })
      .where(eq(installs.id, install.id))
      .returning({ sequence: installs.licenseSequence });
    if (!row) throw new RegistryError("REG_ERR_INSTALL_UNKNOWN");
    const modules = await svc.purchases.modulesOf(install.id);
    return c.json(createLicense(svc.config.licenseKey, { installId: install.id, modules, sequence: row.sequence, issuedAt: svc.now() }));
  });

  const deliver = async (c: Context<AppEnv>, name: string, version: string) => {
    const row = await svc.packages.findVersion(name, version, { cached: true });
    if (!row) throw new RegistryError("REG_ERR_NOT_FOUND", `${name}@${version} is not published.`);
    if (row.revokedAt !== null) throw new RegistryError("REG_ERR_VERSION_REVOKED", `${name}@${version} was revoked: ${row.revokeReason ?? ""}`);
    if (row.module !== "free") {
      // The database decides, not the license the host holds (docs/architecture.md section 4).
      const install = await svc.installAuth.authenticate(c);
      const owned = await svc.purchases.modulesOf(install.id, { cached: true });
      if (!owned.includes(row.module)) {
        const price = formatPrice(findModule(row.module)?.priceCents ?? 500);
        throw new RegistryError("REG_ERR_MODULE_REQUIRED", `${name} needs the ${row.module} module (${price}).`, {
          error: "module_required",
          module: row.module,
          price,
          purchaseUrl: `${svc.config.publicUrl}/v1/modules/${row.module}`,
        });
      }
    }
    const etag = `"${row.sha256}"`;
    const common = { etag, "cache-control": "private, no-cache", "x-archnest-module": row.module };
    const inm = c.req.header("if-none-match");
    if (inm?.split(",").some((t) => t.trim() === etag || t.trim() === `W/${etag}`)) return c.body(null, 304, common);
    const headers = {
      ...common,
      "content-type": "application/octet-stream",
      "content-length": String(row.size),
      "content-disposition": `attachment; filename="${name.replace(/^@[^/]+\//, "")}-${version}.tgz"`,
      "x-request-id": c.get("requestId"),
    };
    const outgoing = c.env?.outgoing;
    const bytes = await svc.tarballs.get(row.storageKey, { size: row.size, sha256: row.sha256 });
    if (bytes) {
      if (!outgoing) return c.body(bytes, 200, headers);
      outgoing.writeHead(200, headers);
      outgoing.end(bytes);
      return RESPONSE_ALREADY_SENT;
    }
    const stream = await svc.storage.get(row.storageKey);
    if (!stream) throw new RegistryError("REG_ERR_NOT_FOUND", `The tarball of ${name}@${version} is missing from storage.`);
    if (outgoing) {
      // Served by Node: pipe the file straight into the socket. Bridging it through a web ReadableStream
      // halves delivery throughput (registry/bench/delivery.bench.mjs), and tarballs are the hot path.
      outgoing.writeHead(200, headers);
      pipeline(stream, outgoing).catch(() => stream.destroy());
      return RESPONSE_ALREADY_SENT;
    }
    return c.body(Readable.toWeb(stream) as ReadableStream, 200, headers);
  };

  app.get("/v1/tarballs/:scope{@[^/]+}/:name/:version", (c) => deliver(c, `${c.req.param("scope")}/${c.req.param("name")}`, c.req.param("version")));
  app.get("/v1/tarballs/:name/:version", (c) => deliver(c, c.req.param("name"), c.req.param("version")));
  return app;
}
