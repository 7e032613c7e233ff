import { apiFetch, Lock, pluginApi, useShell } from "@archnest/sdk/web";
import { createEffect, createResource, createSignal, For, type JSX, Match, on, onCleanup, onMount, Show, Switch } from "solid-js";
import type { SessionStatus, TerminalStatus } from "../protocol/index.js";
import type { TerminalHost, TerminalLimit } from "../server.js";
import { createTerminal, type RendererKind, type TerminalView } from "./create-terminal.js";
import { type PaneSessionStore, paneSessionStore } from "./pane-session-store.js";
import type { OpenSessionRequest, PaneHandle, PaneProps } from "./slots.js";
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

/** Why a second session waits for the lock: the same words whether the pane or the host noticed first. */
const LOCKED_MESSAGE = "The free core runs one terminal at a time. Close the other terminal, or unlock more panes and tabs.";
/** Host key codes the fix of which is in Settings → Integrations (trust the key, or accept a changed one). */
const KEY_CODES = new Set(["HOST_ERR_HOST_KEY_UNTRUSTED", "HOST_ERR_HOST_KEY_CHANGED"]);
const SESSION_NOT_FOUND = "TERMINAL_ERR_SESSION_NOT_FOUND";

/** What the browser tests read through `window.__archnestTerminal` (the focused pane) and `__archnestPanes`. */
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
  /** The server's latest `session` document. */
  session(): SessionStatus | undefined;
}

declare global {
  interface Window {
    __archnestTerminal?: TerminalTestHook;
    /** Every mounted pane's hook by its `paneKey`. */
    __archnestPanes?: Record<string, TerminalTestHook>;
  }
}

/** What the page's own toolbar does to the focused pane, beyond the {@link PaneHandle} contract. */
export interface PaneTools {
  copySelection(): void;
  paste(): Promise<void>;
  find(text: string, backwards: boolean): void;
  clearFind(): void;
  /** Connects again: reattaches a kept session, or opens the pane's request anew. */
  reconnect(): void;
}

const tools = new WeakMap<PaneHandle, PaneTools>();

/** The page-toolbar tools of a pane handle the terminal's own pane produced. */
export function paneTools(handle: PaneHandle | undefined): PaneTools | undefined {
  return handle && tools.get(handle);
}

/** The terminal's pane, as the page uses it: a layout gets it as `Component<PaneProps>`. */
export interface TerminalPaneProps extends PaneProps {
  /** Shows a host picker inside the pane while it has nothing to open (a layout's panes); the single page picks in its toolbar. */
  hostPicker?: boolean;
  /** The host was picked inside the pane. */
  onPick?(hostId: string): void;
}

/**
 * One xterm.js view bound to one session, with its own status bar, banners and reconnect. A pane whose
 * last `session` document said `persistent` remembers the session under its `paneKey`, so mounting the
 * same key again (a reload) reattaches to it.
 */
export function TerminalPane(props: TerminalPaneProps): JSX.Element {
  const [phase, setPhase] = createSignal<Phase>({ kind: "idle" });
  const [latency, setLatency] = createSignal<number>();
  const [renderer, setRenderer] = createSignal<RendererKind>("dom");
  const [size, setSize] = createSignal({ cols: 80, rows: 24 });
  const [connectedHost, setConnectedHost] = createSignal<{ id: string; name: string; user: string; address: string }>();
  /** The server's `session` document: the session's id, writer, persistence and recording. */
  const [session, setSession] = createSignal<SessionStatus>();
  const [current, setCurrent] = createSignal<OpenSessionRequest>();
  const [hosts] = createResource(
    () => props.hostPicker !== false,
    async () => (await api<{ hosts: TerminalHost[] }>("/hosts")).hosts,
  );
  const [picked, setPicked] = createSignal("");

  let container!: HTMLDivElement;
  let view: TerminalView | undefined;
  let client: TerminalClient | undefined;
  const taps = new Set<(chunk: Uint8Array) => void>();
  let store: PaneSessionStore | undefined;

  const viewOnly = () => phase().kind === "connected" && session()?.writer === false;

  const send = (data: string | Uint8Array) => {
    if (!viewOnly()) client?.input(data);
  };

  const connect = (request: OpenSessionRequest) => {
    if (!view) return;
    client?.close();
    const term = view.term;
    // A replay (attach) paints the session's screen from its kept output: start from a blank one.
    term.reset();
    setCurrent(request);
    setLatency(undefined);
    setSession(undefined);
    setPhase({ kind: "connecting" });
    if (request.title) props.onTitle?.(request.title);
    let final: TerminalStatus | undefined;
    const options = { ...(request.command !== undefined && { command: request.command }), ...(request.attach !== undefined && { attach: request.attach }) };
    const next: TerminalClient = new TerminalClient({
      url: sessionUrl(window.location, request.hostId, term.cols, term.rows, options),
      onOutput(data, rendered) {
        for (const t of taps) t(data);
        term.write(data, rendered);
      },
      onStatus(status) {
        if (client !== next) return;
        if (status.state === "connecting") setPhase({ kind: "connecting" });
        else if (status.state === "connected") {
          setConnectedHost(status.host);
          if (!request.title) props.onTitle?.(status.host.name);
          setPhase({ kind: "connected" });
          // The size may have changed while the connection was set up.
          next.resize(term.cols, term.rows);
          if (props.focused) term.focus();
        } else if (status.state === "session") {
          setSession(status);
          if (status.persistent)
            store?.save({ sessionId: status.id, hostId: request.hostId, ...(request.command !== undefined && { command: request.command }) });
          else store?.forget();
        } else final = status;
      },
      onClose({ code, reason }) {
        if (client !== next) return;
        setLatency(undefined);
        if (final?.state === "error" && final.code === SESSION_NOT_FOUND && request.attach) {
          // The kept session ended meanwhile: forget it and give the pane a fresh one.
          store?.forget();
          const { attach: _gone, ...fresh } = request;
          connect(fresh);
          return;
        }
        if (final) store?.forget();
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
    client = next;
  };

  /** Reattaches the session kept for this pane, if any; otherwise opens the request anew. */
  const reconnect = () => {
    const request = current() ?? props.request;
    if (!request) return;
    const kept = store?.load();
    const { attach: _old, ...base } = request;
    connect(kept && kept.hostId === request.hostId ? { ...base, attach: kept.sessionId } : base);
  };

  const handle: PaneHandle = {
    hostId: () => current()?.hostId,
    sessionId: () => (phase().kind === "connected" ? session()?.id : undefined),
    connected: () => phase().kind === "connected",
    input: send,
    focus: () => view?.term.focus(),
    open: connect,
    phase: () => phase().kind,
    send,
    close() {
      const id = session()?.id;
      const persistent = session()?.persistent === true;
      store?.forget();
      client?.close();
      client = undefined;
      setSession(undefined);
      setPhase({ kind: "idle" });
      // Leaving a persistent session's socket only detaches it: end it on the server too.
      if (id && persistent) void apiFetch(`/api/plugins/terminal/sessions/${encodeURIComponent(id)}`, { method: "DELETE" }).catch(() => undefined);
      props.onClosed?.();
    },
  };
  tools.set(handle, {
    copySelection: () => view?.copySelection(),
    async paste() {
      const text = await navigator.clipboard?.readText().catch(() => "");
      if (text) view?.term.paste(text);
      view?.term.focus();
    },
    find(text, backwards) {
      if (backwards) view?.search.findPrevious(text);
      else view?.search.findNext(text);
    },
    clearFind: () => view?.search.clearDecorations(),
    reconnect,
  });

  onMount(() => {
    const user = useShell().user();
    store = user ? paneSessionStore(user.id, props.paneKey) : undefined;
    const v = createTerminal(container);
    view = v;
    setRenderer(v.renderer());
    v.onRendererChange(setRenderer);
    const typed = (data: string | Uint8Array) => {
      props.onInput?.(data);
      send(data);
    };
    v.term.onData(typed);
    v.term.onBinary((data) => typed(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
    v.term.onResize(({ cols, rows }) => {
      setSize({ cols, rows });
      if (!viewOnly()) client?.resize(cols, rows);
    });
    v.term.textarea?.addEventListener("focus", () => props.onFocus?.());
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

    const hook: TerminalTestHook = {
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
      input: (data) => send(data),
      session,
    };
    window.__archnestPanes = { ...window.__archnestPanes, [props.paneKey]: hook };
    createEffect(() => {
      if (props.focused) window.__archnestTerminal = hook;
    });
    props.onHandle?.(handle);

    // A session elsewhere may already use the free limit: show the lock instead of trying and failing.
    void (async () => {
      const kept = store?.load();
      const request = props.request;
      if (kept && (!request || (request.hostId === kept.hostId && !request.attach))) {
        connect({ ...request, hostId: kept.hostId, attach: kept.sessionId, ...(kept.command !== undefined && { command: kept.command }) });
        return;
      }
      const limit = await api<{ limit?: TerminalLimit }>("/sessions").then(
        (r) => r.limit,
        () => undefined,
      );
      if (!view) return;
      if (limit && limit.cap !== null && limit.count >= limit.cap) setPhase({ kind: "locked", module: limit.module, message: LOCKED_MESSAGE });
      else if (request) connect(request);
    })();

    onCleanup(() => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      client?.close();
      client = undefined;
      v.dispose();
      view = undefined;
      if (window.__archnestPanes?.[props.paneKey] === hook) delete window.__archnestPanes[props.paneKey];
      if (window.__archnestTerminal === hook) delete window.__archnestTerminal;
    });
  });

  // A new request (the page's Connect, a toolbar's open) replaces the pane's session.
  createEffect(
    on(
      () => props.request,
      (request) => {
        // The same request again (a layout re-rendering, or saving the host it learnt) keeps the session,
        // and so does one without `attach` while the pane shows a session it reattached on that host.
        const now = current();
        const same =
          now && now.hostId === request?.hostId && now.command === request.command && (request.attach === undefined || now.attach === request.attach);
        if (!request || !view || same) return;
        connect(request);
      },
      { defer: true },
    ),
  );
  createEffect(() => {
    if (props.focused) view?.term.focus();
  });

  const stateText = () => {
    const p = phase();
    switch (p.kind) {
      case "idle":
        return "Not connected";
      case "connecting":
        return "Connecting…";
      case "connected":
        return viewOnly() ? "View only" : "Connected";
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

  const openPicked = () => {
    const id = picked();
    if (!id) return;
    props.onPick?.(id);
    connect({ hostId: id });
  };

  return (
    <div
      class="an-pane"
      classList={{ "an-pane--focused": props.focused }}
      data-testid="terminal-pane"
      data-pane-key={props.paneKey}
      onPointerDown={() => props.onFocus?.()}
    >
      <Switch>
        <Match when={phase().kind === "lost"}>
          <div class="an-terminal__banner an-terminal__banner--danger" role="alert" data-testid="terminal-lost">
            <strong>Connection lost</strong>
            <span class="muted">{(phase() as { message: string }).message}</span>
            <button type="button" class="btn btn--sm" onClick={reconnect}>
              Reconnect
            </button>
          </div>
        </Match>
        <Match when={phase().kind === "ended"}>
          <div class="an-terminal__banner" role="status">
            <span>{(phase() as { message: string }).message}</span>
            <button type="button" class="btn btn--sm" onClick={reconnect}>
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
            <button type="button" class="btn btn--sm" onClick={reconnect}>
              Try again
            </button>
          </div>
        </Match>
        <Match when={viewOnly()}>
          <div class="an-terminal__banner an-terminal__banner--info" role="status" data-testid="terminal-view-only">
            <strong>View only</strong>
            <span class="muted">Another window types into this session; what you type here is not sent.</span>
            <button type="button" class="btn btn--sm" onClick={() => client?.takeover()}>
              Take over
            </button>
          </div>
        </Match>
      </Switch>

      <div class="an-pane__body">
        <div class="an-terminal__screen" data-testid="terminal-screen">
          {/* xterm's fit sizes the grid to its parent's box: an unpadded parent, so the padding and border
              around it never count as rows (full-screen programs such as tmux and vim would lose their last line). */}
          <div class="an-terminal__mount" ref={container} />
        </div>
        <Show when={phase().kind === "connected" && session()?.recording}>
          <span class="an-pane__rec" data-testid="terminal-recording" title="This session is being recorded">
            <span class="dot dot--danger" aria-hidden="true" />
            REC
          </span>
        </Show>
        <Show when={props.hostPicker !== false && phase().kind === "idle" && !props.request}>
          <form
            class="an-pane__picker card"
            data-testid="pane-host-picker"
            onSubmit={(e) => {
              e.preventDefault();
              openPicked();
            }}
          >
            <label class="muted small" for={`pick-${props.paneKey}`}>
              Open a shell on
            </label>
            <select
              id={`pick-${props.paneKey}`}
              aria-label="SSH host for this pane"
              onChange={(e) => setPicked(e.currentTarget.value)}
              disabled={!hosts()?.length}
            >
              <option value="">{hosts.loading ? "Loading hosts…" : hosts()?.length ? "Choose a host…" : "No SSH hosts yet"}</option>
              <For each={hosts() ?? []}>{(h) => <option value={h.id}>{`${h.name} (${h.user}@${h.address})`}</option>}</For>
            </select>
            <button type="submit" class="btn btn--accent btn--sm" disabled={!picked()}>
              Connect
            </button>
          </form>
        </Show>
      </div>

      <footer class="an-terminal__status" aria-live="polite">
        <span class={`dot ${dot()}`} aria-hidden="true" />
        <span data-testid="terminal-state">{stateText()}</span>
        <Show when={connectedHost()}>{(h) => <span class="mono an-pane__where">{`${h().user}@${h().address}`}</span>}</Show>
        <Show when={latency() !== undefined}>
          <span title="Round trip from this page to the ArchNest host">{`${latency()?.toFixed(0)} ms`}</span>
        </Show>
        <span class="an-terminal__spacer" />
        <span>{`${size().cols}×${size().rows}`}</span>
        <span class="an-pane__renderer" title="xterm.js renderer">
          {renderer() === "webgl" ? "WebGL" : "DOM"}
        </span>
      </footer>
    </div>
  );
}
