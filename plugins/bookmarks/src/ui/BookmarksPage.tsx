import { Dialog, describeError, Lock, type SlotProps, useShell } from "@archnest/sdk/web";
import { createMemo, createResource, createSignal, For, type JSX, Show } from "solid-js";
import { api, type BookmarksAnswer, type BookmarkView, capReached } from "./api.js";
import { BookmarkForm } from "./BookmarkForm.js";
import { Favicon } from "./Favicon.js";

function notify(text: string, tone: "info" | "success" | "error" = "info") {
  try {
    useShell().notify(text, tone);
  } catch {
    // Outside the shell there is nowhere to show it.
  }
}

const hostOf = (url: string) => {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
};

/** The Bookmarks page: folders and tags to narrow down, search, add, edit, remove, import and export. */
export function BookmarksPage(_props: Partial<SlotProps>): JSX.Element {
  const [data, { refetch }] = createResource(() => api<BookmarksAnswer>("/bookmarks"));
  const [query, setQuery] = createSignal("");
  const [folder, setFolder] = createSignal<string | undefined>();
  const [tag, setTag] = createSignal<string | undefined>();
  const [editing, setEditing] = createSignal<BookmarkView>();
  const [removing, setRemoving] = createSignal<BookmarkView>();
  const [importing, setImporting] = createSignal(false);

  const folders = createMemo(() => [...new Set((data()?.bookmarks ?? []).map((b) => b.folder.join(" / ")).filter(Boolean))].sort());
  const tags = createMemo(() => [...new Set((data()?.bookmarks ?? []).flatMap((b) => b.tags))].sort());
  const shown = createMemo(() => {
    const q = query().trim().toLowerCase();
    return (data()?.bookmarks ?? []).filter((b) => {
      const path = b.folder.join(" / ");
      if (folder() !== undefined && !(path === folder() || path.startsWith(`${folder()} / `))) return false;
      if (tag() !== undefined && !b.tags.includes(tag() as string)) return false;
      return !q || b.title.toLowerCase().includes(q) || b.url.toLowerCase().includes(q) || b.tags.some((t) => t.includes(q));
    });
  });

  const saved = async () => {
    await refetch();
    // The icon is fetched in the background; look again once it has had time to arrive.
    setTimeout(() => void refetch(), 4000);
  };

  const remove = async () => {
    const b = removing();
    if (!b) return;
    try {
      await api(`/bookmarks/${b.id}`, { method: "DELETE" });
      setRemoving(undefined);
      notify(`Removed ${b.title}`, "success");
      await refetch();
    } catch (err) {
      notify(describeError(err), "error");
    }
  };

  const importFile = async (file: File) => {
    setImporting(true);
    try {
      const res = await api<{ imported: number; duplicates: number; skipped: number; overCap: number }>("/import", {
        method: "POST",
        body: await file.text(),
        headers: { "content-type": "text/html" },
      });
      notify(
        `Imported ${res.imported} bookmark${res.imported === 1 ? "" : "s"}${res.duplicates ? `, ${res.duplicates} already there` : ""}${res.overCap ? `, ${res.overCap} over the free limit` : ""}${res.skipped ? `, ${res.skipped} skipped` : ""}.`,
        res.overCap ? "info" : "success",
      );
      await refetch();
      void api("/icons/refresh", { method: "POST" }).then(() => refetch());
    } catch (err) {
      notify(describeError(err), "error");
    } finally {
      setImporting(false);
    }
  };

  return (
    <div class="page" data-testid="bookmarks-page">
      <header class="page-header">
        <div>
          <h1>Bookmarks</h1>
          <p class="page-header__desc">The links you open every day. They open in a new tab.</p>
        </div>
        <div class="page-header__actions">
          <label class="btn btn--ghost" style={{ cursor: "pointer" }}>
            {importing() ? "Importing…" : "Import"}
            <input
              type="file"
              accept=".html,.htm,text/html"
              data-testid="import-file"
              style={{ display: "none" }}
              onChange={(e) => {
                const f = e.currentTarget.files?.[0];
                e.currentTarget.value = "";
                if (f) void importFile(f);
              }}
            />
          </label>
          <a class="btn btn--ghost" href="/api/plugins/bookmarks/export" download="archnest-bookmarks.html">
            Export
          </a>
        </div>
      </header>

      <section class="card" style={{ padding: "16px 18px", "margin-bottom": "16px" }}>
        <div style={{ display: "flex", "justify-content": "space-between", "align-items": "center", "margin-bottom": "8px" }}>
          <h2 class="card__title" style={{ margin: "0" }}>
            Add a bookmark
          </h2>
          <Show when={data()}>
            {(d) => (
              <span class="small muted" data-testid="bookmark-count">
                {d().limit.cap === null ? `${d().limit.count} bookmarks` : `${d().limit.count} of ${d().limit.cap} free bookmarks`}
              </span>
            )}
          </Show>
        </div>
        <BookmarkForm onSaved={saved} />
        <Show when={capReached(data())}>
          <div style={{ "margin-top": "8px" }}>
            <Lock module={data()?.limit.module ?? "unlimited-bookmarks"} variant="inline" reason="More than 10 bookmarks need Unlimited Bookmarks." />
          </div>
        </Show>
      </section>

      {/* Folders beside the list while the list keeps 460 px; above it on a narrow screen. */}
      <div style={{ display: "flex", "flex-wrap": "wrap", gap: "16px", "align-items": "flex-start" }}>
        <nav class="card" style={{ padding: "12px", flex: "1 1 200px" }} aria-label="Folders and tags">
          <div class="nav-heading small muted" style={{ "margin-bottom": "6px" }}>
            Folders
          </div>
          <ul class="plain-list" style={{ "list-style": "none", padding: "0", margin: "0 0 12px" }}>
            <li>
              <button type="button" class={`btn btn--sm ${folder() === undefined ? "btn--accent" : "btn--ghost"}`} onClick={() => setFolder(undefined)}>
                All
              </button>
            </li>
            <For each={folders()}>
              {(f) => (
                <li>
                  <button
                    type="button"
                    class={`btn btn--sm ${folder() === f ? "btn--accent" : "btn--ghost"}`}
                    onClick={() => setFolder(f)}
                    style={{ "text-align": "left" }}
                  >
                    {f}
                  </button>
                </li>
              )}
            </For>
          </ul>
          <Show when={tags().length > 0}>
            <div class="nav-heading small muted" style={{ "margin-bottom": "6px" }}>
              Tags
            </div>
            <div class="chips">
              <For each={tags()}>
                {(t) => (
                  <button
                    type="button"
                    class={`chip ${tag() === t ? "chip--accent" : ""}`}
                    aria-pressed={tag() === t}
                    onClick={() => setTag(tag() === t ? undefined : t)}
                  >
                    #{t}
                  </button>
                )}
              </For>
            </div>
          </Show>
        </nav>

        <section style={{ flex: "999 1 0", "min-width": "min(100%, 460px)" }}>
          <input
            type="search"
            class="search"
            placeholder="Search bookmarks"
            aria-label="Search bookmarks"
            value={query()}
            onInput={(e) => setQuery(e.currentTarget.value)}
            style={{ width: "100%", "margin-bottom": "10px" }}
          />
          <div class="table-wrap">
            <table class="table" data-testid="bookmarks-table">
              <tbody>
                <For
                  each={shown()}
                  fallback={
                    <tr>
                      <td class="muted">{data.loading ? "Loading…" : "No bookmarks here."}</td>
                    </tr>
                  }
                >
                  {(b) => (
                    <tr data-bookmark={b.title}>
                      <td style={{ width: "100%" }}>
                        <div style={{ display: "flex", gap: "10px", "align-items": "center" }}>
                          <Favicon bookmark={b} icons={data()?.icons ?? {}} size={22} />
                          <div style={{ "min-width": "0" }}>
                            <a href={b.url} target="_blank" rel="noopener noreferrer" class="cell-title">
                              {b.title}
                            </a>
                            <div class="cell-sub small muted">
                              {hostOf(b.url)}
                              <Show when={b.folder.length > 0}> · {b.folder.join(" / ")}</Show>
                              <For each={b.tags}>
                                {(t) => (
                                  <span class="chip" style={{ "margin-left": "6px" }}>
                                    #{t}
                                  </span>
                                )}
                              </For>
                            </div>
                          </div>
                        </div>
                      </td>
                      <td style={{ "white-space": "nowrap" }}>
                        <Show when={b.locked}>
                          <span class="badge badge--warning" title="Past the free limit: read-only">
                            read-only
                          </span>{" "}
                        </Show>
                        <button type="button" class="btn btn--ghost btn--sm" disabled={b.locked} onClick={() => setEditing(b)} aria-label={`Edit ${b.title}`}>
                          Edit
                        </button>
                        <button
                          type="button"
                          class="btn btn--ghost btn--sm"
                          style={{ color: "var(--an-danger)" }}
                          onClick={() => setRemoving(b)}
                          aria-label={`Remove ${b.title}`}
                        >
                          Remove
                        </button>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </section>
      </div>

      <Dialog open={editing() !== undefined} title="Edit bookmark" onClose={() => setEditing(undefined)}>
        <Show when={editing()} keyed>
          {(b) => (
            <BookmarkForm
              bookmark={b}
              onSaved={async () => {
                setEditing(undefined);
                await saved();
              }}
            />
          )}
        </Show>
      </Dialog>
      <Dialog
        open={removing() !== undefined}
        title={`Remove ${removing()?.title ?? ""}?`}
        onClose={() => setRemoving(undefined)}
        footer={
          <>
            <button type="button" class="btn btn--ghost" onClick={() => setRemoving(undefined)}>
              Cancel
            </button>
            <button type="button" class="btn btn--danger" onClick={remove}>
              Remove
            </button>
          </>
        }
      >
        <p>The bookmark to {removing() ? hostOf(removing()?.url ?? "") : ""} is removed from ArchNest.</p>
      </Dialog>
    </div>
  );
}
