import { SDK_API_VERSION } from "@archnest/sdk/plugin";
import { Hono } from "hono";
import semver from "semver";
import { requireRole } from "../auth/session-guard.js";
import { HOST_ERRORS } from "../errors/index.js";
import type { CatalogOffers } from "../gate/index.js";
import { PluginError } from "../plugins/plugin-errors.js";
import type { PluginApiEnv } from "../plugins/routes.js";
import type { PluginRuntime } from "../plugins/runtime.js";
import type { UiEvents } from "../plugins/ui-events.js";
import type { LicenseClient } from "./license-client.js";
import type { RegistryClient } from "./registry-client.js";

type Item = Record<string, unknown>;

function failure(err: unknown) {
  if (err instanceof PluginError) return { body: { error: err.code, message: err.message }, status: err.status };
  throw err;
}

/**
 * The license and catalog API for the web app: `GET /license`, `POST /license/refresh`, `GET /catalog`
 * (the registry's catalog with what this install owns and has installed), `POST /catalog/checkout`.
 */
export function licenseApi(opts: {
  license: LicenseClient;
  registry: RegistryClient;
  runtime: PluginRuntime;
  events: UiEvents;
  /** Takes the prices of every catalog fetched here, so 402 bodies show what the store shows. */
  offers?: CatalogOffers;
}): Hono<PluginApiEnv> {
  const { license, registry, runtime, events } = opts;
  const app = new Hono<PluginApiEnv>();

  license.onChange(() => void license.state().then((s) => events.publish({ event: "license", data: { ...s } })));

  // Checking the license now and buying are the admin's; everyone signed in sees the state and the catalog.
  const admin = requireRole("admin");
  app.get("/license", async (c) => c.json(await license.state()));

  // A failed check is an error with its code, not a 200: the person pressed "Check now" to learn whether
  // the registry agrees. The license held before stays in force, so its state travels along.
  app.post("/license/refresh", admin, async (c) => {
    const state = await license.refresh();
    if (state.lastErrorCode === null) return c.json(state);
    const code = state.lastErrorCode;
    // An internal failure's text stays in the log; the others name what the person can act on.
    const message = code === "HOST_ERR_INTERNAL" ? HOST_ERRORS[code].message : (state.lastError ?? HOST_ERRORS[code].message);
    return c.json({ error: code, message, license: state }, HOST_ERRORS[code].status as 502);
  });

  app.get("/catalog", async (c) => {
    try {
      const res = await registry.get("/v1/catalog");
      if (res.status !== 200) throw new PluginError("HOST_ERR_REGISTRY_UNREACHABLE", `The registry's catalog answered ${res.status}.`);
      const body = res.body as { plugins?: Item[]; modules?: Item[]; bundles?: Item[] };
      opts.offers?.update(body);
      const installed = new Map((await runtime.list()).map((p) => [p.packageName, p]));
      const owned = (slug: unknown) => typeof slug === "string" && license.licensed(slug);
      return c.json({
        ...body,
        plugins: (body.plugins ?? []).map((p) => {
          const rec = installed.get(String(p.name));
          // The newest release built for the SDK major this host implements: what an update can reach.
          const perMajor = p.latestBySdkMajor as Record<string, unknown> | undefined;
          const forHost = perMajor?.[String(semver.major(SDK_API_VERSION))];
          return {
            ...p,
            latestForHost: typeof forHost === "string" ? forHost : null,
            owned: owned(p.module),
            installed: rec ? { id: rec.id, version: rec.version, state: rec.state } : null,
          };
        }),
        modules: (body.modules ?? []).map((m) => ({ ...m, owned: owned(m.slug) })),
        bundles: (body.bundles ?? []).map((b) => ({ ...b, owned: Array.isArray(b.modules) && b.modules.length > 0 && b.modules.every(owned) })),
      });
    } catch (err) {
      const f = failure(err);
      return c.json(f.body, f.status as 502);
    }
  });

  app.post("/catalog/checkout", admin, async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { slug?: unknown; returnUrl?: unknown };
    if (typeof body.slug !== "string" || !/^[a-z0-9-]{2,60}$/.test(body.slug)) {
      return c.json({ error: "HOST_ERR_VALIDATION", message: "Send {slug} naming a module or bundle." }, 400);
    }
    try {
      const origin = new URL(c.req.url).origin;
      const returnUrl = `${origin}/settings/store?purchased=${encodeURIComponent(body.slug)}`;
      const res = await registry.signed("POST", "/v1/checkout", { slug: body.slug, returnUrl });
      // A refusal the person can act on (unknown, unavailable, already owned) keeps the registry's code and words.
      const refusal = res.body as { error?: unknown; message?: unknown } | undefined;
      if ((res.status === 400 || res.status === 409) && typeof refusal?.error === "string" && refusal.error.startsWith("REG_ERR_")) {
        return c.json({ error: refusal.error, message: typeof refusal.message === "string" ? refusal.message : refusal.error }, res.status);
      }
      if (res.status !== 200 && res.status !== 201) {
        // The registry's own message says why (no payment provider configured, already owned, ...).
        const reason = (res.body as { message?: unknown } | undefined)?.message;
        const message = `The registry refused the checkout (${res.status})${typeof reason === "string" ? `: ${reason}` : "."}`;
        return c.json({ error: "HOST_ERR_REGISTRY_UNREACHABLE", message, registry: res.body }, 502);
      }
      return c.json(res.body as Item);
    } catch (err) {
      const f = failure(err);
      return c.json(f.body, f.status as 502);
    }
  });

  return app;
}
