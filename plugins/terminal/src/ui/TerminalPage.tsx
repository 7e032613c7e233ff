import { Lock, pluginApi, Slot, type SlotProps, useSlot } from "@archnest/sdk/web";
import { createResource, createSignal, For, type JSX, onCleanup, Show } from "solid-js";
import { Dynamic } from "solid-js/web";
import type { TerminalHost } from "../server.js";
import { PAGE_CSS } from "./page-css.js";
import { type OpenSessionRequest, type PaneHandle, type TerminalHandle, TerminalLayout, TerminalToolbar } from "./slots.js";
import { paneTools, TerminalPane } from "./TerminalPane.js";

export type { TerminalTestHook } from "./TerminalPane.js";

const api = pluginApi("terminal");

/** The single pane's key when no layout is installed: a reload reattaches its persistent session. */
const SINGLE_PANE_KEY = "main";

/** The paid features the page offers, where they would be, and the plugin that brings each. */
const PAID_FEATURES = [
  { plugin: "multi-pane-terminal", slot: "layout", label: "Split", reason: "Tabs and split panes need the Multi-pane Terminal module." },
  { plugin: "tmux", slot: "toolbar", label: "tmux", reason: "tmux sessions from the toolbar need the tmux module." },
  { plugin: "persistent-sessions", slot: "toolbar", label: "Keep sessions", reason: "Keeping sessions across reloads needs the Persistent Sessions module." },
  { plugin: "session-recording", slot: "toolbar", label: "Record", reason: "Recording sessions needs the Session Recording module." },
] as const;

function hostFromUrl(): string | undefined {
  return new URLSearchParams(window.location.search).get("host") ?? undefined;
}

/**
 * The Terminal page: the first `terminal.layout@1` contribution (tabs and split panes) when one is
 * installed, otherwise one pane with a host picker. Toolbar contributions act on the focused pane.
 */
export function TerminalPage(_props: SlotProps): JSX.Element {
  const layouts = useSlot(TerminalLayout);
  const toolbar = useSlot(TerminalToolbar);
  const layout = () => layouts()[0];
  const [hosts] = createResource(async () => (await api<{ hosts: TerminalHost[] }>("/hosts")).hosts);
  const [hostId, setHostId] = createSignal<string | undefined>(hostFromUrl());
  const initial = hostId();
  const [request, setRequest] = createSignal<OpenSessionRequest | undefined>(initial ? { hostId: initial } : undefined);
  const [focused, setFocused] = createSignal<PaneHandle>();
  const [searching, setSearching] = createSignal(false);
  const [locksOpen, setLocksOpen] = createSignal(false);
  const openListeners = new Set<(request: OpenSessionRequest) => void>();
  onCleanup(() => openListeners.clear());

  const pick = (id: string) => {
    setHostId(id || undefined);
    const url = new URL(window.location.href);
    if (id) url.searchParams.set("host", id);
    else url.searchParams.delete("host");
    window.history.replaceState(window.history.state, "", url);
  };

  const handle: TerminalHandle = {
    hostId: () => focused()?.hostId() ?? hostId(),
    sessionId: () => focused()?.sessionId(),
    connected: () => focused()?.connected() ?? false,
    input: (data) => focused()?.input(data),
    focus: () => focused()?.focus(),
    open(req) {
      if (layout()) {
        for (const listener of openListeners) listener(req);
        return;
      }
      pick(req.hostId);
      setRequest({ ...req });
    },
  };

  const connect = () => {
    const id = hostId();
    if (!id) return;
    // The same host again is a fresh session in the same pane; another host replaces the pane's request.
    const pane = focused();
    if (pane && pane.hostId() === id) pane.open({ hostId: id });
    else setRequest({ hostId: id });
  };

  const find = (e: KeyboardEvent & { currentTarget: HTMLInputElement }) => {
    const tools = paneTools(focused());
    if (e.key === "Escape") {
      setSearching(false);
      tools?.clearFind();
      focused()?.focus();
      return;
    }
    if (e.key === "Enter" && e.currentTarget.value) tools?.find(e.currentTarget.value, e.shiftKey);
  };

  const missing = () =>
    PAID_FEATURES.filter((f) => !(f.slot === "layout" ? layouts() : toolbar()).some((c) => c.plugin.id === f.plugin)).map((f) => ({
      ...f,
      module: f.plugin,
    }));

  return (
    <section class="an-terminal" data-testid="terminal-page">
      <style>{PAGE_CSS}</style>
      <header class="page-header">
        <div>
          <h1>Terminal</h1>
          <p class="page-header__desc">A shell on your SSH hosts, in the browser.</p>
        </div>
      </header>
      <div class="an-terminal__toolbar" role="toolbar" aria-label="Terminal">
        <Show when={!layout()}>
          <select class="an-terminal__host" aria-label="SSH host" onChange={(e) => pick(e.currentTarget.value)} disabled={!hosts()?.length}>
            <option value="" selected={!hostId()}>
              {hosts.loading ? "Loading hosts…" : "Choose a host…"}
            </option>
            <For each={hosts() ?? []}>
              {(h) => (
                <option value={h.id} selected={h.id === hostId()}>
                  {`${h.name} (${h.user}@${h.address})`}
                </option>
              )}
            </For>
            {/* A shell another plugin opened here (a container's): not an SSH host, shown as itself. */}
            <Show when={hostId()?.includes(":") && !hosts()?.some((h) => h.id === hostId())}>
              <option value={hostId()} selected>
                Shell opened from another page
              </option>
            </Show>
          </select>
          <button type="button" class="btn btn--accent btn--sm" disabled={!hostId() || focused()?.phase() === "connecting"} onClick={connect}>
            {focused()?.phase() === "connected" ? "Reconnect" : "Connect"}
          </button>
        </Show>
        <button type="button" class="btn btn--ghost btn--sm" onClick={() => paneTools(focused())?.copySelection()} title="Copy the selection (Ctrl+Shift+C)">
          Copy
        </button>
        <button type="button" class="btn btn--ghost btn--sm" onClick={() => void paneTools(focused())?.paste()} title="Paste (Ctrl+Shift+V)">
          Paste
        </button>
        <button type="button" class="btn btn--ghost btn--sm" aria-pressed={searching()} onClick={() => setSearching(!searching())}>
          Search
        </button>
        <Show when={searching()}>
          <input
            ref={(el) => queueMicrotask(() => el.focus())}
            class="an-terminal__search"
            type="search"
            placeholder="Find (Enter, Shift+Enter)"
            aria-label="Find in terminal"
            onKeyDown={find}
          />
        </Show>
        <Slot def={TerminalToolbar} props={{ terminal: handle }} inline class="an-terminal__slot" />
        <Show when={missing().length > 0}>
          <button
            type="button"
            class="btn btn--ghost btn--sm an-terminal__locks-toggle"
            aria-expanded={locksOpen()}
            aria-controls="an-terminal-locks"
            onClick={() => setLocksOpen(!locksOpen())}
          >
            {`More · ${missing().length}`}
          </button>
          <span id="an-terminal-locks" class="an-terminal__locks" classList={{ "an-terminal__locks--open": locksOpen() }} data-testid="terminal-locks">
            <For each={missing()}>{(f) => <Lock module={f.module} variant="inline" label={f.label} reason={f.reason} />}</For>
          </span>
        </Show>
      </div>

      <Show when={hosts() && hosts()?.length === 0}>
        <div class="card an-terminal__notice">
          No SSH hosts yet. <a href="/settings/integrations">Add a host in Settings → Integrations</a>, then come back here.
        </div>
      </Show>
      <Show when={hosts.error}>
        <div class="card an-terminal__notice" role="alert">
          The SSH hosts could not be loaded: {(hosts.error as Error).message}
        </div>
      </Show>

      <Show
        when={layout()}
        fallback={
          // Mounted without a request until a host is picked, then kept: a new request replaces its session.
          <Show when={request()} fallback={<TerminalPane paneKey={SINGLE_PANE_KEY} focused hostPicker={false} onHandle={setFocused} />}>
            {(r) => <TerminalPane request={r()} paneKey={SINGLE_PANE_KEY} focused hostPicker={false} onHandle={setFocused} />}
          </Show>
        }
      >
        {(c) => (
          <div class="an-terminal__layout">
            <Dynamic
              component={c().Component}
              plugin={c().plugin}
              contribution={c().contribution}
              Pane={TerminalPane}
              initialHostId={() => hostId()}
              onOpen={(listener: (request: OpenSessionRequest) => void) => openListeners.add(listener)}
              setFocusedPane={setFocused}
            />
          </div>
        )}
      </Show>
    </section>
  );
}
