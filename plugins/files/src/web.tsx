import { ApiError, Dialog, formatBytes, formatDateTime, pluginApi } from "@archnest/sdk/web";
import { createEffect, createMemo, createResource, createSignal, For, on, Show } from "solid-js";
import type { FileRow, Listing } from "./server.js";
import { type UploadState, uploadFile, uploadStatus } from "./ui/upload.js";

const api = pluginApi("files");
type Host = { id: string; name: string; address: string; user: string };
type SortKey = "name" | "size" | "mtime" | "permissions";

const join = (dir: string, name: string) => (dir.endsWith("/") ? `${dir}${name}` : `${dir}/${name}`);
const isDir = (r: FileRow) => r.type === "directory" || r.linkType === "directory";
const PLAIN_BUTTON = { padding: "0", height: "auto", border: "0", background: "none", font: "inherit", color: "inherit" } as const;

/** Folder and file glyphs drawn inline (emoji fonts are not on every server the browser runs beside). */
function Glyph(props: { kind: "folder" | "file" }) {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      stroke-width="1.75"
      stroke-linejoin="round"
      aria-hidden="true"
      style={{ "flex-shrink": "0", color: props.kind === "folder" ? "var(--an-accent)" : "var(--an-text-faint)" }}
    >
      <path
        d={
          props.kind === "folder"
            ? "M4 6a1 1 0 0 1 1-1h5l2 2h7a1 1 0 0 1 1 1v10a1 1 0 0 1-1 1H5a1 1 0 0 1-1-1z"
            : "M6 3h8l5 5v12a1 1 0 0 1-1 1H6a1 1 0 0 1-1-1V4a1 1 0 0 1 1-1zM14 3v5h5"
        }
      />
    </svg>
  );
}

const downloadUrl = (host: string, path: string) => `/api/plugins/files/download?host=${encodeURIComponent(host)}&path=${encodeURIComponent(path)}`;

/** Reads `?host=...&path=...` so a reload or a shared link opens the same folder. */
function fromUrl(): { host?: string; path?: string } {
  const p = new URLSearchParams(window.location.search);
  return { ...(p.get("host") && { host: p.get("host") as string }), ...(p.get("path") && { path: p.get("path") as string }) };
}

/** A dialog that asks for one value: a new folder's name, a new name, a permission mode. */
function FieldDialog(props: {
  title: string;
  label: string;
  submit: string;
  value: string;
  onInput: (value: string) => void;
  onSubmit: () => void;
  onClose: () => void;
  mono?: boolean;
  pattern?: string;
  hint?: string;
}) {
  return (
    <Dialog
      open
      width="sm"
      title={props.title}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="btn btn--ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" form="files-form" class="btn btn--accent">
            {props.submit}
          </button>
        </>
      }
    >
      <form
        id="files-form"
        onSubmit={(e) => {
          e.preventDefault();
          props.onSubmit();
        }}
      >
        <label class="field">
          <span class="field__label">{props.label}</span>
          <input
            autofocus
            required
            class={props.mono ? "mono" : undefined}
            pattern={props.pattern}
            value={props.value}
            onInput={(e) => props.onInput(e.currentTarget.value)}
          />
          <Show when={props.hint}>{(hint) => <span class="field__hint">{hint()}</span>}</Show>
        </label>
      </form>
    </Dialog>
  );
}

interface Upload {
  id: number;
  file: File;
  path: string;
  host: string;
  sent: number;
  state: UploadState;
  error?: string;
  controller?: AbortController;
}

type DialogState =
  | { kind: "mkdir" }
  | { kind: "rename"; row: FileRow }
  | { kind: "delete"; row: FileRow }
  | { kind: "chmod"; row: FileRow }
  | { kind: "edit"; row: FileRow; mtime: number; original: string }
  | { kind: "overwrite"; files: File[]; existing: string[] };

/** The Files page: an SFTP browser with uploads that resume, ranged downloads and small-file editing. */
export function FilesPage() {
  const initial = fromUrl();
  const [hosts] = createResource(() => api<{ hosts: Host[] }>("/hosts").then((b) => b.hosts));
  const [hostId, setHostId] = createSignal<string | undefined>(initial.host);
  const [path, setPath] = createSignal(initial.path ?? ".");
  const host = () => hostId() ?? hosts()?.[0]?.id;
  const [listing, { refetch }] = createResource(
    () => (host() ? { host: host() as string, path: path() } : undefined),
    (q) => api<Listing>(`/list?host=${encodeURIComponent(q.host)}&path=${encodeURIComponent(q.path)}`),
  );
  const [sort, setSort] = createSignal<{ key: SortKey; dir: 1 | -1 }>({ key: "name", dir: 1 });
  const [error, setError] = createSignal<{ message: string; code?: string }>();
  const [dialog, setDialog] = createSignal<DialogState>();
  const [input, setInput] = createSignal("");
  const [uploads, setUploads] = createSignal<Upload[]>([]);
  let fileInput: HTMLInputElement | undefined;
  let nextId = 1;

  // The last folder that listed: reading a resource that failed throws, so the page shows this one (and the
  // error above it) when a folder cannot be opened, instead of losing the whole page.
  const [shown, setShown] = createSignal<Listing>();
  createEffect(
    on(
      () => listing.state,
      (state) => {
        if (state === "ready") setShown(listing());
      },
    ),
  );
  // Another host's folder is not this host's fallback.
  createEffect(on(host, () => setShown(undefined), { defer: true }));
  // Keep the URL in step, and the path canonical once the server resolved it (`.` becomes /home/user).
  createEffect(
    on(shown, (l) => {
      if (!l) return;
      if (l.path !== path()) setPath(l.path);
      const h = host();
      if (h) window.history.replaceState(window.history.state, "", `/files?host=${encodeURIComponent(h)}&path=${encodeURIComponent(l.path)}`);
    }),
  );
  createEffect(() => {
    const e = listing.error as unknown;
    if (e) setError({ message: (e as Error).message, ...(e instanceof ApiError && { code: e.code }) });
  });

  const rows = createMemo(() => {
    const s = sort();
    const list = [...(shown()?.entries ?? [])];
    const cmp = (a: FileRow, b: FileRow): number => {
      if (s.key === "size") return a.size - b.size;
      if (s.key === "mtime") return a.mtime - b.mtime;
      if (s.key === "permissions") return a.permissions.localeCompare(b.permissions);
      return a.name.localeCompare(b.name, undefined, { numeric: true, sensitivity: "base" });
    };
    // Folders first whatever the sort, as every file manager does.
    return list.sort((a, b) => Number(isDir(b)) - Number(isDir(a)) || cmp(a, b) * s.dir);
  });

  const crumbs = createMemo(() => {
    const p = shown()?.path ?? "";
    if (!p.startsWith("/")) return [];
    const parts = p.split("/").filter(Boolean);
    return [{ name: "/", path: "/" }, ...parts.map((name, i) => ({ name, path: `/${parts.slice(0, i + 1).join("/")}` }))];
  });

  const open = (p: string) => {
    setError(undefined);
    setPath(p);
  };

  /** Runs an action; `done` closes its dialog, after a failure too unless `keepOpen` (the editor keeps its text). */
  const run = async (fn: () => Promise<unknown>, done?: () => void, keepOpen = false) => {
    setError(undefined);
    try {
      await fn();
      done?.();
    } catch (err) {
      setError({ message: (err as Error).message, ...(err instanceof ApiError && { code: err.code }) });
      if (!keepOpen) done?.();
    } finally {
      await refetch();
    }
  };

  const sortBy = (key: SortKey) => setSort((s) => ({ key, dir: s.key === key ? (s.dir === 1 ? -1 : 1) : 1 }));
  const header = (key: SortKey, label: string, align?: "right") => (
    <th scope="col" aria-sort={sort().key === key ? (sort().dir === 1 ? "ascending" : "descending") : "none"} style={{ "text-align": align ?? "left" }}>
      <button
        type="button"
        class="btn btn--ghost btn--sm"
        style={{ padding: "0", height: "auto", font: "inherit", color: "inherit", "letter-spacing": "inherit" }}
        onClick={() => sortBy(key)}
      >
        {label}
        {sort().key === key ? (sort().dir === 1 ? " ▲" : " ▼") : ""}
      </button>
    </th>
  );

  const patchUpload = (id: number, patch: Partial<Upload>) => setUploads((list) => list.map((u) => (u.id === id ? { ...u, ...patch } : u)));

  const startUpload = async (u: Upload, overwrite: boolean) => {
    const controller = new AbortController();
    patchUpload(u.id, { state: "uploading", controller, error: undefined as unknown as string });
    try {
      await uploadFile({ host: u.host, path: u.path, file: u.file, overwrite, signal: controller.signal, onProgress: (sent) => patchUpload(u.id, { sent }) });
      patchUpload(u.id, { state: "done", sent: u.file.size });
      await refetch();
    } catch (err) {
      const e = err as Error & { code?: string };
      patchUpload(u.id, { state: e.code === "ABORTED" ? "paused" : "failed", error: e.code === "ABORTED" ? "" : e.message });
    }
  };

  const queue = async (files: File[], overwrite: boolean) => {
    const h = host();
    const dir = shown()?.path;
    if (!h || !dir) return;
    for (const file of files) {
      const u: Upload = { id: nextId++, file, host: h, path: join(dir, file.name), sent: 0, state: "queued" };
      setUploads((list) => [...list, u]);
      void startUpload(u, overwrite);
    }
  };

  const pickFiles = async (files: File[]) => {
    const h = host();
    const dir = shown()?.path;
    if (!h || !dir || files.length === 0) return;
    const existing: string[] = [];
    for (const f of files) if ((await uploadStatus(h, join(dir, f.name)).catch(() => ({ exists: false }))).exists) existing.push(f.name);
    if (existing.length > 0) setDialog({ kind: "overwrite", files, existing });
    else await queue(files, false);
  };

  const openEditor = (row: FileRow) =>
    run(async () => {
      const t = await api<{ content: string; mtime: number }>(`/text?host=${encodeURIComponent(host() ?? "")}&path=${encodeURIComponent(row.path)}`);
      setInput(t.content);
      setDialog({ kind: "edit", row, original: t.content, mtime: t.mtime });
    });

  return (
    <div class="page" data-testid="files-page">
      <header class="page-header">
        <div>
          <h1>Files</h1>
          <p class="page-header__desc">Browse, upload and download files on your SSH hosts over SFTP.</p>
        </div>
        <div class="page-header__actions row">
          <label class="sr-only" for="files-host">
            Host
          </label>
          <select
            id="files-host"
            value={host() ?? ""}
            onChange={(e) => {
              setHostId(e.currentTarget.value);
              setPath(".");
            }}
          >
            {/* `selected` on the option: the select's own value is set before the options exist and would be lost. */}
            <For each={hosts() ?? []}>
              {(h) => (
                <option value={h.id} selected={h.id === host()}>
                  {`${h.name} · ${h.user}@${h.address}`}
                </option>
              )}
            </For>
          </select>
        </div>
      </header>

      <Show when={hosts() && hosts()?.length === 0}>
        <div class="card">
          <p>No SSH hosts yet.</p>
          <p class="muted small">
            Add one in <a href="/settings/integrations">Settings → Integrations</a> to browse its files.
          </p>
        </div>
      </Show>

      <Show when={host()}>
        <div class="toolbar" style={{ "flex-wrap": "wrap" }}>
          <nav aria-label="Breadcrumbs" class="row row--tight" style={{ "flex-wrap": "wrap", gap: "2px" }}>
            <For each={crumbs()}>
              {(c, i) => (
                <>
                  <Show when={i() > 1}>
                    <span class="muted">/</span>
                  </Show>
                  <button
                    type="button"
                    class="btn btn--ghost btn--sm mono"
                    aria-current={i() === crumbs().length - 1 ? "location" : undefined}
                    onClick={() => open(c.path)}
                  >
                    {c.name}
                  </button>
                </>
              )}
            </For>
          </nav>
          <div class="row row--tight">
            <button type="button" class="btn btn--sm btn--ghost" onClick={() => refetch()}>
              Refresh
            </button>
            <button
              type="button"
              class="btn btn--sm"
              onClick={() => {
                setInput("");
                setDialog({ kind: "mkdir" });
              }}
            >
              New folder
            </button>
            <button type="button" class="btn btn--sm btn--accent" onClick={() => fileInput?.click()}>
              Upload
            </button>
            <input
              ref={fileInput}
              type="file"
              multiple
              hidden
              data-testid="upload-input"
              onChange={(e) => {
                const files = Array.from(e.currentTarget.files ?? []);
                e.currentTarget.value = "";
                void pickFiles(files);
              }}
            />
          </div>
        </div>

        <Show when={error()}>
          {(e) => (
            <div class="form-error" role="alert" data-testid="files-error">
              <strong>{e().message}</strong>
              <Show when={e().code}>
                <span class="mono small"> · {e().code}</span>
              </Show>
            </div>
          )}
        </Show>

        <Show when={uploads().length > 0}>
          <section class="card" aria-label="Uploads" style={{ display: "grid", gap: "12px" }}>
            <div class="toolbar">
              <h2 class="card__title">Uploads</h2>
              <button
                type="button"
                class="btn btn--ghost btn--sm"
                onClick={() => setUploads((l) => l.filter((u) => u.state === "uploading" || u.state === "queued"))}
              >
                Clear finished
              </button>
            </div>
            <For each={uploads()}>
              {(u) => (
                <div style={{ display: "grid", gap: "6px" }} data-upload={u.file.name} data-state={u.state}>
                  <div class="toolbar small">
                    <span class="mono" style={{ overflow: "hidden", "text-overflow": "ellipsis", "white-space": "nowrap" }}>
                      {u.file.name}
                    </span>
                    <span class="row row--tight">
                      <span class="muted">
                        {formatBytes(u.sent)} / {formatBytes(u.file.size)} ·{" "}
                        {u.state === "done"
                          ? "done"
                          : u.state === "paused"
                            ? "paused"
                            : u.state === "failed"
                              ? "failed"
                              : `${Math.floor((u.sent / Math.max(1, u.file.size)) * 100)}%`}
                      </span>
                      <Show when={u.state === "uploading"}>
                        <button type="button" class="btn btn--sm btn--ghost" onClick={() => u.controller?.abort()}>
                          Pause
                        </button>
                      </Show>
                      <Show when={u.state === "paused" || u.state === "failed"}>
                        <button type="button" class="btn btn--sm" onClick={() => void startUpload(u, true)}>
                          Resume
                        </button>
                      </Show>
                    </span>
                  </div>
                  <div
                    class={`progress ${u.state === "failed" ? "progress--danger" : ""}`}
                    role="progressbar"
                    aria-label={`Upload of ${u.file.name}`}
                    aria-valuemin="0"
                    aria-valuemax="100"
                    aria-valuenow={Math.floor((u.sent / Math.max(1, u.file.size)) * 100)}
                  >
                    <div class="progress__bar" style={{ width: `${(u.sent / Math.max(1, u.file.size)) * 100}%` }} />
                  </div>
                  <Show when={u.error}>
                    <span class="small" style={{ color: "var(--an-danger)" }}>
                      {u.error}
                    </span>
                  </Show>
                </div>
              )}
            </For>
          </section>
        </Show>

        <div class="table-wrap">
          <table class="table" aria-busy={listing.loading}>
            <thead>
              <tr>
                {header("name", "Name")}
                {header("size", "Size", "right")}
                {header("mtime", "Modified")}
                {header("permissions", "Permissions")}
                <th scope="col">
                  <span class="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              <Show when={shown()?.path !== "/" && crumbs().length > 1}>
                <tr>
                  <td colSpan={5}>
                    <button type="button" class="btn btn--ghost btn--sm" onClick={() => open(crumbs().at(-2)?.path ?? "/")}>
                      ↰ Parent folder
                    </button>
                  </td>
                </tr>
              </Show>
              <For
                each={rows()}
                fallback={
                  <tr>
                    {listing.loading ? null : (
                      <td colSpan={5} class="muted">
                        This folder is empty.
                      </td>
                    )}
                  </tr>
                }
              >
                {(r) => (
                  <tr data-name={r.name}>
                    <td>
                      <Show
                        when={isDir(r)}
                        fallback={
                          <a
                            href={downloadUrl(host() ?? "", r.path)}
                            download={r.name}
                            rel="external"
                            class="cell-title"
                            style={{ color: "inherit", display: "inline-flex", gap: "8px", "align-items": "center" }}
                          >
                            <Glyph kind="file" />
                            {r.name}
                          </a>
                        }
                      >
                        <button
                          type="button"
                          class="cell-title"
                          style={{ ...PLAIN_BUTTON, cursor: "pointer", display: "inline-flex", gap: "8px", "align-items": "center" }}
                          onClick={() => open(r.path)}
                        >
                          <Glyph kind="folder" />
                          {r.name}
                        </button>
                      </Show>
                      <Show when={r.type === "symlink"}>
                        <span class="badge" style={{ "margin-left": "6px" }}>
                          link
                        </span>
                      </Show>
                    </td>
                    <td class="mono small" style={{ "text-align": "right", "white-space": "nowrap" }}>
                      {isDir(r) ? "–" : formatBytes(r.size)}
                    </td>
                    <td class="small" style={{ "white-space": "nowrap" }}>
                      {formatDateTime(r.mtime)}
                    </td>
                    <td class="mono small" title={`0${r.mode.toString(8)}`}>
                      {r.permissions}
                    </td>
                    <td>
                      <div class="row row--tight" style={{ "justify-content": "flex-end", "flex-wrap": "wrap" }}>
                        <Show when={!isDir(r)}>
                          <a
                            class="btn btn--ghost btn--sm"
                            href={downloadUrl(host() ?? "", r.path)}
                            download={r.name}
                            rel="external"
                            aria-label={`Download ${r.name}`}
                          >
                            Download
                          </a>
                        </Show>
                        <Show when={!isDir(r) && r.size <= 1024 * 1024}>
                          <button type="button" class="btn btn--ghost btn--sm" onClick={() => openEditor(r)}>
                            Edit
                          </button>
                        </Show>
                        <button
                          type="button"
                          class="btn btn--ghost btn--sm"
                          onClick={() => {
                            setInput(r.name);
                            setDialog({ kind: "rename", row: r });
                          }}
                        >
                          Rename
                        </button>
                        <button
                          type="button"
                          class="btn btn--ghost btn--sm"
                          onClick={() => {
                            setInput(r.mode.toString(8).padStart(3, "0"));
                            setDialog({ kind: "chmod", row: r });
                          }}
                        >
                          Permissions
                        </button>
                        <button
                          type="button"
                          class="icon-btn icon-btn--danger"
                          aria-label={`Delete ${r.name}`}
                          onClick={() => setDialog({ kind: "delete", row: r })}
                        >
                          ✕
                        </button>
                      </div>
                    </td>
                  </tr>
                )}
              </For>
            </tbody>
          </table>
        </div>
      </Show>

      <Show when={dialog()} keyed>
        {(state) => {
          const close = () => setDialog(undefined);
          const h = () => host() ?? "";
          const cancel = (
            <button type="button" class="btn btn--ghost" onClick={close}>
              Cancel
            </button>
          );
          switch (state.kind) {
            case "mkdir":
              return (
                <FieldDialog
                  title="New folder"
                  label="Name"
                  submit="Create"
                  value={input()}
                  onInput={setInput}
                  onClose={close}
                  onSubmit={() => void run(() => api("/mkdir", { method: "POST", json: { host: h(), path: join(shown()?.path ?? ".", input()) } }), close)}
                />
              );
            case "rename":
              return (
                <FieldDialog
                  title={`Rename ${state.row.name}`}
                  label="New name"
                  submit="Rename"
                  value={input()}
                  onInput={setInput}
                  onClose={close}
                  onSubmit={() => void run(() => api("/rename", { method: "POST", json: { host: h(), from: state.row.path, name: input() } }), close)}
                />
              );
            case "chmod":
              return (
                <FieldDialog
                  title={`Permissions of ${state.row.name}`}
                  label="Mode (octal)"
                  submit="Apply"
                  mono
                  pattern="[0-7]{3,4}"
                  hint={`Now ${state.row.permissions}. 644 is rw-r--r--, 755 is rwxr-xr-x, 600 is rw-------.`}
                  value={input()}
                  onInput={setInput}
                  onClose={close}
                  onSubmit={() => void run(() => api("/chmod", { method: "POST", json: { host: h(), path: state.row.path, mode: input() } }), close)}
                />
              );
            case "delete":
              return (
                <Dialog
                  open
                  width="sm"
                  title={`Delete ${state.row.name}?`}
                  onClose={close}
                  footer={
                    <>
                      {cancel}
                      <button
                        type="button"
                        class="btn btn--danger"
                        onClick={() =>
                          void run(() => api("/delete", { method: "POST", json: { host: h(), path: state.row.path, recursive: isDir(state.row) } }), close)
                        }
                      >
                        Delete
                      </button>
                    </>
                  }
                >
                  <p>
                    {isDir(state.row) ? "The folder and everything in it are" : "The file is"} deleted from the host for good:{" "}
                    <span class="mono">{state.row.path}</span>
                  </p>
                </Dialog>
              );
            case "overwrite":
              return (
                <Dialog
                  open
                  width="sm"
                  title="Replace existing files?"
                  onClose={close}
                  footer={
                    <>
                      {cancel}
                      <button
                        type="button"
                        class="btn btn--danger"
                        onClick={() => {
                          close();
                          void queue(state.files, true);
                        }}
                      >
                        Replace
                      </button>
                    </>
                  }
                >
                  <p>These already exist here: {state.existing.join(", ")}</p>
                </Dialog>
              );
            case "edit":
              return (
                <Dialog
                  open
                  width="lg"
                  title={state.row.name}
                  onClose={close}
                  footer={
                    <>
                      {cancel}
                      <button
                        type="button"
                        class="btn btn--accent"
                        disabled={input() === state.original}
                        onClick={() =>
                          void run(
                            () => api("/text", { method: "PUT", json: { host: h(), path: state.row.path, content: input(), mtime: state.mtime } }),
                            close,
                          )
                        }
                      >
                        Save
                      </button>
                    </>
                  }
                >
                  <Show when={error()}>
                    {(e) => (
                      <p class="form-error" role="alert">
                        {e().message}
                      </p>
                    )}
                  </Show>
                  <textarea
                    aria-label={`Contents of ${state.row.name}`}
                    class="mono"
                    spellcheck={false}
                    style={{ width: "100%", height: "60vh", padding: "10px", "font-size": "12.5px", "line-height": "1.5", resize: "vertical" }}
                    value={input()}
                    onInput={(e) => setInput(e.currentTarget.value)}
                  />
                </Dialog>
              );
          }
        }}
      </Show>
    </div>
  );
}
