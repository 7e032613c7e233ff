import { Hono } from "hono";
import { z } from "zod";
import { requireRole } from "../auth/index.js";
import { type AppEnv, readJson } from "../http/index.js";
import type { TrustedPublishers } from "./trusted-publishers.js";

const fingerprint = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex characters (the publisher's root key id)")
  .transform((s) => s.toLowerCase());
export const trustBody = z.union([
  z.strictObject({ fingerprint }),
  z.strictObject({
    rootPublicKey: z.string().min(1).max(4096),
    keyring: z.record(z.string(), z.unknown()),
    name: z.string().trim().min(1).max(100).optional(),
  }),
]);

/**
 * `/api/trust/publishers`: the publishers this host trusts beside the official root. Admins only; changes
 * go through the session guard's CSRF check like every other admin route.
 */
export function trustRoutes(publishers: TrustedPublishers): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use("/trust/*", requireRole("admin"));
  app.get("/trust/publishers", async (c) => c.json({ publishers: await publishers.list() }));
  // What the registry says about a fingerprint, so the admin sees the name and scopes before confirming.
  app.get("/trust/publishers/lookup/:fingerprint", async (c) => c.json(await publishers.preview(c.req.param("fingerprint"))));
  app.post("/trust/publishers", async (c) => {
    const body = await readJson(c, trustBody);
    const added = await publishers.add(body);
    c.get("log").info("publisher trusted", { publisher: added.fingerprint, scopes: added.scopes });
    return c.json(added, 201);
  });
  app.delete("/trust/publishers/:fingerprint", async (c) => {
    const fp = c.req.param("fingerprint").toLowerCase();
    await publishers.remove(fp);
    c.get("log").warn("publisher no longer trusted", { publisher: fp });
    return c.json({ removed: fp });
  });
  return app;
}
