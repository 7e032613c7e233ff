import { definePlugin } from "@archnest/sdk/plugin";
import { createTestContext, type TestContext } from "@archnest/sdk/testing";
import { describe, expect, it } from "vitest";
import { createBookmarksApi } from "./index.js";

// The real API with the icon fetch replaced, so these tests never reach the network.
const plugin = definePlugin({
  setup(ctx) {
    ctx.routes.mount(createBookmarksApi(ctx, { fetchIcon: async (url) => (url.includes("with-icon") ? "data:image/png;base64,iVBORw0KGgo=" : undefined) }).app);
  },
});

async function context(cap?: number): Promise<{ t: TestContext; caps: Record<string, number> }> {
  const own: Record<string, number> = cap === undefined ? {} : { bookmarks: cap };
  const t = await createTestContext(plugin, { id: "bookmarks", permissions: ["storage"], caps: own, settings: { fetchFavicons: true } });
  return { t, caps: own };
}

const post = (t: TestContext, body: unknown) =>
  t.request("/bookmarks", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });
const list = async (t: TestContext) =>
  (await (await t.request("/bookmarks")).json()) as {
    bookmarks: { id: string; title: string; url: string; folder: string[]; tags: string[]; locked: boolean; icon: string }[];
    icons: Record<string, string>;
    limit: { cap: number | null; count: number };
  };

describe("bookmarks API", () => {
  it("adds, edits and removes bookmarks with folders and tags", async () => {
    const { t } = await context(10);
    const res = await post(t, { title: "Grafana", url: "grafana.lan:3000/d/x", folder: "Ops/Monitoring", tags: "Metrics, ops,ops" });
    expect(res.status).toBe(201);
    const b = (await res.json()) as { id: string; url: string; folder: string[]; tags: string[] };
    expect(b).toMatchObject({ url: "https://grafana.lan:3000/d/x", folder: ["Ops", "Monitoring"], tags: ["metrics", "ops"] });

    const edit = await t.request(`/bookmarks/${b.id}`, {
      method: "PUT",
      body: JSON.stringify({ title: "Grafana prod", url: "https://grafana.lan/", folder: [], tags: [] }),
    });
    expect(edit.status).toBe(200);
    expect((await list(t)).bookmarks).toEqual([expect.objectContaining({ title: "Grafana prod", url: "https://grafana.lan/", folder: [], locked: false })]);

    expect((await t.request(`/bookmarks/${b.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await list(t)).bookmarks).toEqual([]);
    const gone = await t.request(`/bookmarks/${b.id}`, { method: "DELETE" });
    expect(gone.status).toBe(404);
    expect(await gone.json()).toEqual({ error: "BOOKMARKS_ERR_NOT_FOUND", message: `No bookmark "${b.id}".`, requestId: "test" });
    expect(gone.headers.get("x-request-id")).toBe("test");
  });

  it.each([
    [{ url: "javascript:alert(1)" }, /http/],
    [{ url: "data:text/html,hi" }, /http/],
    [{ url: "https://user:secret@host/" }, /password/],
    [{ url: "" }, /url/],
    [{ url: "https://x/", title: "t".repeat(201) }, /title/],
    [{ url: "https://x/", tags: Array.from({ length: 21 }, (_, i) => `t${i}`) }, /tags/],
  ])("refuses %j with a coded error", async (body, message) => {
    const { t } = await context(10);
    const res = await post(t, body);
    expect(res.status).toBe(400);
    const err = (await res.json()) as { error: string; message: string };
    expect(err.error).toBe("BOOKMARKS_ERR_VALIDATION");
    expect(err.message).toMatch(message);
  });

  it("keeps 10 in the free core and answers the 11th with 402; after a lapse the extra ones stay, read-only", async () => {
    const { t, caps: live } = await context();
    for (let i = 1; i <= 12; i++) expect((await post(t, { title: `Link ${i}`, url: `https://s${i}.example/` })).status).toBe(201);
    // The license lapses: the cap applies again.
    live.bookmarks = 10;
    const after = await list(t);
    expect(after.bookmarks).toHaveLength(12);
    expect(after.bookmarks.filter((b) => b.locked).map((b) => b.title)).toEqual(["Link 11", "Link 12"]);
    expect((await post(t, { url: "https://s13.example/" })).status).toBe(402);
    const locked = after.bookmarks[11] as { id: string };
    expect((await t.request(`/bookmarks/${locked.id}`, { method: "PUT", body: JSON.stringify({ url: "https://changed.example/" }) })).status).toBe(402);
    const first = after.bookmarks[0] as { id: string };
    expect((await t.request(`/bookmarks/${first.id}`, { method: "PUT", body: JSON.stringify({ title: "Edited", url: "https://s1.example/" }) })).status).toBe(
      200,
    );
    expect((await t.request(`/bookmarks/${locked.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await list(t)).bookmarks).toHaveLength(11);
  });

  it("fetches each site's icon once and serves it with the list", async () => {
    const { t } = await context(10);
    await post(t, { url: "https://with-icon.example/a" });
    await post(t, { url: "https://no-icon.example/" });
    await t.request("/icons/refresh", { method: "POST" });
    const l = await list(t);
    expect(l.icons).toEqual({ "with-icon.example": "data:image/png;base64,iVBORw0KGgo=" });
    expect(l.bookmarks.map((b) => b.icon)).toEqual(["with-icon.example", "no-icon.example"]);
  });

  it("exports and imports the browser bookmark file, round-tripping tricky titles, folders and tags", async () => {
    const { t } = await context();
    const tricky = [
      { title: `</A><script>alert("x")</script>`, url: "https://e.example/?a=1&b=2", folder: ["<b>Ops</b> & co"], tags: ['a"b'] },
      { title: "Ünïcödé 🚀 &amp; literal", url: "https://f.example/", folder: ["Ops / Infra", "Deep"], tags: ["x"] },
      { title: "It's 'quoted'", url: "http://10.0.0.7:8080/", folder: [], tags: [] },
    ];
    for (const b of tricky) expect((await post(t, b)).status).toBe(201);
    const exported = await t.request("/export");
    expect(exported.headers.get("content-type")).toContain("text/html");
    expect(exported.headers.get("content-disposition")).toContain("attachment");
    const html = await exported.text();
    expect(html).toMatch(/^<!DOCTYPE NETSCAPE-Bookmark-file-1>/);
    expect(html).not.toContain("<script>");

    const { t: fresh } = await context();
    const imported = await fresh.request("/import", { method: "POST", body: html, headers: { "content-type": "text/html" } });
    expect(await imported.json()).toMatchObject({ imported: 3, duplicates: 0 });
    const back = (await list(fresh)).bookmarks.map(({ title, url, folder, tags }) => ({ title, url, folder, tags }));
    expect(back).toEqual(expect.arrayContaining(tricky));
    expect(back).toHaveLength(3);

    // Importing the same file again adds nothing.
    const again = await fresh.request("/import", { method: "POST", body: html });
    expect(await again.json()).toMatchObject({ imported: 0, duplicates: 3 });
  });

  it("imports up to the cap and says which module lifts it; refuses files that are not bookmark files", async () => {
    const { t } = await context(10);
    const links = Array.from({ length: 12 }, (_, i) => `<DT><A HREF="https://i${i}.example/">L${i}</A>`).join("\n");
    const res = await t.request("/import", { method: "POST", body: `<DL><p>\n${links}\n</DL>` });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ imported: 10, overCap: 2, moduleRequired: { error: "module_required" } });
    const full = await t.request("/import", { method: "POST", body: '<DL><p><DT><A HREF="https://more.example/">M</A></DL>' });
    expect(full.status).toBe(402);

    const bad = await t.request("/import", { method: "POST", body: "just some text" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: "BOOKMARKS_ERR_IMPORT_INVALID" });
  });
});
