/**
 * One terminal pane: an xterm.js view bound to one session, with its own banners (lost, ended, locked,
 * error, view-only), status bar and reconnect. The page renders one; a layout (multi-pane) renders as many
 * as it likes, each with its own `paneKey`, under which a persistent session is remembered so a reload or a
 * reopened tab reattaches the same session to the same pane.
 */
import { Lock, pluginApi, useShell } from "@archnest/sdk/web";
import { createSignal, type JSX, Match, onCleanup, onMount, Show, Switch } from "solid-js";
import type { SessionStatus, TerminalStatus } from "../protocol/index.js";
import type { TerminalLimit } from "../server.js";
import { createTerminal, type RendererKind, type TerminalView } from "./create-terminal.js";
import type { OpenSessionRequest, PaneHandle, PaneProps } from "./slots.js";
import { sessionUrl, TerminalClient } from "./terminal-client.js";

const api = pluginApi("terminal");

/** Where the session is, as the status bar and the banner show it. */
export type Phase =
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
/** The server no longer has the remembered session (it ended, or ran out its idle time). */
const SESSION_GONE = "TERMINAL_ERR_SESSION_NOT_FOUND";

/** What the browser tests read through `window.__archnestTerminal` (the focused pane) and `__archnestTerminals`. */
export interface TerminalTestHook {
  /** The visible buffer and scrollback, one string per line, trailing blanks trimmed. */
  lines(): string[];
  phase(): string;
  size(): { cols: number; rows: number };
  renderer(): RendererKind;
  stats(): TerminalClient["stats"] | undefined;
  /** The server's latest `session` document. */
  session(): SessionStatus | undefined;
  /** Calls `listener` with every output chunk as it is handed to xterm.js; returns an unsubscribe. */
  tap(listener: (chunk: Uint8Array) => void): () => void;
  /** Types into the session as a person would. */
  input(data: string): void;
}

declare global {
  interface Window {
    __archnestTerminal?: TerminalTestHook;
    __archnestTerminals?: Record<string, TerminalTestHook>;
  }
}

/** The page's extras on a pane's handle: what its toolbar does to the focused pane. */
export interface PaneControls extends PaneHandle {
  copySelection(): void;
  paste(text: string): void;
  find(text: string, backwards: boolean): void;
  clearFind(): void;
  testHook(): TerminalTestHook;
}

interface Remembered {
  sessionId: string;
  hostId: string;
}

/** localStorage keeps a persistent session per signed-in person and pane. */
function memoryKey(paneKey: string): string {
  let user = "anonymous";
  try {
    user = useShell().user()?.id ?? user;
  } catch {
    // Outside the shell (a plain test page) there is no person to key on.
  }
  return `archnest.terminal.${user}.${paneKey}`;
}

function recall(key: string): Remembered | undefined {
  try {
    const v = JSON.parse(localStorage.getItem(key) ?? "null") as Partial<Remembered> | null;
    return typeof v?.sessionId === "string" && typeof v.hostId === "string" ? { sessionId: v.sessionId, hostId: v.hostId } : undefined;
  } catch {
    return undefined;
  }
}

export function TerminalPane(props: PaneProps): JSX.Element {
  const [phase, setPhase] = createSignal<Phase>({ kind: "idle" });
  const [latency, setLatency] = createSignal<number>();
  const [renderer, setRenderer] = createSignal<RendererKind>("dom");
  const [size, setSize] = createSignal({ cols: 80, rows: 24 });
  const [request, setRequest] = createSignal<OpenSessionRequest | undefined>(props.request);
  const [connectedHost, setConnectedHost] = createSignal<{ name: string; user: string; address: string }>();
  /** The server's `session` document: writer or view-only, persistent, recording. */
  const [session, setSession] = createSignal<SessionStatus>();
  const memory = memoryKey(props.paneKey);

  let container!: HTMLDivElement;
  let view: TerminalView | undefined;
  let client: TerminalClient | undefined;
  const taps = new Set<(chunk: Uint8Array) => void>();

  const writer = () => session()?.writer !== false;

  const connect = (req: OpenSessionRequest | undefined = request()) => {
    if (!view || !req?.hostId) return;
    client?.close();
    setRequest(req);
    const term = view.term;
    term.reset();
    setLatency(undefined);
    setSession(undefined);
    setPhase({ kind: "connecting" });
    let final: TerminalStatus | undefined;
    const current: TerminalClient = new TerminalClient({
      url: sessionUrl(window.location, req.hostId, term.cols, term.rows, {
        ...(req.command !== undefined && { command: req.command }),
        ...(req.attach !== undefined && { attach: req.attach }),
      }),
      onOutput(data, rendered) {
        for (const t of taps) t(data);
        term.write(data, rendered);
      },
      onStatus(status) {
        if (client !== current) return;
        if (status.state === "connecting") setPhase({ kind: "connecting" });
        else if (status.state === "connected") {
          setConnectedHost(status.host);
          props.onTitle?.(req.title ?? status.host.name);
          setPhase({ kind: "connected" });
          // The size may have changed while the connection was set up.
          current.resize(term.cols, term.rows);
          if (props.focused) term.focus();
        } else if (status.state === "session") {
          setSession(status);
          if (status.persistent) localStorage.setItem(memory, JSON.stringify({ sessionId: status.id, hostId: req.hostId } satisfies Remembered));
          else localStorage.removeItem(memory);
        } else final = status;
      },
      onClose({ code, reason }) {
        if (client !== current) return;
        setLatency(undefined);
        if (final?.state === "error" && final.code === SESSION_GONE && req.attach) {
          // The remembered session is gone: start afresh on the same host.
          localStorage.removeItem(memory);
          const { attach: _gone, ...fresh } = req;
          connect(fresh);
          return;
        }
        if (final?.state !== undefined && final.state !== "error") localStorage.removeItem(memory);
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

  /** Reconnecting after a loss reattaches when the session was persistent. */
  const reconnect = () => {
    const kept = recall(memory);
    const req = request();
    if (kept && req && kept.hostId === req.hostId) connect({ ...req, attach: kept.sessionId });
    else if (req) {
      const { attach: _old, ...fresh } = req;
      connect(fresh);
    }
  };

  const send = (data: string | Uint8Array) => {
    if (writer()) client?.input(data);
  };

  const hook: TerminalTestHook = {
    lines() {
      const buf = view?.term.buffer.active;
      const out: string[] = [];
      if (!buf) return out;
      for (let i = 0; i < buf.length; i++) out.push(buf.getLine(i)?.translateToString(true) ?? "");
      return out;
    },
    phase: () => phase().kind,
    size: () => ({ cols: view?.term.cols ?? 0, rows: view?.term.rows ?? 0 }),
    renderer: () => view?.renderer() ?? "dom",
    stats: () => client && { ...client.stats },
    session,
    tap(listener) {
      taps.add(listener);
      return () => taps.delete(listener);
    },
    input: (data) => send(data),
  };

  const handle: PaneControls = {
    hostId: () => request()?.hostId,
    sessionId: () => (phase().kind === "connected" ? session()?.id : undefined),
    connected: () => phase().kind === "connected",
    phase: () => phase().kind,
    input: (data) => send(data),
    send,
    focus: () => view?.term.focus(),
    open: (req) => connect(req),
    close() {
      localStorage.removeItem(memory);
      client?.close();
      client = undefined;
      setPhase({ kind: "idle" });
    },
    copySelection: () => view?.copySelection(),
    paste(text) {
      view?.term.paste(text);
      view?.term.focus();
    },
    find(text, backwards) {
      if (backwards) view?.search.findPrevious(text);
      else view?.search.findNext(text);
    },
    clearFind: () => view?.search.clearDecorations(),
    testHook: () => hook,
  };

  onMount(() => {
    const v = createTerminal(container);
    view = v;
    setRenderer(v.renderer());
    v.onRendererChange(setRenderer);
    const typed = (data: string | Uint8Array) => {
      props.onInput?.(data);
      send(data);
    };
    v.term.onData((data) => typed(data));
    v.term.onBinary((data) => typed(Uint8Array.from(data, (c) => c.charCodeAt(0) & 0xff)));
    v.term.onResize(({ cols, rows }) => {
      setSize({ cols, rows });
      if (writer()) client?.resize(cols, rows);
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
    window.__archnestTerminals = { ...window.__archnestTerminals, [props.paneKey]: hook };
    props.onHandle?.(handle);

    void (async () => {
      const kept = recall(memory);
      const req = props.request;
      if (req?.attach) connect(req);
      else if (kept && (!req || req.hostId === kept.hostId)) connect({ ...req, hostId: kept.hostId, attach: kept.sessionId });
      else if (req?.hostId) {
        // A session elsewhere may already use the free limit: show the lock instead of trying and failing.
        const limit = await api<{ limit?: TerminalLimit }>("/sessions").then(
          (r) => r.limit,
          () => undefined,
        );
        if (!view) return;
        if (limit && limit.cap !== null && limit.count >= limit.cap) setPhase({ kind: "locked", module: limit.module, message: LOCKED_MESSAGE });
        else connect(req);
      }
    })();

    onCleanup(() => {
      observer.disconnect();
      cancelAnimationFrame(frame);
      client?.close();
      client = undefined;
      v.dispose();
      view = undefined;
      if (window.__archnestTerminals?.[props.paneKey] === hook) delete window.__archnestTerminals[props.paneKey];
    });
  });

  const stateText = () => {
    const p = phase();
    switch (p.kind) {
      case "idle":
        return "Not connected";
      case "connecting":
        return "Connecting…";
      case "connected":
        return writer() ? "Connected" : "Connected · view only";
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
    <div
      class="an-terminal__pane"
      classList={{ "an-terminal__pane--focused": props.focused }}
      data-testid="terminal-pane"
      data-pane={props.paneKey}
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
            <Show when={props.onClosed}>
              <button type="button" class="btn btn--ghost btn--sm" onClick={() => props.onClosed?.()}>
                Close pane
              </button>
            </Show>
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
        <Match when={phase().kind === "connected" && !writer()}>
          <div class="an-terminal__banner" role="status" data-testid="terminal-view-only">
            <strong class="an-terminal__viewonly">View only</strong>
            <span class="muted">Another tab types in this session. Your keys are not sent.</span>
            <button type="button" class="btn btn--accent btn--sm" onClick={() => client?.takeover()}>
              Take over
            </button>
          </div>
        </Match>
      </Switch>

      <div class="an-terminal__screen" ref={container} data-testid="terminal-screen" />

      <footer class="an-terminal__status" aria-live="polite">
        <span class={`dot ${dot()}`} aria-hidden="true" />
        <span data-testid="terminal-state">{stateText()}</span>
        <Show when={connectedHost()}>{(h) => <span class="mono an-terminal__where">{`${h().user}@${h().address}`}</span>}</Show>
        <Show when={latency() !== undefined}>
          <span title="Round trip from this page to the ArchNest host">{`${latency()?.toFixed(0)} ms`}</span>
        </Show>
        <span class="an-terminal__spacer" />
        <Show when={phase().kind === "connected" && session()?.recording}>
          <span class="row row--tight an-terminal__rec" data-testid="terminal-recording" title="This session is being recorded">
            <span class="dot dot--danger" aria-hidden="true" />
            Recording
          </span>
        </Show>
        <Show when={session()?.persistent && phase().kind === "connected"}>
          <span title="This session keeps running when you leave the page">Kept</span>
        </Show>
        <span>{`${size().cols}×${size().rows}`}</span>
        <span title="xterm.js renderer">{renderer() === "webgl" ? "WebGL" : "DOM"}</span>
      </footer>
    </div>
  );
}
