import { definePlugin, type Json } from "@archnest/sdk/plugin";
import { Hono } from "hono";
import { MultiPaneErrors } from "./errors/index.js";
import { type Layout, parseLayout } from "./layout/index.js";

/** What `GET /layout` answers: the caller's layout, or null before the first save. */
export interface LayoutBody {
  layout: Layout | null;
}

/** A layout of 12 tabs of 4 panes is about 3 KiB; anything far bigger is not a layout. */
const MAX_BODY_BYTES = 32 * 1024;

export default definePlugin({
  setup(ctx) {
    // One key per person: a layout is personal, and a member never sees another's hosts or tabs.
    const keyOf = (userId: string) => `layout:${userId}`;
    const app = new Hono<{ Bindings: { user: { id: string } } }>()
      .get("/layout", async (c) => {
        const stored = await ctx.storage.get(keyOf(c.env.user.id));
        // A layout written by an older build that no longer parses starts over rather than failing the page.
        return c.json({ layout: stored === undefined ? null : parseLayout(stored) } satisfies LayoutBody);
      })
      .put("/layout", async (c) => {
        const text = await c.req.text();
        if (new TextEncoder().encode(text).byteLength > MAX_BODY_BYTES)
          throw MultiPaneErrors.create("MULTIPANE_ERR_LAYOUT_INVALID", "The layout is too large.");
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          throw MultiPaneErrors.create("MULTIPANE_ERR_LAYOUT_INVALID", "The layout is not JSON.");
        }
        const layout = parseLayout(isObject(body) ? body.layout : undefined);
        if (!layout) throw MultiPaneErrors.create("MULTIPANE_ERR_LAYOUT_INVALID");
        await ctx.storage.set(keyOf(c.env.user.id), layout as unknown as Json);
        return c.json({ layout } satisfies LayoutBody);
      });
    ctx.routes.mount(app);
  },
});

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
