import { Lock, pluginApi, Slot, type SlotProps } from "@archnest/sdk/web";
import { createResource, createSignal, For, type JSX, Match, onCleanup, onMount, Show, Switch } from "solid-js";
import type { SessionStatus, TerminalStatus } from "../protocol/index.js";
import type { TerminalHost, TerminalLimit } from "../server.js";
import { createTerminal, type RendererKind, type TerminalView } from "./create-terminal.js";
import { PAGE_CSS } from "./page-css.js";
import { type TerminalHandle, TerminalToolbar } from "./slots.js";
import { sessionUrl, TerminalClient } from "./terminal-client.js";

const api = pluginApi("terminal");

/** Where the session is, as the status bar and the banner show it. */
type Phase =
  | { kind: "idle" }
  | { kind: "connecting" }
  | { kind: "connected" }
  /** The shell ended normally (exit, logout). */
  | { kind: "ended"; message: string }
  /** The SSH connection or the host dropped. */
  | { kind: "lost"; message: string }
  /** A free limit stops this session (before connecting, or refused by the host): the lock, not an error. */
  | { kind: "locked"; module: string; message: string }
  | { kind: "error"; code: string; message: string };

/** Why a second session waits for the lock: the same words whether the page or the host noticed first. */
const LOCKED_MESSAGE = "The free core runs one terminal at a time. Close the other terminal, or unlock more panes and tabs.";
/** Host key codes the fix of which is in Settings → Integrations (trust the key, or accept a changed one). */
const KEY_CODES = new Set(["HOST_ERR_HOST_KEY_UNTRUSTED", "HOST_ERR_HOST_KEY_CHANGED"]);

/** What the browser tests read through `window.__archnestTerminal`. */
export interface TerminalTestHook {
  /** The visible buffer and scrollback, one string per line, trailing blanks trimmed. */
  lines(): string[];
  phase(): string;
  size(): { cols: number; rows: number };
  renderer(): RendererKind;
  stats(): TerminalClient["stats"] | undefined;
  /** Calls `listener` with every output chunk as it is handed to xterm.js; returns an unsubscribe. */
  tap(listener: (chunk: Uint8Array) => void): () => void;
  /** Types into the session as a person would. */
  input(data: string): void;
}

declare global {
  interface Window {
    __archnestTerminal?: TerminalTestHook;
  }
}

function hostFromUrl(): string | undefined {
  return new URLSearchParams(window.location.search).get("host") ?? undefined;
}

/** The Terminal page: pick a host, get a shell. One session at a time in the free core. */
export function TerminalPage(_props: SlotProps): JSX.Element {
  const [hosts] = createResource(async () => (await api<{ hosts: TerminalHost[] }>("/hosts")).hosts);
  const [hostId, setHostId] = createSignal<string | undefined>(hostFromUrl());
  const [phase, setPhase] = createSignal<Phase>({ kind: "idle" });
  const [latency, setLatency] = createSignal<number>();
  const [renderer, setRenderer] = createSignal<RendererKind>("dom");
  const [size, setSize] = createSignal({ cols: 80, rows: 24 });
  const [searching, setSearching] = createSignal(false);
  const [connectedHost, setConnectedHost] = createSignal<{ name: string; user: string; address: string }>();
  /** The server's `session` document: the id toolbar contributions act on, and the recording dot. */
  const [session, setSession] = createSignal<SessionStatus>();

  let container!: HTMLDivElement;
  let searchInput: HTMLInputElement | undefined;
  let view: TerminalView | undefined;
  let client: TerminalClient | undefined;
  const taps = new Set<(chunk: Uint8Array) => void>();

  const host = () => hosts()?.find((h) => h.id === hostId());

  const connect = () => {
    const id = hostId();
    if (!view || !id) return;
    client?.close();
    const term = view.term;
    term.reset();
    setLatency(undefined);
    setSession(undefined);
    setPhase({ kind: "connecting" });
    let final: TerminalStatus | undefined;
    const current: TerminalClient = new TerminalClient({
      url: sessionUrl(window.location, id, term.cols, term.rows),
      onOutput(data, rendered) {
        for (const t of taps) t(data);
        term.write(data, rendered);
      },
      onStatus(status) {
        if (client !== current) return;
        if (status.state === "connecting") setPhase({ kind: "connecting" });
        else if (status.state === "connected") {
          setConnectedHost(status.host);
          setPhase({ kind: "connected" });
          // The size may have changed while the connection was set up.
          current.resize(term.cols, term.rows);
          term.focus();
        } else if (status.state === "session") setSession(status);
        else final = status;
      },
      onClose({ code, reason }) {
        if (client !== current) return;
        setLatency(undefined);
        if (final?.state === "error" && final.module !== undefined) {
          setPhase({ kind: "locked", module: final.module, message: final.message });
        } else if (final?.state === "error") {
          setPhase({ kind: "error", code: final.code, message: final.message });
        } else if (final?.state === "closed" && final.reason !== "disconnected") {
          setPhase({ kind: "ended", message: final.message });
        } else {
          setPhase({ kind: "lost", message: final?.state === "closed" ? final.message : reason || `The connection closed (${code}).` });
        }
      },
      onLatency: (ms) => setLatency(ms),
    });
    client = current;
  };

  const handle: TerminalHandle = {
    hostId,
    sessionId: () => (phase().kind === "connected" ? session()?.id : undefined),
    connected: () => phase().kind === "connected",
    input: (data) => client?.input(data),
    focus: () => view?.term.focus(),
    open: (request) => {
      pick(request.hostId);
      connect();
    },
  };

  onMount(() => {
    const v = createTerminal(container);
    view = v;
    setRenderer(v.renderer());
    v.onRendererChange(setRenderer);
    v.term.onData((data) => client?.input(data));
    v.term.onBinary((data) => client?.input(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
    v.term.onResize(({ cols, rows }) => {
      setSize({ cols, rows });
      client?.resize(cols, rows);
    });
    // Fit on every container resize (window, sidebar, split panes), at most once per frame.
    let frame = 0;
    const observer = new ResizeObserver(() => {
      cancelAnimationFrame(frame);
      frame = requestAnimationFrame(() => {
        if (container.clientWidth > 0 && container.clientHeight > 0) v.fit.fit();
      });
    });
    observer.observe(container);
    v.fit.fit();
    setSize({ cols: v.term.cols, rows: v.term.rows });

    window.__archnestTerminal = {
      lines() {
        const buf = v.term.buffer.active;
        const out: string[] = [];
        for (let i = 0; i < buf.length; i++) out.push(buf.getLine(i)?.translateToString(true) ?? "");
        return out;
      },
      phase: () => phase().kind,
      size: () => ({ cols: v.term.cols, rows: v.term.rows }),
      renderer: () => v.renderer(),
      stats: () => client && { ...client.stats },
      tap(listener) {
        taps.add(listener);
        return () => taps.delete(listener);
      },
      input: (data) => client?.input(data),
    };

    // A session elsewhere may already use the free limit: show the lock instead of trying and failing.
    void (async () => {
      const limit = await api<{ limit?: TerminalLimit }>("/sessions").then(
        (r) => r.limit,
        () => undefined,
      );
      if (!view) return;
      if (limit && limit.cap !== null && limit.count >= limit.cap) setPhase({ kind: "locked", module: limit.module, message: LOCKED_MESSAGE });
      else if (hostId()) connect();
    })();

    onCleanup(() => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      client?.close();
      client = undefined;
      v.dispose();
      view = undefined;
      delete window.__archnestTerminal;
    });
  });

  const pick = (id: string) => {
    setHostId(id || undefined);
    const url = new URL(window.location.href);
    if (id) url.searchParams.set("host", id);
    else url.searchParams.delete("host");
    window.history.replaceState(window.history.state, "", url);
  };

  const paste = async () => {
    const text = await navigator.clipboard?.readText().catch(() => "");
    if (text) view?.term.paste(text);
    view?.term.focus();
  };

  const find = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      setSearching(false);
      view?.search.clearDecorations();
      view?.term.focus();
      return;
    }
    if (e.key !== "Enter" || !searchInput?.value) return;
    if (e.shiftKey) view?.search.findPrevious(searchInput.value);
    else view?.search.findNext(searchInput.value);
  };

  const stateText = () => {
    const p = phase();
    switch (p.kind) {
      case "idle":
        return "Not connected";
      case "connecting":
        return "Connecting…";
      case "connected":
        return "Connected";
      case "ended":
        return "Session ended";
      case "lost":
        return "Disconnected";
      case "locked":
        return "Free limit reached";
      case "error":
        return "Could not connect";
    }
  };
  const dot = () =>
    ({
      connected: "dot--success",
      connecting: "dot--warning",
      idle: "dot--muted",
      ended: "dot--muted",
      lost: "dot--danger",
      locked: "dot--muted",
      error: "dot--danger",
    })[phase().kind];

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
        <button type="button" class="btn btn--accent btn--sm" disabled={!hostId() || phase().kind === "connecting"} onClick={connect}>
          {phase().kind === "connected" ? "Reconnect" : "Connect"}
        </button>
        <button type="button" class="btn btn--ghost btn--sm" onClick={() => view?.copySelection()} title="Copy the selection (Ctrl+Shift+C)">
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

      <Switch>
        <Match when={phase().kind === "lost"}>
          <div class="an-terminal__banner an-terminal__banner--danger" role="alert" data-testid="terminal-lost">
            <strong>Connection lost</strong>
            <span class="muted">{(phase() as { message: string }).message}</span>
            <button type="button" class="btn btn--sm" onClick={connect}>
              Reconnect
            </button>
          </div>
        </Match>
        <Match when={phase().kind === "ended"}>
          <div class="an-terminal__banner" role="status">
            <span>{(phase() as { message: string }).message}</span>
            <button type="button" class="btn btn--sm" onClick={connect}>
              Reconnect
            </button>
          </div>
        </Match>
        <Match when={phase().kind === "locked" && (phase() as { module: string }).module}>
          {(module) => <Lock module={module()} reason={(phase() as { message: string }).message} />}
        </Match>
        <Match when={phase().kind === "error"}>
          <div class="an-terminal__banner an-terminal__banner--danger" role="alert" data-testid="terminal-error">
            <strong>Could not connect</strong>
            <span class="muted">{(phase() as { message: string }).message}</span>
            <code class="small">{(phase() as { code: string }).code}</code>
            <Show when={KEY_CODES.has((phase() as { code: string }).code)}>
              <a class="btn btn--sm" href="/settings/integrations">
                Review the host key
              </a>
            </Show>
            <button type="button" class="btn btn--sm" onClick={connect}>
              Try again
            </button>
          </div>
        </Match>
      </Switch>

      <div class="an-terminal__screen" ref={container} data-testid="terminal-screen" />

      <footer class="an-terminal__status" aria-live="polite">
        <span class={`dot ${dot()}`} aria-hidden="true" />
        <span data-testid="terminal-state">{stateText()}</span>
        <Show when={connectedHost() ?? host()}>{(h) => <span class="mono">{`${h().user}@${h().address}`}</span>}</Show>
        <Show when={latency() !== undefined}>
          <span title="Round trip from this page to the ArchNest host">{`${latency()?.toFixed(0)} ms`}</span>
        </Show>
        <span class="an-terminal__spacer" />
        <Show when={phase().kind === "connected" && session()?.recording}>
          <span class="row row--tight" data-testid="terminal-recording" title="This session is being recorded">
            <span class="dot dot--danger" aria-hidden="true" />
            Recording
          </span>
        </Show>
        <span>{`${size().cols}×${size().rows}`}</span>
        <span title="xterm.js renderer">{renderer() === "webgl" ? "WebGL" : "DOM"}</span>
      </footer>
    </section>
  );
}
