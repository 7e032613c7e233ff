import { randomBytes } from "node:crypto";
import { Hono } from "hono";
import semver from "semver";
import { z } from "zod";
import { bearer, hashToken, newToken, sameSecret } from "../auth/tokens.js";
import { authors, publisherScopes } from "../db/schema.js";
import { RegistryError } from "../errors/index.js";
import { readJson } from "../http.js";
import type { AppEnv, Services } from "../services.js";

const scopePattern = z.string().regex(/^(@[a-z0-9][a-z0-9._-]*\/)?([a-z0-9*][a-z0-9._*-]*)$/, "must be a package name or a pattern such as @acme/*");
export const authorBody = z.object({ name: z.string().min(1).max(100), scopes: z.array(scopePattern).min(1).max(50) });
const semverText = z.string().refine((v) => semver.valid(v) !== null, "must be a semver version");
export const revokeBody = z.object({
  name: z.string().min(1).max(214),
  version: semverText,
  reason: z.string().min(1).max(1000),
  minimumSafe: semverText.optional(),
});
export const transferBody = z.object({ to: z.string().min(1).max(100) });

/** Admin endpoints, behind ARCHNEST_REGISTRY_ADMIN_TOKEN. */
export function adminRoutes(svc: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/v1/admin/*", async (c, next) => {
    const token = bearer(c.req.header("authorization"));
    const expected = svc.config.adminToken;
    if (!expected || !token || !sameSecret(token, expected)) throw new RegistryError("REG_ERR_ADMIN_AUTH");
    await next();
  });

  app.post("/v1/admin/authors", async (c) => {
    const body = await readJson(c, authorBody);
    // A scope a trusted publisher registered stays theirs: an author created later cannot sign into it.
    const owned = await svc.db.select().from(publisherScopes);
    const clash = owned.find((p) => body.scopes.some((s) => s.startsWith(p.scope.slice(0, -1)) || s === "*"));
    if (clash) throw new RegistryError("REG_ERR_SCOPE_TAKEN", `${clash.scope} belongs to a trusted publisher.`);
    const token = newToken();
    const id = `auth_${randomBytes(9).toString("base64url")}`;
    await svc.db
      .insert(authors)
      .values({ id, name: body.name, scopes: JSON.stringify(body.scopes), tokenHash: hashToken(token), createdAt: svc.now().getTime() });
    svc.logger.log({ level: "info", msg: "author created", requestId: c.get("requestId"), author: id, scopes: body.scopes });
    return c.json({ id, name: body.name, scopes: body.scopes, token }, 201);
  });

  app.post("/v1/admin/revoke", async (c) => {
    const body = await readJson(c, revokeBody);
    const out = await svc.packages.revoke(body.name, body.version, body.reason, body.minimumSafe);
    svc.logger.log({ level: "warn", msg: "version revoked", requestId: c.get("requestId"), name: body.name, version: body.version });
    return c.json(out);
  });

  app.post("/v1/admin/installs/:id/transfer", async (c) => {
    const body = await readJson(c, transferBody);
    const from = c.req.param("id");
    const { moved } = await svc.purchases.transfer(from, body.to);
    svc.logger.log({ level: "warn", msg: "purchases transferred", requestId: c.get("requestId"), from, to: body.to, moved });
    return c.json({ from, to: body.to, moved });
  });
  return app;
}
