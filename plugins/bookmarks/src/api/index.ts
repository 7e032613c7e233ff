/**
 * The Bookmarks HTTP API under /api/plugins/bookmarks. The free core keeps 10 bookmarks; the 11th is
 * answered by the host's 402 naming `unlimited-bookmarks`. When a license lapses nothing is deleted:
 * bookmarks past the cap stay listed and openable, read-only (editing answers 402, removing works).
 */
import { errorResponse, isCodedError, type Json, type PluginContext, type PluginRequestEnv } from "@archnest/sdk/plugin";
import { Hono } from "hono";
import { BookmarkError, BookmarkErrors } from "../errors/index.js";
import { fetchFavicon } from "../favicon/index.js";
import { parseNetscape, toNetscape } from "../netscape/index.js";
import { type Bookmark, BookmarkStore, iconKey, parseBookmarkInput } from "../store/index.js";

type Env = { Bindings: PluginRequestEnv };

export const IMPORT_MAX_BYTES = 5 * 1024 * 1024;
/** A site whose icon could not be fetched is tried again after a day. */
const ICON_RETRY_MS = 24 * 60 * 60 * 1000;

export interface BookmarkView extends Bookmark {
  /** Past the free cap after a license lapse: listed and openable, not editable. */
  locked: boolean;
  /** The key of the site's icon in `icons`. */
  icon: string;
}

export interface BookmarksApiOptions {
  /** Replaces the network fetch (tests). */
  fetchIcon?: (url: string) => Promise<string | undefined>;
}

export function createBookmarksApi(ctx: Pick<PluginContext, "storage" | "settings" | "limits" | "log" | "events">, opts: BookmarksApiOptions = {}) {
  const store = new BookmarkStore(ctx.storage);
  const fetchIcon = opts.fetchIcon ?? fetchFavicon;
  const inFlight = new Map<string, Promise<void>>();

  const capOf = () => ctx.limits.get("bookmarks");
  const views = async () => {
    const { cap } = capOf();
    const list = await store.list();
    return list.map((b, i): BookmarkView => ({ ...b, locked: cap !== null && i >= cap, icon: iconKey(b.url) }));
  };

  // One fetch per site at a time; a known icon (or a recent miss) is never fetched again.
  const ensureIcon = (url: string): Promise<void> => {
    const key = iconKey(url);
    const running = inFlight.get(key);
    if (running) return running;
    const job = (async () => {
      if ((await ctx.settings.get()).fetchFavicons === false) return;
      const cached = (await store.icons())[key];
      if (cached && (cached.dataUrl !== null || Date.now() - cached.fetchedAt < ICON_RETRY_MS)) return;
      const dataUrl = await fetchIcon(url).catch(() => undefined);
      await store.setIcon(key, { dataUrl: dataUrl ?? null, fetchedAt: Date.now() });
      ctx.events.emit("icons.changed", { key });
    })()
      .catch((err) => ctx.log.warn("favicon fetch failed", { host: key, error: String(err) }))
      .finally(() => inFlight.delete(key));
    inFlight.set(key, job);
    return job;
  };

  const changed = (count: number) => ctx.events.emit("changed", { count });
  // Adds run one at a time, so two requests at once cannot both pass the cap check (or share a seq).
  let queue: Promise<unknown> = Promise.resolve();
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = queue.then(fn, fn);
    queue = run.catch(() => undefined);
    return run;
  };

  const app = new Hono<Env>()
    .onError((err, c) => {
      // A test may call the app without the host's env; the host always passes it.
      const requestId = c.env?.requestId ?? "";
      if (!isCodedError(err)) ctx.log.error("bookmarks request failed", { error: String(err), requestId });
      return errorResponse(err, requestId, BookmarkErrors.create("BOOKMARKS_ERR_INTERNAL"));
    })
    .get("/bookmarks", async (c) => {
      const [bookmarks, icons] = await Promise.all([views(), store.icons()]);
      const { cap, module } = capOf();
      const iconMap: Record<string, string> = {};
      for (const [k, v] of Object.entries(icons)) if (v.dataUrl) iconMap[k] = v.dataUrl;
      return c.json({ bookmarks, icons: iconMap, limit: { cap, module, count: bookmarks.length } });
    })
    .post("/bookmarks", async (c) => {
      const input = parseBookmarkInput(await c.req.json().catch(() => undefined));
      return serial(async () => {
        const count = (await store.list()).length;
        const over = ctx.limits.check("bookmarks", count);
        if (over) return over;
        const b = await store.create(input);
        void ensureIcon(b.url);
        changed(count + 1);
        return c.json({ ...b, locked: false, icon: iconKey(b.url) } satisfies BookmarkView, 201);
      });
    })
    .put("/bookmarks/:id", async (c) => {
      const id = c.req.param("id");
      const input = parseBookmarkInput(await c.req.json().catch(() => undefined));
      const list = await store.list();
      const index = list.findIndex((b) => b.id === id);
      if (index === -1) throw new BookmarkError("BOOKMARKS_ERR_NOT_FOUND", `No bookmark "${id}".`);
      // Read-only past the cap: check() answers the 402 because `index` is at or above the cap.
      const { cap } = capOf();
      if (cap !== null && index >= cap) return ctx.limits.check("bookmarks", index) as Response;
      const b = await store.update(id, input);
      void ensureIcon(b.url);
      changed(list.length);
      return c.json({ ...b, locked: false, icon: iconKey(b.url) } satisfies BookmarkView);
    })
    .delete("/bookmarks/:id", async (c) => {
      await store.remove(c.req.param("id"));
      changed((await store.list()).length);
      return c.json({ ok: true });
    })
    // Fetches the icons of sites that have none yet (after an import, or when the setting was off).
    .post("/icons/refresh", async (c) => {
      const list = await store.list();
      const seen = new Set<string>();
      const jobs: Promise<void>[] = [];
      for (const b of list) {
        const key = iconKey(b.url);
        if (seen.has(key)) continue;
        seen.add(key);
        jobs.push(ensureIcon(b.url));
      }
      await Promise.all(jobs);
      return c.json({ sites: seen.size });
    })
    .get("/export", async (c) => {
      const [list, icons] = await Promise.all([store.list(), store.icons()]);
      const html = toNetscape(
        list.map((b) => {
          const icon = icons[iconKey(b.url)]?.dataUrl;
          return { title: b.title, url: b.url, folder: b.folder, tags: b.tags, addedAt: b.createdAt, ...(icon && { icon }) };
        }),
      );
      return c.body(html, 200, {
        "content-type": "text/html; charset=utf-8",
        "content-disposition": 'attachment; filename="archnest-bookmarks.html"',
        "x-content-type-options": "nosniff",
        "content-security-policy": "default-src 'none'; sandbox",
      });
    })
    // The body is the bookmark file itself. Links already present in the same folder are skipped; links
    // past the free cap are not imported and the answer says so with the 402 body of the module.
    .post("/import", async (c) => {
      const length = Number(c.req.header("content-length") ?? "0");
      if (length > IMPORT_MAX_BYTES)
        throw new BookmarkError("BOOKMARKS_ERR_IMPORT_TOO_LARGE", `A bookmark file is at most ${IMPORT_MAX_BYTES / 1024 / 1024} MiB.`);
      const text = await c.req.text();
      if (text.length > IMPORT_MAX_BYTES)
        throw new BookmarkError("BOOKMARKS_ERR_IMPORT_TOO_LARGE", `A bookmark file is at most ${IMPORT_MAX_BYTES / 1024 / 1024} MiB.`);
      if (!/<dl\b/i.test(text) || !/<a\b/i.test(text)) {
        throw new BookmarkError(
          "BOOKMARKS_ERR_IMPORT_INVALID",
          "This is not a browser bookmark file (NETSCAPE-Bookmark-file-1 HTML with <DL> lists and links).",
        );
      }
      const { links, skipped } = parseNetscape(text);
      return serial(async () => {
        const existing = await store.list();
        const seen = new Set(existing.map((b) => `${b.folder.join("\u0000")}\u0001${b.url}`));
        let imported = 0;
        let duplicates = 0;
        let overCap = 0;
        let lock: Json | undefined;
        let count = existing.length;
        for (const link of links) {
          let input: ReturnType<typeof parseBookmarkInput>;
          try {
            input = parseBookmarkInput({
              title: link.title.slice(0, 200),
              url: link.url,
              folder: link.folder.slice(0, 8).map((f) => f.slice(0, 80)),
              tags: link.tags.slice(0, 20),
            });
          } catch {
            continue;
          }
          const key = `${input.folder.join("\u0000")}\u0001${input.url}`;
          if (seen.has(key)) {
            duplicates++;
            continue;
          }
          const over = ctx.limits.check("bookmarks", count);
          if (over) {
            overCap++;
            lock ??= (await over.json()) as Json;
            continue;
          }
          seen.add(key);
          const b = await store.create(input, link.addedAt ?? Date.now());
          if (link.icon && link.icon.length < 64 * 1024 && /^data:image\/(png|x-icon|vnd\.microsoft\.icon|gif|jpeg|webp);base64,/.test(link.icon)) {
            const k = iconKey(b.url);
            await store.setIcon(k, { dataUrl: link.icon, fetchedAt: Date.now() });
          }
          imported++;
          count++;
        }
        if (imported > 0) changed(count);
        if (imported === 0 && lock) return c.json(lock, 402);
        return c.json({
          imported,
          duplicates,
          skipped: skipped + links.length - imported - duplicates - overCap,
          overCap,
          ...(lock !== undefined && { moduleRequired: lock }),
        });
      });
    });

  return { app, store };
}
