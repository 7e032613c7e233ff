import { ApiError, Dialog, EmptyState, formatBytes, formatDuration, pluginApi, Table, type TableColumn } from "@archnest/sdk/web";
import type { TerminalToolbarProps } from "@archnest/terminal/slots";
import { createMemo, createResource, createSignal, For, onCleanup, Show } from "solid-js";
import type { KeptSession, SessionsBody } from "../server.js";

const api = pluginApi("persistent-sessions");
/** The badge follows sessions detaching elsewhere (another tab, a closed laptop) without a push channel. */
const POLL_MS = 5000;

/** The caller's sessions of one host. */
interface HostGroup {
  hostId: string;
  hostName: string;
  sessions: KeptSession[];
}

function groupByHost(sessions: readonly KeptSession[]): HostGroup[] {
  const groups = new Map<string, HostGroup>();
  for (const s of sessions) {
    const g = groups.get(s.hostId) ?? { hostId: s.hostId, hostName: s.hostName, sessions: [] };
    g.sessions.push(s);
    groups.set(s.hostId, g);
  }
  return [...groups.values()].sort((a, b) => a.hostName.localeCompare(b.hostName));
}

/**
 * The terminal toolbar's "Sessions": a badge with how many of the person's sessions run detached, and a
 * list of them per host to reattach or end.
 */
export function SessionsButton(props: TerminalToolbarProps) {
  const [open, setOpen] = createSignal(false);
  const [ending, setEnding] = createSignal<KeptSession>();
  const [failure, setFailure] = createSignal<string>();
  const [list, { refetch }] = createResource(() => api<SessionsBody>("/sessions"));
  const timer = setInterval(() => void refetch(), POLL_MS);
  onCleanup(() => clearInterval(timer));

  const sessions = () => list.latest?.sessions ?? [];
  const detached = createMemo(() => sessions().filter((s) => s.state === "detached"));
  // The session on this page is not offered for reattaching: it is already here.
  const others = createMemo(() => sessions().filter((s) => s.id !== props.terminal.sessionId()));

  const show = () => {
    setFailure(undefined);
    void refetch();
    setOpen(true);
  };
  const reattach = (s: KeptSession) => {
    setOpen(false);
    props.terminal.open({ hostId: s.hostId, attach: s.id, title: s.hostName });
  };
  const end = async (s: KeptSession) => {
    try {
      await api(`/sessions/${encodeURIComponent(s.id)}`, { method: "DELETE" });
      setFailure(undefined);
    } catch (err) {
      // Ended meanwhile (idle time, another tab): the list is simply out of date.
      if (!(err instanceof ApiError && err.code === "PERSIST_ERR_SESSION_NOT_FOUND")) setFailure(err instanceof Error ? err.message : String(err));
    }
    closeConfirm();
    void refetch();
  };
  // One dialog at a time: the confirmation replaces the list, and the list comes back after it.
  const askEnd = (s: KeptSession) => {
    setOpen(false);
    setEnding(s);
  };
  const closeConfirm = () => {
    setEnding(undefined);
    setOpen(true);
  };

  const columns: TableColumn<KeptSession>[] = [
    {
      header: "Session",
      cell: (s) => (
        <>
          <div class="cell-title">{s.command ?? "Login shell"}</div>
          <div class="cell-sub">Opened {formatDuration(s.ageMs)} ago</div>
        </>
      ),
    },
    {
      header: "State",
      cell: (s) => (
        <Show when={s.state === "detached"} fallback={<span class="badge badge--success">{s.viewers === 1 ? "On screen" : `${s.viewers} viewers`}</span>}>
          <span class="badge badge--warning">Detached {formatDuration(s.detachedMs ?? 0)}</span>
        </Show>
      ),
    },
    { header: "Output", cell: (s) => <span class="cell-sub">{formatBytes(s.scrollbackBytes)} kept</span>, align: "end" },
    {
      header: "Actions",
      headerHidden: true,
      align: "end",
      cell: (s) => (
        <div class="persist-actions">
          <button type="button" class="btn btn--sm" onClick={() => reattach(s)}>
            Reattach
          </button>
          <button type="button" class="btn btn--sm btn--danger" onClick={() => askEnd(s)}>
            End
          </button>
        </div>
      ),
    },
  ];

  return (
    <>
      <style>{CSS}</style>
      <button type="button" class="btn btn--sm" data-testid="persist-sessions" onClick={show} aria-label={`Sessions, ${detached().length} detached`}>
        Sessions
        <Show when={detached().length > 0}>
          <span class="badge badge--accent" data-testid="persist-detached-count">
            {detached().length}
          </span>
        </Show>
      </button>
      <Dialog
        open={open()}
        title="Your terminal sessions"
        onClose={() => setOpen(false)}
        width="lg"
        footer={
          <button type="button" class="btn btn--ghost" onClick={() => setOpen(false)}>
            Close
          </button>
        }
      >
        <Show when={failure()}>
          <p class="cell-error" role="alert">
            {failure()}
          </p>
        </Show>
        <Show
          when={others().length > 0}
          fallback={
            <EmptyState title="No other sessions">
              Sessions keep running for {list.latest?.settings.idleMinutes ?? 30} minutes after you leave the page, and show up here to reattach.
            </EmptyState>
          }
        >
          <For each={groupByHost(others())}>
            {(g) => (
              <section class="persist-host" data-host={g.hostId}>
                <h3 class="persist-host__name">{g.hostName}</h3>
                <Table label={`Sessions on ${g.hostName}`} columns={columns} rows={g.sessions} rowAttributes={(s) => ({ "data-session": s.id })} />
              </section>
            )}
          </For>
        </Show>
      </Dialog>
      <Dialog
        open={ending() !== undefined}
        title="End this session?"
        tone="danger"
        width="sm"
        onClose={closeConfirm}
        footer={
          <>
            <button type="button" class="btn btn--ghost" onClick={closeConfirm}>
              Cancel
            </button>
            <button type="button" class="btn btn--danger" onClick={() => void end(ending() as KeptSession)}>
              End session
            </button>
          </>
        }
      >
        The shell on {ending()?.hostName} stops, with whatever runs in it, and its kept output is dropped.
      </Dialog>
    </>
  );
}

const CSS = `
.persist-host + .persist-host { margin-top: 18px; }
.persist-host__name { margin: 0 0 8px; font-size: 13px; font-weight: 600; color: var(--an-text-muted); }
.persist-actions { display: inline-flex; gap: 6px; flex-wrap: wrap; justify-content: flex-end; }
`;
