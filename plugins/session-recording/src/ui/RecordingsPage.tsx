import {
  Dialog,
  describeError,
  EmptyState,
  ErrorState,
  formatBytes,
  formatDateTime,
  formatDuration,
  Lock,
  type SlotProps,
  Table,
  type TableColumn,
  useShell,
} from "@archnest/sdk/web";
import { createResource, createSignal, type JSX, Show } from "solid-js";
import { api, downloadUrl, type Recording, type RecordingStatus } from "./api.js";
import { PAGE_CSS } from "./page-css.js";
import { Player } from "./player/Player.js";
import { RecordingSettings } from "./RecordingSettings.js";

/** The /recordings page: the list (a member's own, an admin's all), the player, download, delete, and retention for admins. */
export function RecordingsPage(_props: SlotProps): JSX.Element {
  const shell = useShell();
  const isAdmin = () => shell.user()?.role === "admin";
  const [status] = createResource(() => api<RecordingStatus>("/status"));
  const [list, { refetch }] = createResource(async () => (await api<{ recordings: Recording[] }>("/recordings")).recordings);
  const [playing, setPlaying] = createSignal<Recording>();
  const [deleting, setDeleting] = createSignal<Recording>();
  const [busy, setBusy] = createSignal(false);

  const remove = async () => {
    const r = deleting();
    if (!r) return;
    setBusy(true);
    try {
      await api(`/recordings/${encodeURIComponent(r.id)}`, { method: "DELETE" });
      if (playing()?.id === r.id) setPlaying(undefined);
      setDeleting(undefined);
      shell.notify("Recording deleted.", "success");
      await refetch();
    } catch (err) {
      setDeleting(undefined);
      shell.notify(describeError(err), "error");
    } finally {
      setBusy(false);
    }
  };

  const columns: TableColumn<Recording>[] = [
    {
      header: "Host",
      cell: (r) => (
        <>
          <div class="cell-title">
            <Show when={r.state === "recording"}>
              <span class="an-rec__dot" title="Recording now" />
            </Show>
            {r.host.name}
          </div>
          <Show when={r.state === "failed"}>
            <div class="cell-sub small cell-error" title={r.error}>
              Stopped: the file could not be written
            </div>
          </Show>
        </>
      ),
    },
    { header: "Person", cell: (r) => r.person.username },
    { header: "Start", cell: (r) => formatDateTime(r.startedAt), class: "small" },
    { header: "Duration", cell: (r) => formatDuration(r.durationMs), align: "end", class: "mono small" },
    { header: "Size", cell: (r) => formatBytes(r.bytes), align: "end", class: "mono small" },
    {
      header: "Actions",
      headerHidden: true,
      cell: (r) => (
        <div class="an-rec__actions">
          <button type="button" class="btn btn--sm" onClick={() => setPlaying(r)} aria-label={`Play the recording of ${r.host.name}`}>
            Play
          </button>
          <a class="btn btn--ghost btn--sm" href={downloadUrl(r)} download="" aria-label={`Download the recording of ${r.host.name}`}>
            Download
          </a>
          {/* Without the license recordings are read-only: deleting answers 402, so it is not offered. */}
          <Show when={status()?.licensed !== false}>
            <button type="button" class="btn btn--ghost btn--sm" onClick={() => setDeleting(r)} aria-label={`Delete the recording of ${r.host.name}`}>
              Delete
            </button>
          </Show>
        </div>
      ),
    },
  ];

  return (
    <div class="page" data-testid="recordings-page">
      <style>{PAGE_CSS}</style>
      <header class="page-header">
        <div>
          <h1>Recordings</h1>
          <p class="page-header__desc">Terminal sessions recorded as asciicast v2 files: replay them here, or download them for asciinema and other players.</p>
        </div>
      </header>

      <div class="stack">
        <Show when={status()?.refusal}>
          {(refusal) => (
            <Lock
              module={refusal().module}
              price={refusal().price}
              reason="Recording is off: the Session Recording license has lapsed. Your recordings stay here, read-only: play, download."
            />
          )}
        </Show>

        <Show when={playing()}>
          {(r) => (
            <section class="card" style={{ padding: "16px" }} aria-label="Player">
              <div class="toolbar" style={{ "margin-bottom": "10px", "flex-wrap": "wrap" }}>
                <h2 class="card__title" style={{ margin: 0 }}>
                  {r().host.name} · {r().person.username} · {formatDateTime(r().startedAt)}
                </h2>
                <button type="button" class="btn btn--ghost btn--sm" onClick={() => setPlaying(undefined)}>
                  Close
                </button>
              </div>
              <Player recording={r()} />
            </section>
          )}
        </Show>

        <Show when={list.error}>{(e) => <ErrorState title="Could not load the recordings" error={e()} retry={refetch} />}</Show>
        <Show when={!list.error}>
          <Table
            label="Recordings"
            data-testid="recordings-table"
            columns={columns}
            rows={list.loading ? undefined : list()}
            rowAttributes={(r) => ({ "data-recording": r.id })}
            empty={
              <EmptyState title="No recordings yet" icon="monitor">
                Press Record in the terminal's toolbar, or have an admin record every session on chosen hosts.
              </EmptyState>
            }
          />
        </Show>

        <Show when={isAdmin()}>
          <RecordingSettings />
        </Show>
      </div>

      <Dialog
        open={deleting() !== undefined}
        title="Delete this recording?"
        tone="danger"
        width="sm"
        onClose={() => setDeleting(undefined)}
        footer={
          <>
            <button type="button" class="btn btn--ghost" onClick={() => setDeleting(undefined)}>
              Cancel
            </button>
            <button type="button" class="btn btn--danger" disabled={busy()} onClick={remove}>
              Delete
            </button>
          </>
        }
      >
        <p>
          The recording of {deleting()?.host.name} by {deleting()?.person.username} ({formatBytes(deleting()?.bytes ?? 0)}) is deleted from the server. This
          cannot be undone.
        </p>
      </Dialog>
    </div>
  );
}
