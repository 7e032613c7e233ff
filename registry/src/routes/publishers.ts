import { Hono } from "hono";
import { z } from "zod";
import { bearer, hashToken, newToken } from "../auth/tokens.js";
import { RegistryError } from "../errors/index.js";
import { readJson } from "../http.js";
import type { AppEnv, Services } from "../services.js";

const hex64 = /^[0-9a-fA-F]{64}$/;
export const registerBody = z.object({
  name: z.string().min(1).max(100),
  scopes: z.array(z.string().max(214)).min(1).max(20),
  rootPublicKey: z.string().min(1).max(4096),
  keyring: z.unknown().refine((v) => typeof v === "object" && v !== null, "must be the keyring envelope (JSON)"),
});
export const rotateBody = z.object({ keyring: z.unknown().refine((v) => typeof v === "object" && v !== null, "must be the keyring envelope (JSON)") });

function fingerprintParam(value: string): string {
  if (!hex64.test(value)) throw new RegistryError("REG_ERR_BAD_REQUEST", "A fingerprint or key id is 64 hex characters.");
  return value.toLowerCase();
}

/**
 * Trusted publishers: self-service registration (no admin token), the public anchor by fingerprint or by
 * one of its release keys (what a host fetches before trusting), and keyring rotation with the token.
 */
export function publisherRoutes(svc: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.post("/v1/publishers", async (c) => {
    const body = await readJson(c, registerBody);
    const token = newToken();
    const anchor = await svc.publishers.register(body, hashToken(token));
    svc.logger.log({ level: "info", msg: "publisher registered", requestId: c.get("requestId"), publisher: anchor.fingerprint, scopes: anchor.scopes });
    return c.json({ name: anchor.name, scopes: anchor.scopes, fingerprint: anchor.fingerprint, token }, 201);
  });

  app.get("/v1/publishers/by-key/:keyid", async (c) => c.json(await svc.publishers.byKey(fingerprintParam(c.req.param("keyid")))));
  app.get("/v1/publishers/:fingerprint", async (c) => c.json(await svc.publishers.get(fingerprintParam(c.req.param("fingerprint")))));

  app.put("/v1/publishers/:fingerprint/keyring", async (c) => {
    const token = bearer(c.req.header("authorization"));
    if (!token) throw new RegistryError("REG_ERR_AUTH");
    const body = await readJson(c, rotateBody);
    const anchor = await svc.publishers.rotate(fingerprintParam(c.req.param("fingerprint")), hashToken(token), body.keyring);
    svc.logger.log({ level: "info", msg: "publisher keyring rotated", requestId: c.get("requestId"), publisher: anchor.fingerprint });
    return c.json(anchor);
  });
  return app;
}
