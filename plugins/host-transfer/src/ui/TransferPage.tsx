import { Dialog, describeError, EmptyState, ErrorState, formatBytes, formatDateTime, formatDuration, Lock, type SlotProps, useShell } from "@archnest/sdk/web";
import { createEffect, createResource, createSignal, For, type JSX, on, onCleanup, Show } from "solid-js";
import {
  ACTIVE,
  api,
  type BrowseEntry,
  browse,
  type ConflictAction,
  type ConflictPolicy,
  type HostChoice,
  type JobState,
  jobAction,
  listHosts,
  listJobs,
  type TransferJobView,
  type TransferStatus,
} from "./api.js";
import { PAGE_CSS } from "./page-css.js";

/** The job list refreshes this often while a job moves, and slower when all are settled. */
const FAST_MS = 1000;
const SLOW_MS = 4000;

const STATE_LABEL: Record<JobState, string> = {
  queued: "Queued",
  scanning: "Listing files",
  conflict: "Waiting for you",
  running: "Copying",
  interrupted: "Interrupted",
  cancelled: "Cancelled",
  done: "Done",
  failed: "Failed",
};
const STATE_BADGE: Record<JobState, string> = {
  queued: "badge",
  scanning: "badge badge--accent",
  conflict: "badge badge--warning",
  running: "badge badge--accent",
  interrupted: "badge badge--warning",
  cancelled: "badge",
  done: "badge badge--success",
  failed: "badge badge--danger",
};
const POLICY_LABEL: Record<ConflictPolicy, string> = { ask: "Ask me", skip: "Skip", overwrite: "Overwrite", rename: "Keep both (rename)" };

const parentOf = (path: string) => (path === "/" ? "/" : path.replace(/\/[^/]+\/?$/, "") || "/");

/** One side's folder browser: a host, a folder, its entries; the source side also selects entries. */
function Browser(props: {
  side: "source" | "target";
  hosts: HostChoice[];
  host: string;
  onHost: (id: string) => void;
  path: string;
  onPath: (path: string) => void;
  selected?: ReadonlySet<string>;
  onToggle?: (path: string) => void;
}): JSX.Element {
  const [listing, { refetch }] = createResource(
    () => (props.host ? { host: props.host, path: props.path } : undefined),
    (q) => browse(q.host, q.path),
  );
  // The server answers the canonical path (`.` becomes the home folder): show and keep that one.
  createEffect(on(listing, (l) => l && l.path !== props.path && props.onPath(l.path)));
  const label = props.side === "source" ? "From" : "To";
  const shown = (): BrowseEntry[] => (listing()?.entries ?? []).filter((e) => props.side === "source" || e.type === "directory");
  return (
    <section class="card an-xfer__side" data-testid={`${props.side}-browser`} aria-label={props.side === "source" ? "Source" : "Destination"}>
      <div class="an-xfer__side-head">
        <label class="field" style={{ flex: "1 1 160px" }}>
          <span class="field__label">{label} host</span>
          <select data-testid={`${props.side}-host`} value={props.host} onChange={(e) => props.onHost(e.currentTarget.value)}>
            <option value="">Choose a host…</option>
            <For each={props.hosts}>{(h) => <option value={h.id}>{h.name}</option>}</For>
          </select>
        </label>
      </div>
      <Show when={props.host}>
        <div class="an-xfer__path">
          <button
            type="button"
            class="btn btn--ghost btn--sm"
            disabled={props.path === "/"}
            onClick={() => props.onPath(parentOf(props.path))}
            aria-label="Up one folder"
          >
            ↑ Up
          </button>
          <input
            class="mono an-xfer__path-input"
            data-testid={`${props.side}-path`}
            aria-label={`${label} folder path`}
            value={props.path}
            title="Type a folder and press Enter"
            onKeyDown={(e) => {
              if (e.key === "Enter" && e.currentTarget.value.trim()) props.onPath(e.currentTarget.value.trim());
            }}
          />
        </div>
        <Show when={listing.error}>{(e) => <ErrorState title="Could not open this folder" error={e()} retry={refetch} />}</Show>
        <Show when={!listing.error}>
          <ul class="an-xfer__list" aria-label={`${label} folder`}>
            <Show when={listing.loading}>
              <li class="muted small an-xfer__row">Loading…</li>
            </Show>
            <Show when={!listing.loading && shown().length === 0}>
              <li class="muted small an-xfer__row">
                {props.side === "source" ? "This folder is empty." : "No folders here: the transfer lands in this folder."}
              </li>
            </Show>
            <For each={listing.loading ? [] : shown()}>
              {(e) => (
                <li class="an-xfer__row" data-entry={e.name}>
                  <Show when={props.side === "source"}>
                    <input
                      type="checkbox"
                      aria-label={`Select ${e.name}`}
                      checked={props.selected?.has(e.path) ?? false}
                      disabled={e.type === "symlink" || e.type === "other"}
                      onChange={() => props.onToggle?.(e.path)}
                    />
                  </Show>
                  <Show
                    when={e.type === "directory"}
                    fallback={
                      <span class="an-xfer__name" title={e.name}>
                        {e.name}
                      </span>
                    }
                  >
                    <button type="button" class="an-xfer__name an-xfer__dir" onClick={() => props.onPath(e.path)} title={`Open ${e.name}`}>
                      {e.name}/
                    </button>
                  </Show>
                  <span class="muted small mono an-xfer__size">{e.type === "directory" ? "" : formatBytes(e.size)}</span>
                </li>
              )}
            </For>
          </ul>
        </Show>
      </Show>
    </section>
  );
}

function progressText(j: TransferJobView): string {
  const bytes = `${formatBytes(j.doneBytes)} of ${formatBytes(j.totalBytes)}`;
  const files = `${j.doneFiles} of ${j.totalFiles} file${j.totalFiles === 1 ? "" : "s"}`;
  if (j.state === "running" && j.rate > 0)
    return `${bytes} · ${files} · ${formatBytes(j.rate)}/s · ${j.etaMs === null ? "" : `${formatDuration(j.etaMs)} left`}`;
  return j.planned ? `${bytes} · ${files}` : j.state === "scanning" ? "Listing the files…" : "";
}

function JobRow(props: {
  job: TransferJobView;
  licensed: boolean;
  onConflicts: () => void;
  onCancel: () => void;
  act: (action: "resume") => void;
  onRemove: () => void;
}) {
  const j = () => props.job;
  const pct = () => (j().totalBytes > 0 ? Math.min(100, (j().doneBytes / j().totalBytes) * 100) : j().state === "done" ? 100 : 0);
  const what = () => {
    const n = j().source.paths.length;
    const first = j().source.paths[0]?.split("/").pop() ?? "";
    return n === 1 ? first : `${first} and ${n - 1} more`;
  };
  return (
    <li class="an-xfer__job" data-job={j().id} data-state={j().state}>
      <div class="an-xfer__job-head">
        <div style={{ "min-width": "0" }}>
          <div class="cell-title an-xfer__job-title">
            {j().kind === "move" ? "Move" : "Copy"} {what()}
          </div>
          <div class="cell-sub small muted an-xfer__job-route">
            {j().source.hostName} → {j().target.hostName}:<span class="mono">{j().target.folder}</span> · {formatDateTime(j().createdAt)}
          </div>
        </div>
        <span class={STATE_BADGE[j().state]} data-testid="job-state">
          {STATE_LABEL[j().state]}
        </span>
      </div>
      <div
        class={j().state === "failed" ? "progress progress--danger" : "progress"}
        role="progressbar"
        aria-valuemin="0"
        aria-valuemax="100"
        aria-valuenow={Math.round(pct())}
      >
        <div class="progress__bar" style={{ width: `${pct()}%` }} />
      </div>
      <div class="small muted mono" data-testid="job-progress">
        {progressText(j())}
        <Show when={j().skipped > 0}> · {j().skipped} skipped</Show>
      </div>
      <Show when={j().state === "running" && j().current}>
        <div class="small muted an-xfer__current" title={j().current ?? ""}>
          {j().current}
        </div>
      </Show>
      <Show when={j().error && j().state !== "done"}>
        <div class="small cell-error" data-testid="job-error">
          {j().error?.message} <span class="mono">({j().error?.code})</span>
        </div>
      </Show>
      <Show when={j().retryAt}>
        {(at) => (
          <div class="small muted" data-testid="job-retry">
            Trying again by itself in {formatDuration(Math.max(0, at() - Date.now()))} (try {j().retries + 1} of 3), or press Resume.
          </div>
        )}
      </Show>
      <Show when={j().partial}>
        {(p) => (
          <div class="small muted">
            {p().kept ? "The partial file was kept for a resume: " : "The partial file was removed: "}
            <span class="mono">{p().path}</span>
          </div>
        )}
      </Show>
      <div class="an-xfer__actions">
        <Show when={j().state === "conflict" && props.licensed}>
          <button type="button" class="btn btn--accent btn--sm" onClick={() => props.onConflicts()} data-testid="job-conflicts">
            {j().conflictCount} file{j().conflictCount === 1 ? "" : "s"} exist{j().conflictCount === 1 ? "s" : ""} · Choose
          </button>
        </Show>
        <Show when={["interrupted", "cancelled", "failed"].includes(j().state) && props.licensed}>
          <button type="button" class="btn btn--sm" onClick={() => props.act("resume")} data-testid="job-resume">
            Resume
          </button>
        </Show>
        <Show when={["queued", "scanning", "running", "conflict", "interrupted"].includes(j().state) && props.licensed}>
          <button type="button" class="btn btn--ghost btn--sm" onClick={() => props.onCancel()} data-testid="job-cancel">
            Cancel
          </button>
        </Show>
        <Show when={!ACTIVE.has(j().state) && props.licensed}>
          <button type="button" class="btn btn--ghost btn--sm" onClick={() => props.onRemove()} aria-label="Remove from the list">
            Remove
          </button>
        </Show>
      </div>
    </li>
  );
}

/** The /transfer page: two folder browsers, Copy and Move, and the transfers with their progress. */
export function TransferPage(_props: SlotProps): JSX.Element {
  const shell = useShell();
  const [status, { refetch: refetchStatus }] = createResource(() => api<TransferStatus>("/status"));
  const [hosts] = createResource(listHosts);
  const [jobs, { refetch: refetchJobs }] = createResource(listJobs);
  const [sourceHost, setSourceHost] = createSignal("");
  const [sourcePath, setSourcePath] = createSignal(".");
  const [targetHost, setTargetHost] = createSignal("");
  const [targetPath, setTargetPath] = createSignal(".");
  const [selected, setSelected] = createSignal<ReadonlySet<string>>(new Set());
  const [policy, setPolicy] = createSignal<ConflictPolicy>("ask");
  const [busy, setBusy] = createSignal(false);
  const [formError, setFormError] = createSignal<string>();
  const [conflictJob, setConflictJob] = createSignal<string>();
  const [cancelJob, setCancelJob] = createSignal<string>();
  const licensed = () => status()?.licensed !== false;

  let timer: ReturnType<typeof setTimeout> | undefined;
  const tick = async () => {
    await Promise.allSettled([refetchJobs(), refetchStatus()]);
    timer = setTimeout(tick, (jobs() ?? []).some((j) => ACTIVE.has(j.state)) ? FAST_MS : SLOW_MS);
  };
  timer = setTimeout(tick, FAST_MS);
  onCleanup(() => clearTimeout(timer));

  const toggle = (path: string) => {
    const next = new Set(selected());
    if (next.has(path)) next.delete(path);
    else next.add(path);
    setSelected(next);
  };

  const start = async (kind: "copy" | "move") => {
    setFormError(undefined);
    setBusy(true);
    try {
      await api("/jobs", {
        method: "POST",
        json: { kind, sourceHostId: sourceHost(), paths: [...selected()], targetHostId: targetHost(), folder: targetPath(), conflicts: policy() },
      });
      setSelected(new Set<string>());
      shell.notify(kind === "move" ? "Move started." : "Copy started.", "success");
      await refetchJobs();
    } catch (err) {
      setFormError(describeError(err));
    } finally {
      setBusy(false);
    }
  };

  const act = async (id: string, action: "resolve" | "cancel" | "resume", json: Record<string, unknown> = {}) => {
    try {
      await jobAction(id, action, json);
      await refetchJobs();
    } catch (err) {
      shell.notify(describeError(err), "error");
    }
  };
  const remove = async (id: string) => {
    try {
      await api(`/jobs/${encodeURIComponent(id)}`, { method: "DELETE" });
      await refetchJobs();
    } catch (err) {
      shell.notify(describeError(err), "error");
    }
  };
  const cancelWith = (removePartial: boolean) => {
    const id = cancelJob();
    setCancelJob(undefined);
    if (id) void act(id, "cancel", { removePartial });
  };
  const conflicting = () => (jobs() ?? []).find((j) => j.id === conflictJob());
  const cancelling = () => (jobs() ?? []).find((j) => j.id === cancelJob());
  const resolve = async (action: ConflictAction, target?: string) => {
    const id = conflictJob();
    if (!id) return;
    await act(id, "resolve", target === undefined ? { action } : { action, target });
    if (target === undefined || (conflicting()?.conflictCount ?? 0) === 0) setConflictJob(undefined);
  };

  return (
    <div class="page an-xfer" data-testid="transfer-page">
      <style>{PAGE_CSS}</style>
      <header class="page-header">
        <div>
          <h1>Transfer</h1>
          <p class="page-header__desc">
            Copy or move files and folders from one SSH host to another. Data streams host to host through ArchNest; permissions and modification times are
            kept.
          </p>
        </div>
      </header>

      <div class="stack">
        <Show when={status()?.refusal}>
          {(refusal) => (
            <Lock
              module={refusal().module}
              price={refusal().price}
              reason="New transfers need the Host-to-Host Transfer module. Past transfers stay listed here, read-only."
            />
          )}
        </Show>

        <Show when={licensed()}>
          <Show when={hosts.error}>{(e) => <ErrorState title="Could not load the SSH hosts" error={e()} />}</Show>
          <div class="an-xfer__sides">
            <Browser
              side="source"
              hosts={hosts() ?? []}
              host={sourceHost()}
              onHost={(id) => {
                setSourceHost(id);
                setSourcePath(".");
                setSelected(new Set<string>());
              }}
              path={sourcePath()}
              onPath={setSourcePath}
              selected={selected()}
              onToggle={toggle}
            />
            <Browser
              side="target"
              hosts={hosts() ?? []}
              host={targetHost()}
              onHost={(id) => {
                setTargetHost(id);
                setTargetPath(".");
              }}
              path={targetPath()}
              onPath={setTargetPath}
            />
          </div>
          <section class="card an-xfer__go" aria-label="Start a transfer">
            <div class="small" data-testid="selection-summary">
              {selected().size === 0 ? "Select the files or folders to send." : `${selected().size} selected`}
              <Show when={targetHost() && selected().size > 0}>
                {" "}
                → <span class="mono">{targetPath()}</span>
              </Show>
            </div>
            <label class="field an-xfer__policy">
              <span class="field__label">When a file exists</span>
              <select data-testid="conflict-policy" value={policy()} onChange={(e) => setPolicy(e.currentTarget.value as ConflictPolicy)}>
                <For each={Object.entries(POLICY_LABEL)}>{([value, label]) => <option value={value}>{label}</option>}</For>
              </select>
            </label>
            <div class="an-xfer__actions">
              <button
                type="button"
                class="btn btn--accent"
                data-testid="start-copy"
                disabled={busy() || selected().size === 0 || !targetHost()}
                onClick={() => void start("copy")}
              >
                Copy
              </button>
              <button
                type="button"
                class="btn"
                data-testid="start-move"
                disabled={busy() || selected().size === 0 || !targetHost()}
                onClick={() => void start("move")}
              >
                Move
              </button>
            </div>
            <Show when={formError()}>
              <div class="form-error" role="alert" data-testid="form-error">
                {formError()}
              </div>
            </Show>
          </section>
        </Show>

        <section class="card" aria-label="Transfers">
          <h2 class="card__title">Transfers</h2>
          <Show when={jobs.error}>{(e) => <ErrorState title="Could not load the transfers" error={e()} retry={refetchJobs} />}</Show>
          <Show when={!jobs.error}>
            <Show
              when={(jobs() ?? []).length > 0}
              fallback={
                <EmptyState title="No transfers yet" icon="upload">
                  {licensed()
                    ? "Pick a source and a destination above, select what to send, then press Copy or Move."
                    : "Transfers appear here once the module is unlocked."}
                </EmptyState>
              }
            >
              <ul class="an-xfer__jobs" data-testid="jobs">
                <For each={jobs()}>
                  {(j) => (
                    <JobRow
                      job={j}
                      licensed={licensed()}
                      onConflicts={() => setConflictJob(j.id)}
                      onCancel={() => setCancelJob(j.id)}
                      act={(a) => void act(j.id, a)}
                      onRemove={() => void remove(j.id)}
                    />
                  )}
                </For>
              </ul>
            </Show>
          </Show>
        </section>
      </div>

      <Dialog
        open={conflicting() !== undefined}
        title="These files exist at the destination"
        onClose={() => setConflictJob(undefined)}
        footer={
          <button type="button" class="btn btn--ghost" onClick={() => setConflictJob(undefined)}>
            Decide later
          </button>
        }
      >
        <p class="small muted">Choose for each file, or once for all of them below. Keep both saves the new one as "name (1).ext".</p>
        <ul class="an-xfer__conflicts" data-testid="conflict-list">
          <For each={conflicting()?.conflicts ?? []}>
            {(c) => (
              <li class="an-xfer__conflict" data-conflict={c.target}>
                <div style={{ "min-width": "0" }}>
                  <div class="mono small an-xfer__wrap" title={c.target}>
                    {c.target}
                  </div>
                  <div class="small muted">
                    New {formatBytes(c.size)} · existing {formatBytes(c.targetSize)}
                  </div>
                </div>
                <div class="an-xfer__actions">
                  <button type="button" class="btn btn--ghost btn--sm" onClick={() => void resolve("skip", c.target)}>
                    Skip
                  </button>
                  <button type="button" class="btn btn--ghost btn--sm" onClick={() => void resolve("rename", c.target)}>
                    Keep both
                  </button>
                  <button type="button" class="btn btn--ghost btn--sm" onClick={() => void resolve("overwrite", c.target)}>
                    Overwrite
                  </button>
                </div>
              </li>
            )}
          </For>
        </ul>
        <Show when={(conflicting()?.conflictCount ?? 0) > (conflicting()?.conflicts.length ?? 0)}>
          <p class="small muted">and {(conflicting()?.conflictCount ?? 0) - (conflicting()?.conflicts.length ?? 0)} more: choose for all of them below.</p>
        </Show>
        <div class="an-xfer__all">
          <span class="small">For all of them:</span>
          <button type="button" class="btn btn--sm" onClick={() => void resolve("skip")} data-testid="conflict-all-skip">
            Skip all
          </button>
          <button type="button" class="btn btn--sm" onClick={() => void resolve("rename")} data-testid="conflict-all-rename">
            Keep both
          </button>
          <button type="button" class="btn btn--danger btn--sm" onClick={() => void resolve("overwrite")} data-testid="conflict-all-overwrite">
            Overwrite all
          </button>
        </div>
      </Dialog>

      <Dialog
        open={cancelling() !== undefined}
        title="Cancel this transfer?"
        width="sm"
        onClose={() => setCancelJob(undefined)}
        footer={
          <button type="button" class="btn btn--ghost" onClick={() => setCancelJob(undefined)}>
            Go on copying
          </button>
        }
      >
        <p>
          Files already copied stay at the destination. The file being copied now can stay as it is, so Resume continues it from where it stopped, or be
          removed.
        </p>
        <div class="an-xfer__all">
          <button type="button" class="btn" data-testid="cancel-keep" onClick={() => cancelWith(false)}>
            Cancel, keep the partial file
          </button>
          <button type="button" class="btn btn--danger" data-testid="cancel-remove" onClick={() => cancelWith(true)}>
            Cancel and remove it
          </button>
        </div>
      </Dialog>
    </div>
  );
}
