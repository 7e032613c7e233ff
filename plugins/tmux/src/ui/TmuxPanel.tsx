import { ApiError, Dialog, EmptyState, ErrorState, Field, formatRelativeTime, isModuleRequired, Lock, pluginApi, Table, useShell } from "@archnest/sdk/web";
import type { TerminalToolbarProps } from "@archnest/terminal/slots";
import { createSignal, For, type JSX, Show } from "solid-js";
import type { TmuxListing, TmuxSession } from "../tmux/index.js";
import { attachCommand, isSessionName, isSessionTarget } from "../tmux/tmux-commands.js";

const api = pluginApi("tmux");

/** The name the routes and the attach command take: the name when it keeps our rules, else tmux's id. */
const targetOf = (s: TmuxSession) => (isSessionTarget(s.name) ? s.name : s.id);

const windowsText = (s: TmuxSession) => s.windows.map((w) => `${w.index}: ${w.name}`).join(", ");

/** The page's CSS beside the shell's: the new-session form keeps its buttons next to the field. */
const PANEL_CSS = ".an-tmux__new{align-items:flex-end;flex-wrap:wrap}.an-tmux__new .field{flex:1 1 12rem;max-width:20rem}.an-tmux__refresh{margin-left:auto}";

/**
 * The "tmux" button of the terminal's toolbar and the panel it opens for the focused pane's host. Without
 * the tmux module this plugin is not loaded, and the terminal shows the lock in this button's place.
 */
export function TmuxToolbar(props: TerminalToolbarProps): JSX.Element {
  const [open, setOpen] = createSignal(false);
  return (
    <>
      <button
        type="button"
        class="btn btn--ghost btn--sm"
        disabled={!props.terminal.hostId()}
        title={props.terminal.hostId() ? "tmux sessions on this host" : "Choose a host first"}
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
      >
        tmux
      </button>
      <Show when={open() && props.terminal.hostId()}>
        {(hostId) => <TmuxPanel hostId={hostId()} terminal={props.terminal} onClose={() => setOpen(false)} />}
      </Show>
    </>
  );
}

interface PanelProps {
  hostId: string;
  terminal: TerminalToolbarProps["terminal"];
  onClose(): void;
}

/** Sessions with their windows and clients on one host; attach, create, detach, kill. */
export function TmuxPanel(props: PanelProps): JSX.Element {
  const shell = useShell();
  const query = () => `?host=${encodeURIComponent(props.hostId)}`;
  // Signals rather than a resource: reading an errored resource throws, and the panel shows the last good
  // list beside an action's error.
  const [listing, setListing] = createSignal<TmuxListing>();
  const [error, setError] = createSignal<unknown>();
  const [loading, setLoading] = createSignal(false);
  const refetch = async () => {
    setLoading(true);
    try {
      setListing(await api<TmuxListing>(`/sessions${query()}`));
      setError(undefined);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  };
  void refetch();
  const [name, setName] = createSignal("");
  const [nameError, setNameError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const [confirmKill, setConfirmKill] = createSignal<TmuxSession>();

  const notInstalled = () => {
    const e = error();
    return e instanceof ApiError && e.code === "TMUX_ERR_NOT_INSTALLED" ? e.message : undefined;
  };

  /** Runs an action that answers the new listing; its error becomes a notice, the list stays. */
  const act = async (run: () => Promise<TmuxListing>, done?: string) => {
    setBusy(true);
    try {
      setListing(await run());
      if (done) shell.notify(done, "success");
      return true;
    } catch (err) {
      shell.notify(err instanceof Error ? err.message : String(err), "error");
      return false;
    } finally {
      setBusy(false);
    }
  };

  const create = async (e: Event) => {
    e.preventDefault();
    const n = name().trim();
    if (!isSessionName(n)) {
      setNameError("1 to 64 letters, digits, _ or -, not starting with -.");
      return;
    }
    setNameError(undefined);
    if (await act(() => api<TmuxListing>(`/sessions${query()}`, { method: "POST", json: { name: n } }), `Created tmux session ${n}.`)) setName("");
  };

  const attach = (s: TmuxSession) => {
    props.terminal.open({ hostId: props.hostId, command: attachCommand(targetOf(s)), title: `tmux: ${s.name}` });
    props.onClose();
  };

  const detach = (s: TmuxSession, tty?: string) =>
    act(
      () => api<TmuxListing>(`/sessions/${encodeURIComponent(targetOf(s))}/detach${query()}`, { method: "POST", json: tty ? { tty } : {} }),
      tty ? `Detached ${tty} from ${s.name}.` : `Detached every client of ${s.name}.`,
    );

  const kill = async (s: TmuxSession) => {
    if (await act(() => api<TmuxListing>(`/sessions/${encodeURIComponent(targetOf(s))}${query()}`, { method: "DELETE" }), `Killed tmux session ${s.name}.`))
      setConfirmKill(undefined);
  };

  const title = () => `tmux on ${listing()?.host.name ?? "this host"}`;

  return (
    // One dialog at a time: the confirmation takes the panel's place, and Cancel brings the panel back with
    // its list (the signals live here, not in the dialog).
    <Show
      when={confirmKill()}
      fallback={
        <Dialog open title={title()} onClose={props.onClose} width="lg">
          <style>{PANEL_CSS}</style>
          <div class="stack an-tmux" data-testid="tmux-panel">
            <Show
              when={error() === undefined}
              fallback={
                <Show
                  when={notInstalled()}
                  fallback={
                    <Show
                      when={isModuleRequired(error())}
                      fallback={<ErrorState error={error()} title="Could not list tmux sessions" retry={() => void refetch()} />}
                    >
                      <Lock module="tmux" reason="The tmux module's license no longer covers this install." />
                    </Show>
                  }
                >
                  {(message) => (
                    <EmptyState
                      title="tmux is not installed"
                      icon="terminal"
                      action={
                        <button type="button" class="btn btn--sm" onClick={() => void refetch()}>
                          Check again
                        </button>
                      }
                    >
                      <span data-testid="tmux-not-installed">{message()}</span>
                    </EmptyState>
                  )}
                </Show>
              }
            >
              <form class="row row--tight an-tmux__new" onSubmit={create}>
                <Field label="New session" {...(nameError() !== undefined && { error: nameError() as string })}>
                  <input
                    name="session-name"
                    placeholder="work"
                    autocomplete="off"
                    spellcheck={false}
                    maxLength={64}
                    value={name()}
                    onInput={(e) => {
                      setName(e.currentTarget.value);
                      setNameError(undefined);
                    }}
                  />
                </Field>
                <button type="submit" class="btn btn--accent btn--sm" disabled={busy() || !name().trim()}>
                  Create
                </button>
                <button type="button" class="btn btn--ghost btn--sm an-tmux__refresh" disabled={loading()} onClick={() => void refetch()}>
                  Refresh
                </button>
              </form>
              <Table
                label="tmux sessions"
                data-testid="tmux-sessions"
                rows={listing()?.sessions}
                rowAttributes={(s) => ({ "data-session": s.name })}
                empty={
                  <EmptyState title="No tmux sessions" icon="terminal">
                    No tmux server runs on this host. Create a session above, or start one with tmux in a terminal.
                  </EmptyState>
                }
                columns={[
                  {
                    header: "Session",
                    cell: (s) => (
                      <span class="stack an-tmux__cell">
                        <strong class="mono">{s.name}</strong>
                        <span class="muted small">{`created ${formatRelativeTime(s.created)}, active ${formatRelativeTime(s.activity)}`}</span>
                      </span>
                    ),
                  },
                  {
                    header: "Windows",
                    cell: (s) => (
                      <span class="chips" title={windowsText(s)}>
                        <For each={s.windows}>
                          {(w) => (
                            <span class={w.active ? "chip chip--accent" : "chip"} title={`${w.panes} pane${w.panes === 1 ? "" : "s"}`}>
                              {`${w.index}: ${w.name}${w.panes > 1 ? ` (${w.panes})` : ""}`}
                            </span>
                          )}
                        </For>
                      </span>
                    ),
                  },
                  {
                    header: "Clients",
                    cell: (s) => (
                      <Show when={s.clients.length > 0} fallback={<span class="muted">detached</span>}>
                        <span class="stack an-tmux__cell">
                          <For each={s.clients}>
                            {(c) => (
                              <span class="row row--tight" data-client={c.tty}>
                                <span class="mono small">{`${c.tty} ${c.cols}×${c.rows}`}</span>
                                <span class="muted small">{`since ${formatRelativeTime(c.since)}`}</span>
                                <button
                                  type="button"
                                  class="btn btn--ghost btn--sm"
                                  disabled={busy()}
                                  onClick={() => void detach(s, c.tty)}
                                  aria-label={`Detach ${c.tty}`}
                                >
                                  Detach
                                </button>
                              </span>
                            )}
                          </For>
                        </span>
                      </Show>
                    ),
                  },
                  {
                    header: "Actions",
                    headerHidden: true,
                    cell: (s) => (
                      <span class="row row--tight an-tmux__actions">
                        <button type="button" class="btn btn--accent btn--sm" onClick={() => attach(s)}>
                          Attach
                        </button>
                        <Show when={s.clients.length > 1}>
                          <button type="button" class="btn btn--sm" disabled={busy()} onClick={() => void detach(s)}>
                            Detach all
                          </button>
                        </Show>
                        <button type="button" class="btn btn--danger btn--sm" disabled={busy()} onClick={() => setConfirmKill(s)}>
                          Kill
                        </button>
                      </span>
                    ),
                  },
                ]}
              />
            </Show>
          </div>
        </Dialog>
      }
    >
      {(s) => (
        <Dialog
          open
          tone="danger"
          width="sm"
          title={`Kill tmux session ${s().name}?`}
          onClose={() => setConfirmKill(undefined)}
          footer={
            <>
              <button type="button" class="btn btn--ghost" onClick={() => setConfirmKill(undefined)}>
                Cancel
              </button>
              <button type="button" class="btn btn--danger" disabled={busy()} onClick={() => void kill(s())}>
                Kill session
              </button>
            </>
          }
        >
          <p data-testid="tmux-kill-confirm">
            {`Session ${s().name} and its ${s().windows.length === 1 ? "window" : `${s().windows.length} windows`} (${windowsText(s())}) end, with every program running in them.`}
            <Show when={s().attached > 0}>{` ${s().attached === 1 ? "One client is" : `${s().attached} clients are`} attached now.`}</Show>
          </p>
        </Dialog>
      )}
    </Show>
  );
}
