import { pluginApi, type SlotProps } from "@archnest/sdk/web";
import { createResource, createSignal, For, Show } from "solid-js";
import type { Note } from "./server.js";

const api = pluginApi("notes");

/** The Notes widget on the Glance dashboard: add a line, see the latest, remove what is done. */
export function NotesWidget(_props: SlotProps) {
  const [data, { refetch }] = createResource(() => api<{ title: string; notes: Note[] }>("/notes"));
  const [text, setText] = createSignal("");
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();

  const add = async (e: SubmitEvent) => {
    e.preventDefault();
    const value = text().trim();
    if (!value) return;
    setBusy(true);
    setError(undefined);
    try {
      await api("/notes", { method: "POST", json: { text: value } });
      setText("");
      await refetch();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (id: string) => {
    await api(`/notes/${id}`, { method: "DELETE" }).catch((err: Error) => setError(err.message));
    await refetch();
  };

  return (
    <section data-testid="notes-widget">
      <form onSubmit={add} style={{ display: "flex", gap: "8px" }}>
        <input
          aria-label="New note"
          placeholder="Write a note…"
          value={text()}
          onInput={(e) => setText(e.currentTarget.value)}
          maxLength={2000}
          style={{ flex: "1" }}
        />
        <button class="btn btn--accent btn--sm" type="submit" disabled={busy() || !text().trim()}>
          Add
        </button>
      </form>
      <Show when={error()}>
        {(msg) => (
          <p role="alert" style={{ color: "var(--an-danger)" }}>
            {msg()}
          </p>
        )}
      </Show>
      <Show when={data()} fallback={<p style={{ color: "var(--an-text-muted)" }}>Loading…</p>}>
        {(d) => (
          <Show when={d().notes.length > 0} fallback={<p style={{ color: "var(--an-text-muted)" }}>No notes yet.</p>}>
            <ul style={{ "list-style": "none", padding: "0", margin: "12px 0 0" }}>
              <For each={d().notes}>
                {(note) => (
                  <li style={{ display: "flex", "justify-content": "space-between", gap: "8px", padding: "6px 0", "border-top": "1px solid var(--an-border)" }}>
                    <span style={{ "white-space": "pre-wrap", "word-break": "break-word" }}>{note.text}</span>
                    <button type="button" class="icon-btn" aria-label={`Delete note ${note.text.slice(0, 30)}`} onClick={() => remove(note.id)}>
                      ✕
                    </button>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
    </section>
  );
}
