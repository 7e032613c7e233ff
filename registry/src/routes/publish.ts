import { eq } from "drizzle-orm";
import { Hono } from "hono";
import { bearer, hashToken } from "../auth/tokens.js";
import { authors } from "../db/schema.js";
import { RegistryError } from "../errors/index.js";
import type { AppEnv, Services } from "../services.js";

/** `PUT /v1/packages`: an author uploads one signed tarball as the raw request body. */
export function publishRoutes(svc: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.put("/v1/packages", async (c) => {
    const token = bearer(c.req.header("authorization"));
    if (!token) throw new RegistryError("REG_ERR_AUTH");
    const [author] = await svc.db
      .select()
      .from(authors)
      .where(eq(authors.tokenHash, hashToken(token)));
    if (!author) throw new RegistryError("REG_ERR_AUTH");
    const published = await svc.packages.publish(c.req.raw.body, { id: author.id, scopes: JSON.parse(author.scopes) as string[] });
    svc.logger.log({ level: "info", msg: "published", requestId: c.get("requestId"), author: author.id, name: published.name, version: published.version });
    return c.json(published, 201);
  });
  return app;
}
