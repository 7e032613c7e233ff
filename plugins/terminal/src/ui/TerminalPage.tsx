import { Lock, pluginApi, Slot, type SlotProps, useSlot } from "@archnest/sdk/web";
import { createEffect, createResource, createSignal, For, type JSX, Show } from "solid-js";
import type { TerminalHost } from "../server.js";
import { PAGE_CSS } from "./page-css.js";
import { type OpenSessionRequest, type PaneHandle, type TerminalHandle, TerminalLayout, TerminalToolbar } from "./slots.js";
import { type PaneControls, TerminalPane } from "./TerminalPane.js";

export type { TerminalTestHook } from "./TerminalPane.js";

const api = pluginApi("terminal");

/** The paid features that plug into the terminal, each shown as a lock where it would be until its plugin is there. */
const MODULE_FEATURES = [
  { module: "multi-pane-terminal", label: "Split" },
  { module: "tmux", label: "tmux" },
  { module: "persistent-sessions", label: "Keep sessions" },
  { module: "session-recording", label: "Record" },
] as const;

function hostFromUrl(): string | undefined {
  return new URLSearchParams(window.location.search).get("host") ?? undefined;
}

const isControls = (h: PaneHandle | undefined): h is PaneControls => typeof (h as PaneControls | undefined)?.testHook === "function";

/**
 * The Terminal page: pick a host, get a shell. One pane in the free core; a `terminal.layout@1`
 * contribution (multi-pane) replaces it with tabs and splits built from the same pane.
 */
export function TerminalPage(_props: SlotProps): JSX.Element {
  const [hosts] = createResource(async () => (await api<{ hosts: TerminalHost[] }>("/hosts")).hosts);
  const [hostId, setHostId] = createSignal<string | undefined>(hostFromUrl());
  const [searching, setSearching] = createSignal(false);
  const [focused, setFocused] = createSignal<PaneHandle>();
  const layouts = useSlot(TerminalLayout);
  const toolbar = useSlot(TerminalToolbar);
  const layout = () => layouts()[0];
  const present = () => new Set([...layouts(), ...toolbar()].map((c) => c.plugin.id));
  let openInLayout: ((request: OpenSessionRequest) => void) | undefined;
  let searchInput: HTMLInputElement | undefined;

  // The tests (and the toolbar) follow the focused pane.
  createEffect(() => {
    const pane = focused();
    if (isControls(pane)) window.__archnestTerminal = pane.testHook();
  });

  const pick = (id: string) => {
    setHostId(id || undefined);
    const url = new URL(window.location.href);
    if (id) url.searchParams.set("host", id);
    else url.searchParams.delete("host");
    window.history.replaceState(window.history.state, "", url);
  };

  const open = (request: OpenSessionRequest) => {
    if (layout() && openInLayout) {
      openInLayout(request);
      return;
    }
    pick(request.hostId);
    focused()?.open(request);
  };

  const handle: TerminalHandle = {
    hostId: () => focused()?.hostId() ?? hostId(),
    sessionId: () => focused()?.sessionId(),
    connected: () => focused()?.connected() ?? false,
    input: (data) => focused()?.input(data),
    focus: () => focused()?.focus(),
    open,
  };

  const controls = () => {
    const pane = focused();
    return isControls(pane) ? pane : undefined;
  };

  const paste = async () => {
    const text = await navigator.clipboard?.readText().catch(() => "");
    if (text) controls()?.paste(text);
    focused()?.focus();
  };

  const find = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      setSearching(false);
      controls()?.clearFind();
      focused()?.focus();
      return;
    }
    if (e.key !== "Enter" || !searchInput?.value) return;
    controls()?.find(searchInput.value, e.shiftKey);
  };

  const connectOne = () => {
    const id = hostId();
    if (id) focused()?.open({ hostId: id });
  };

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
          </select>
          <button type="button" class="btn btn--accent btn--sm" disabled={!hostId() || focused()?.phase() === "connecting"} onClick={connectOne}>
            {focused()?.connected() ? "Reconnect" : "Connect"}
          </button>
        </Show>
        <button type="button" class="btn btn--ghost btn--sm" onClick={() => controls()?.copySelection()} title="Copy the selection (Ctrl+Shift+C)">
          Copy
        </button>
        <button type="button" class="btn btn--ghost btn--sm" onClick={() => void paste()} title="Paste (Ctrl+Shift+V)">
          Paste
        </button>
        <button type="button" class="btn btn--ghost btn--sm" aria-pressed={searching()} onClick={() => setSearching(!searching())}>
          Search
        </button>
        <Show when={searching()}>
          <input
            ref={(el) => {
              searchInput = el;
              queueMicrotask(() => el.focus());
            }}
            class="an-terminal__search"
            type="search"
            placeholder="Find (Enter, Shift+Enter)"
            aria-label="Find in terminal"
            onKeyDown={find}
          />
        </Show>
        <Slot def={TerminalToolbar} props={{ terminal: handle }} inline class="an-terminal__slot" />
        <span class="an-terminal__locks" data-testid="terminal-locks">
          <For each={MODULE_FEATURES.filter((f) => !present().has(f.module))}>{(f) => <Lock module={f.module} variant="inline" label={f.label} />}</For>
        </span>
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
        keyed
        fallback={<TerminalPane paneKey="main" {...(hostId() !== undefined && { request: { hostId: hostId() as string } })} focused onHandle={setFocused} />}
      >
        {(c) => (
          <c.Component
            plugin={c.plugin}
            contribution={c.contribution}
            Pane={TerminalPane}
            initialHostId={hostId}
            onOpen={(listener: (request: OpenSessionRequest) => void) => {
              openInLayout = listener;
            }}
            setFocusedPane={setFocused}
          />
        )}
      </Show>
    </section>
  );
}
