import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { sql } from "drizzle-orm";
import { Hono } from "hono";
import { bundlesView, modulesView, purchasable } from "../catalog/index.js";
import { RegistryError } from "../errors/index.js";
import { FAVICON_PATHS, FAVICON_SVG } from "../pages/index.js";
import type { AppEnv, Services } from "../services.js";

/** Health, catalog, npm keys, the status index and the keyring: everything anyone may read. */
export function publicRoutes(svc: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();

  app.get("/healthz", (c) => c.json({ ok: true }));
  app.get("/readyz", async (c) => {
    await svc.db.run(sql`select 1`);
    // Ready either way; `checkout` says whether purchases can be made, and how.
    return c.json({ ok: true, checkout: svc.config.checkout });
  });

  app.get("/v1/catalog", async (c) => {
    const published = await svc.packages.publishedModules();
    return c.json({ plugins: await svc.packages.catalogPlugins(), modules: modulesView(published), bundles: bundlesView(published), currency: "usd" });
  });

  // The purchaseUrl of a 402 answer: what the module or bundle is, what it costs, how to buy it.
  app.get("/v1/modules/:slug", async (c) => {
    const slug = c.req.param("slug");
    const item = purchasable(slug);
    if (!item) throw new RegistryError("REG_ERR_UNKNOWN_SLUG");
    const published = await svc.packages.publishedModules();
    const view = modulesView(published).find((m) => m.slug === slug) ?? bundlesView(published).find((b) => b.slug === slug);
    return c.json({ ...view, kind: item.modules.length === 1 && item.slug === item.modules[0] ? "module" : "bundle", checkout: "POST /v1/checkout" });
  });

  // Before the packument routes, which would read /favicon.ico as a package name.
  for (const path of FAVICON_PATHS) {
    app.get(path, (c) => c.body(FAVICON_SVG, 200, { "content-type": "image/svg+xml", "cache-control": "public, max-age=86400" }));
  }

  app.get("/-/npm/v1/keys", (c) => c.json(svc.packages.npmKeys()));
  app.get("/v1/status", async (c) => {
    c.header("cache-control", "no-cache");
    return c.json(await svc.packages.statusIndex());
  });
  app.get("/v1/keyring", (c) => c.json(svc.config.trust.keyring as object));
  app.get("/v1/libraries/:file", (c) => {
    const found = svc.libraries.tarball(c.req.param("file"));
    if (!found) throw new RegistryError("REG_ERR_NOT_FOUND", `No library tarball ${c.req.param("file")}.`);
    return c.body(Readable.toWeb(createReadStream(found.path)) as ReadableStream, 200, {
      "content-type": "application/octet-stream",
      "content-length": String(found.size),
      "cache-control": "public, max-age=31536000, immutable",
    });
  });
  return app;
}

/**
 * npm packuments: `/name`, `/@scope/name` and `/@scope%2fname`, from the library channel first (the
 * operator's own packages), then the published plugins. Mounted last so it shadows nothing.
 */
export function packumentRoutes(svc: Services): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const packument = async (name: string) => svc.libraries.packument(name) ?? (await svc.packages.packument(name));
  app.get("/:scope{@[^/]+}/:name", async (c) => c.json(await packument(`${c.req.param("scope")}/${c.req.param("name")}`)));
  app.get("/:name", async (c) => c.json(await packument(c.req.param("name"))));
  return app;
}
