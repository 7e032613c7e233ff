import { describeError, Lock, type SlotProps } from "@archnest/sdk/web";
import { createResource, createSignal, For, type JSX, Show } from "solid-js";
import { api, type BookmarksAnswer, capReached } from "./api.js";
import { BookmarkForm } from "./BookmarkForm.js";
import { Favicon } from "./Favicon.js";

const SHOWN = 12;

/** Glance: the bookmarks as a grid of icons that open in a new tab, with a quick add. */
export function BookmarksWidget(_props: SlotProps): JSX.Element {
  const [data, { refetch }] = createResource(() => api<BookmarksAnswer>("/bookmarks"));
  const [adding, setAdding] = createSignal(false);
  return (
    <div data-testid="bookmarks-widget">
      <Show when={data.error}>
        <p role="alert" class="form-error">
          {describeError(data.error)}
        </p>
      </Show>
      <Show when={data()}>
        {(d) => (
          <>
            <Show when={d().bookmarks.length === 0}>
              <p class="muted">No bookmarks yet.</p>
            </Show>
            <ul
              style={{
                display: "grid",
                "grid-template-columns": "repeat(auto-fill, minmax(130px, 1fr))",
                gap: "8px",
                padding: "0",
                margin: "0",
                "list-style": "none",
              }}
            >
              <For each={d().bookmarks.slice(0, SHOWN)}>
                {(b) => (
                  <li>
                    <a
                      href={b.url}
                      target="_blank"
                      rel="noopener noreferrer"
                      title={b.url}
                      style={{
                        display: "flex",
                        gap: "8px",
                        "align-items": "center",
                        padding: "8px 10px",
                        border: "1px solid var(--an-border)",
                        "border-radius": "8px",
                        color: "inherit",
                        background: "var(--an-bg-sunken)",
                      }}
                    >
                      <Favicon bookmark={b} icons={d().icons} />
                      <span style={{ overflow: "hidden", "text-overflow": "ellipsis", "white-space": "nowrap" }}>{b.title}</span>
                    </a>
                  </li>
                )}
              </For>
            </ul>
            <div style={{ display: "flex", gap: "8px", "margin-top": "10px", "align-items": "center" }}>
              <Show when={d().bookmarks.length > SHOWN}>
                <a href="/bookmarks" class="small">
                  All {d().bookmarks.length} bookmarks
                </a>
              </Show>
              <span style={{ flex: "1" }} />
              <Show
                when={!capReached(d())}
                fallback={<Lock module={d().limit.module} variant="inline" reason={`You have ${d().limit.cap} bookmarks, the free limit.`} />}
              >
                <button type="button" class="btn btn--ghost btn--sm" onClick={() => setAdding(!adding())}>
                  {adding() ? "Close" : "Add"}
                </button>
              </Show>
            </div>
            <Show when={adding()}>
              <div style={{ "margin-top": "10px" }}>
                <BookmarkForm compact onSaved={() => void refetch()} />
              </div>
            </Show>
          </>
        )}
      </Show>
    </div>
  );
}
