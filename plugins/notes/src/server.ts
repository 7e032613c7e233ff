import { definePlugin, type Json } from "@archnest/sdk/plugin";
import { Hono } from "hono";

/** One note as stored and served. */
export interface Note {
  id: string;
  text: string;
  createdAt: number;
}

const MAX_TEXT = 2000;

export default definePlugin({
  setup(ctx) {
    const list = async (): Promise<Note[]> =>
      (await ctx.storage.list<Note & { [k: string]: Json }>("note:")).map((r) => r.value).sort((a, b) => b.createdAt - a.createdAt);

    const app = new Hono()
      .get("/notes", async (c) => {
        const settings = await ctx.settings.get();
        return c.json({ title: settings.title, notes: await list() });
      })
      .post("/notes", async (c) => {
        const body = (await c.req.json().catch(() => ({}))) as { text?: unknown };
        const text = typeof body.text === "string" ? body.text.trim() : "";
        if (!text || text.length > MAX_TEXT) return c.json({ error: "NOTES_ERR_TEXT", message: `A note is 1-${MAX_TEXT} characters.` }, 400);
        const note: Note = { id: crypto.randomUUID(), text, createdAt: Date.now() };
        await ctx.storage.set(`note:${note.id}`, { ...note });
        // Keep at most `maxNotes`: the oldest go first.
        const max = Number((await ctx.settings.get()).maxNotes ?? 50);
        const all = await list();
        for (const old of all.slice(max)) await ctx.storage.delete(`note:${old.id}`);
        ctx.events.emit("changed", { count: Math.min(all.length, max) });
        return c.json(note, 201);
      })
      .delete("/notes/:id", async (c) => {
        const removed = await ctx.storage.delete(`note:${c.req.param("id")}`);
        return removed ? c.json({ ok: true }) : c.json({ error: "NOTES_ERR_NOT_FOUND", message: "No such note." }, 404);
      });
    ctx.routes.mount(app);
    ctx.log.info("notes ready");
  },
});
