import { and, eq } from "drizzle-orm";
import type { Hono } from "hono";
import { z } from "zod";
import type { Db } from "../db/index.js";
import { userPrefs } from "../db/schema.js";
import { HostError } from "../errors/index.js";
import type { AppEnv, BodyLimits } from "../http/index.js";
import { readJson } from "../http/read-json.js";

/** Preference keys are short dotted names such as `glance.layout` or `theme`. */
const KEY = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/;
const MAX_BYTES = 64 * 1024;

export const putBody = z.object({ value: z.json() });

function key(raw: string): string {
  if (raw.length > 64 || !KEY.test(raw)) throw new HostError("HOST_ERR_VALIDATION", "a preference key is a short dotted name such as glance.layout");
  return raw;
}

/**
 * Per-user preferences (the Glance layout, the chosen theme): `GET /api/prefs/:key` answers `{value}`
 * (null when unset), `PUT /api/prefs/:key {value}` stores any JSON up to 64 KiB for the signed-in user.
 */
export function registerPrefsRoutes(app: Hono<AppEnv>, db: Db, bodyLimits: BodyLimits): void {
  bodyLimits.route("PUT", "/api/prefs/*", { maxBytes: MAX_BYTES });
  app.get("/api/prefs/:key", async (c) => {
    const k = key(c.req.param("key"));
    const [row] = await db
      .select({ value: userPrefs.value })
      .from(userPrefs)
      .where(and(eq(userPrefs.userId, c.get("user").id), eq(userPrefs.key, k)));
    return c.json({ value: row ? (JSON.parse(row.value) as unknown) : null });
  });

  app.put("/api/prefs/:key", async (c) => {
    const k = key(c.req.param("key"));
    const { value } = await readJson(c, putBody);
    const json = JSON.stringify(value);
    const userId = c.get("user").id;
    await db
      .insert(userPrefs)
      .values({ userId, key: k, value: json })
      .onConflictDoUpdate({ target: [userPrefs.userId, userPrefs.key], set: { value: json } });
    return c.json({ value });
  });
}
