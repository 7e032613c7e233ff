import { describeError, isModuleRequired, Lock } from "@archnest/sdk/web";
import { createSignal, type JSX, Show } from "solid-js";
import { api, type BookmarkView } from "./api.js";

/** Adds a bookmark, or edits one. Folders are written as a path: "Ops / Monitoring". */
export function BookmarkForm(props: { bookmark?: BookmarkView; compact?: boolean; onSaved: () => void | Promise<void> }): JSX.Element {
  const [title, setTitle] = createSignal(props.bookmark?.title ?? "");
  const [url, setUrl] = createSignal(props.bookmark?.url ?? "");
  const [folder, setFolder] = createSignal(props.bookmark?.folder.join(" / ") ?? "");
  const [tags, setTags] = createSignal(props.bookmark?.tags.join(", ") ?? "");
  const [error, setError] = createSignal<string>();
  const [locked, setLocked] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body = {
        title: title(),
        url: url(),
        folder: folder()
          .split("/")
          .map((f) => f.trim())
          .filter(Boolean),
        tags: tags()
          .split(",")
          .map((t) => t.trim())
          .filter(Boolean),
      };
      if (props.bookmark) await api(`/bookmarks/${props.bookmark.id}`, { method: "PUT", json: body });
      else await api("/bookmarks", { method: "POST", json: body });
      if (!props.bookmark) {
        setTitle("");
        setUrl("");
      }
      await props.onSaved();
    } catch (err) {
      if (isModuleRequired(err)) setLocked(err.module);
      else setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form" onSubmit={submit} data-testid="bookmark-form">
      <div style={{ display: "grid", "grid-template-columns": props.compact ? "1fr" : "1fr 1fr", gap: "10px" }}>
        <label class="field">
          <span class="field__label">Address</span>
          <input value={url()} onInput={(e) => setUrl(e.currentTarget.value)} placeholder="https://grafana.lan:3000" required maxLength={2048} />
        </label>
        <label class="field">
          <span class="field__label">Title</span>
          <input value={title()} onInput={(e) => setTitle(e.currentTarget.value)} placeholder="Taken from the address when empty" maxLength={200} />
        </label>
        <Show when={!props.compact}>
          <label class="field">
            <span class="field__label">Folder</span>
            <input value={folder()} onInput={(e) => setFolder(e.currentTarget.value)} placeholder="Ops / Monitoring" />
          </label>
          <label class="field">
            <span class="field__label">Tags</span>
            <input value={tags()} onInput={(e) => setTags(e.currentTarget.value)} placeholder="metrics, prod" />
          </label>
        </Show>
      </div>
      <Show when={error()}>
        <p role="alert" class="form-error">
          {error()}
        </p>
      </Show>
      <Show when={locked()}>{(m) => <Lock module={m()} reason="You have 10 bookmarks, the free limit." />}</Show>
      <div class="actions">
        <button type="submit" class="btn btn--accent" disabled={busy()}>
          {props.bookmark ? "Save" : "Add bookmark"}
        </button>
      </div>
    </form>
  );
}
