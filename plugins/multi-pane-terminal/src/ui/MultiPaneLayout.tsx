import { pluginApi } from "@archnest/sdk/web";
import type { OpenSessionRequest, PaneHandle, TerminalLayoutProps } from "@archnest/terminal/slots";
import { batch, createEffect, createSignal, For, type JSX, onCleanup, onMount, Show } from "solid-js";
import { createStore, produce, reconcile } from "solid-js/store";
import { clampShare, type Layout, type LayoutTab, newKey, newTab, type PaneRequest, type Split, splitFor } from "../layout/index.js";
import type { LayoutBody } from "../server.js";
import { LAYOUT_CSS } from "./layout-css.js";
import { SHORTCUTS, shortcutOf } from "./shortcuts.js";

const api = pluginApi("multi-pane-terminal");
/** Saves wait for a quiet spell so a splitter drag is one write, not hundreds. */
const SAVE_DELAY_MS = 400;
const KEY_STEP = 0.05;

function toPaneRequest(r: OpenSessionRequest): PaneRequest {
  return { hostId: r.hostId, ...(r.command !== undefined && { command: r.command }) };
}

/** The terminal's layout: tabs, each split into 1, 2 or 4 panes, with broadcast input. */
export function MultiPaneLayout(props: TerminalLayoutProps): JSX.Element {
  const [layout, setLayout] = createStore<Layout>({ version: 1, tabs: [], active: "" });
  const [ready, setReady] = createSignal(false);
  const [handles, setHandles] = createSignal<Record<string, PaneHandle>>({});
  const [titles, setTitles] = createSignal<Record<string, string>>({});
  /** Attach ids handed to `open()` go to the pane once; the saved layout never carries them. */
  const [attach, setAttach] = createSignal<Record<string, string>>({});
  const [renaming, setRenaming] = createSignal<string>();
  const [broadcast, setBroadcast] = createSignal(false);
  const [targets, setTargets] = createSignal<ReadonlySet<string>>(new Set());
  const [help, setHelp] = createSignal(false);
  const [narrow, setNarrow] = createSignal(false);
  const [saveError, setSaveError] = createSignal<string>();

  const tab = () => layout.tabs.find((t) => t.id === layout.active);
  const focusedHandle = () => {
    const t = tab();
    return t ? handles()[t.focus] : undefined;
  };
  createEffect(() => props.setFocusedPane(focusedHandle()));

  // Saving: debounced, and only once the stored layout has been read (so a slow GET is never overwritten).
  // One PUT at a time: two in flight could reach the server out of order and leave the older layout
  // stored; a change made while one is on its way is sent after it, as the layout is then.
  let saveTimer: ReturnType<typeof setTimeout> | undefined;
  let saving = false;
  let again = false;
  const put = (keepalive = false) => {
    if (saving) {
      again = true;
      return;
    }
    saving = true;
    again = false;
    void api<LayoutBody>("/layout", { method: "PUT", body: JSON.stringify({ layout }), keepalive })
      .then(
        () => setSaveError(undefined),
        (err: Error) => setSaveError(err.message),
      )
      .finally(() => {
        saving = false;
        if (again) put();
      });
  };
  const save = () => {
    if (!ready()) return;
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => {
      saveTimer = undefined;
      put();
    }, SAVE_DELAY_MS);
  };
  // A change still waiting for its debounce when the page goes away (a reload right after a split) is sent now.
  const flush = () => {
    if (saveTimer === undefined) return;
    clearTimeout(saveTimer);
    saveTimer = undefined;
    // keepalive: the request outlives the page.
    put(true);
  };
  onMount(() => {
    window.addEventListener("pagehide", flush);
    onCleanup(() => window.removeEventListener("pagehide", flush));
  });
  onCleanup(() => clearTimeout(saveTimer));
  const edit = (fn: (l: Layout) => void) => {
    setLayout(produce(fn));
    save();
  };

  onMount(() => {
    const media = window.matchMedia("(max-width: 640px)");
    setNarrow(media.matches);
    const onMedia = () => setNarrow(media.matches);
    media.addEventListener("change", onMedia);
    onCleanup(() => media.removeEventListener("change", onMedia));

    void api<LayoutBody>("/layout").then(
      (body) => start(body.layout),
      () => start(null),
    );
    props.onOpen((request) => {
      const t = newTab(toPaneRequest(request));
      const key = t.focus;
      batch(() => {
        if (request.attach) setAttach((a) => ({ ...a, [key]: request.attach as string }));
        if (request.title) t.title = request.title.slice(0, 64);
        edit((l) => {
          if (l.tabs.length >= 12) l.tabs.splice(0, 1);
          l.tabs.push(t);
          l.active = t.id;
        });
      });
    });
  });

  const start = (stored: Layout | null) => {
    const host = props.initialHostId();
    let next: Layout;
    if (stored) {
      next = stored;
      // `/terminal?host=` that no pane shows yet opens in a new tab beside the restored ones.
      if (host && !stored.tabs.some((t) => t.panes.some((p) => p.request?.hostId === host)) && stored.tabs.length < 12) {
        const t = newTab({ hostId: host });
        next = { ...stored, tabs: [...stored.tabs, t], active: t.id };
      }
    } else {
      const t = newTab(host ? { hostId: host } : undefined);
      next = { version: 1, tabs: [t], active: t.id };
    }
    setLayout(reconcile(next));
    setReady(true);
    if (!stored || next !== stored) save();
  };

  // ---- tabs ----
  const addTab = () =>
    edit((l) => {
      if (l.tabs.length >= 12) return;
      const t = newTab();
      l.tabs.push(t);
      l.active = t.id;
    });
  const closeTab = (id: string) => {
    const t = layout.tabs.find((x) => x.id === id);
    for (const p of t?.panes ?? []) handles()[p.key]?.close();
    edit((l) => {
      const at = l.tabs.findIndex((x) => x.id === id);
      if (at < 0) return;
      l.tabs.splice(at, 1);
      if (l.tabs.length === 0) l.tabs.push(newTab());
      if (l.active === id) l.active = (l.tabs[Math.min(at, l.tabs.length - 1)] as LayoutTab).id;
    });
  };
  const cycleTab = (by: number) =>
    edit((l) => {
      const at = l.tabs.findIndex((x) => x.id === l.active);
      l.active = (l.tabs[(at + by + l.tabs.length) % l.tabs.length] as LayoutTab).id;
    });
  const rename = (id: string, title: string) =>
    edit((l) => {
      const t = l.tabs.find((x) => x.id === id);
      if (!t) return;
      const clean = title.trim().slice(0, 64);
      if (clean) t.title = clean;
      else delete t.title;
    });
  const tabTitle = (t: LayoutTab) => t.title ?? titles()[t.panes[0]?.key ?? ""] ?? "New tab";

  // ---- panes ----
  const split = (to: Split) =>
    edit((l) => {
      const t = l.tabs.find((x) => x.id === l.active);
      if (!t) return;
      const want = to === "grid" ? 4 : to === "single" ? 1 : 2;
      // Splitting adds fresh panes; it never closes one (a pane is closed on purpose, with its ×).
      while (t.panes.length < want) t.panes.push({ key: newKey() });
      if (t.panes.length > want) return;
      t.split = to;
    });
  const closePane = (key: string) => {
    handles()[key]?.close();
  };
  /** The pane's session ended and its person closed it: the pane leaves the layout. */
  const removePane = (key: string) => {
    setTargets((s) => {
      const n = new Set(s);
      n.delete(key);
      return n;
    });
    edit((l) => {
      const t = l.tabs.find((x) => x.panes.some((p) => p.key === key));
      if (!t) return;
      t.panes = t.panes.filter((p) => p.key !== key);
      if (t.panes.length === 0) {
        const at = l.tabs.indexOf(t);
        l.tabs.splice(at, 1);
        if (l.tabs.length === 0) l.tabs.push(newTab());
        if (l.active === t.id) l.active = (l.tabs[Math.min(at, l.tabs.length - 1)] as LayoutTab).id;
        return;
      }
      t.split = splitFor(t.panes.length, t.split);
      if (t.focus === key) t.focus = (t.panes[0] as { key: string }).key;
    });
  };
  const focusPane = (key: string) => {
    const t = tab();
    if (!t || t.focus === key) return;
    edit((l) => {
      const x = l.tabs.find((y) => y.id === l.active);
      if (x) x.focus = key;
    });
  };
  /** Moves the keyboard to the pane in `dir`, in the tab's grid (reading order where it has no neighbour). */
  const moveFocus = (dir: "left" | "right" | "up" | "down") => {
    const t = tab();
    if (!t) return;
    const at = t.panes.findIndex((p) => p.key === t.focus);
    const cols = t.split === "columns" || t.split === "grid" ? 2 : 1;
    const step = { left: -1, right: 1, up: -cols, down: cols }[dir];
    const next = t.panes[(at + step + t.panes.length) % t.panes.length];
    if (next) focusPane(next.key);
    handles()[next?.key ?? ""]?.focus();
  };
  const rememberHost = (key: string) => {
    // A pane opened from its own host picker: keep the host so a reload opens the same one there.
    const h = handles()[key];
    const hostId = h?.hostId();
    if (!hostId) return;
    const pane = layout.tabs.flatMap((t) => t.panes).find((p) => p.key === key);
    if (pane && !pane.request)
      edit((l) => {
        const p = l.tabs.flatMap((t) => t.panes).find((x) => x.key === key);
        if (p) p.request = { hostId };
      });
  };

  // ---- broadcast ----
  const broadcastTo = () => {
    const t = tab();
    return t ? t.panes.filter((p) => targets().has(p.key)).map((p) => p.key) : [];
  };
  const startBroadcast = () => {
    setTargets(new Set(tab()?.panes.map((p) => p.key) ?? []));
    setBroadcast(true);
  };
  const toggleTarget = (key: string, on: boolean) =>
    setTargets((s) => {
      const n = new Set(s);
      if (on) n.add(key);
      else n.delete(key);
      return n;
    });
  const relay = (from: string, data: string | Uint8Array) => {
    if (!broadcast() || !targets().has(from)) return;
    for (const key of broadcastTo()) if (key !== from) handles()[key]?.send(data);
  };
  // Broadcasting belongs to a tab: switching tabs stops it, so keys never go somewhere unseen.
  createEffect(() => {
    void layout.active;
    setBroadcast(false);
  });

  // ---- keyboard ----
  onMount(() => {
    const onKey = (e: KeyboardEvent) => {
      const action = shortcutOf(e);
      if (!action) return;
      e.preventDefault();
      e.stopPropagation();
      switch (action) {
        case "split-columns":
          return split("columns");
        case "split-rows":
          return split("rows");
        case "split-grid":
          return split("grid");
        case "focus-left":
          return moveFocus("left");
        case "focus-right":
          return moveFocus("right");
        case "focus-up":
          return moveFocus("up");
        case "focus-down":
          return moveFocus("down");
        case "close-pane": {
          const t = tab();
          if (t) closePane(t.focus);
          return;
        }
        case "new-tab":
          return addTab();
        case "next-tab":
          return cycleTab(1);
        case "previous-tab":
          return cycleTab(-1);
        case "help":
          return setHelp(!help());
      }
    };
    // On the document, capturing: the chord is the layout's wherever the focus is on the page (a pane's
    // host picker, a splitter), and it is taken before xterm.js turns it into bytes for the shell.
    document.addEventListener("keydown", onKey, true);
    onCleanup(() => document.removeEventListener("keydown", onKey, true));
  });

  // ---- splitters ----
  const drag = (axis: "x" | "y", grid: HTMLElement) => (e: PointerEvent) => {
    e.preventDefault();
    const rect = grid.getBoundingClientRect();
    const move = (ev: PointerEvent) => {
      const share = axis === "x" ? (ev.clientX - rect.left) / rect.width : (ev.clientY - rect.top) / rect.height;
      setLayout(
        produce((l) => {
          const t = l.tabs.find((x) => x.id === l.active);
          if (t) t.sizes[axis] = clampShare(share);
        }),
      );
    };
    // On the window, not the splitter: the pointer leaves the 6 px bar as soon as it moves fast.
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      window.removeEventListener("pointercancel", up);
      save();
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
    window.addEventListener("pointercancel", up);
  };
  const nudge = (axis: "x" | "y") => (e: KeyboardEvent) => {
    const back = axis === "x" ? "ArrowLeft" : "ArrowUp";
    const forward = axis === "x" ? "ArrowRight" : "ArrowDown";
    let by = 0;
    if (e.key === back) by = -KEY_STEP;
    else if (e.key === forward) by = KEY_STEP;
    else if (e.key === "Home") by = -1;
    else if (e.key === "End") by = 1;
    else return;
    e.preventDefault();
    edit((l) => {
      const t = l.tabs.find((x) => x.id === l.active);
      if (t) t.sizes[axis] = clampShare(t.sizes[axis] + by);
    });
  };

  const gridStyle = (t: LayoutTab): JSX.CSSProperties => {
    const cols = t.split === "columns" || t.split === "grid" ? `${t.sizes.x}fr 6px ${1 - t.sizes.x}fr` : "1fr";
    const rows = t.split === "rows" || t.split === "grid" ? `${t.sizes.y}fr 6px ${1 - t.sizes.y}fr` : "1fr";
    return narrow() ? {} : { "grid-template-columns": cols, "grid-template-rows": rows };
  };
  /** Grid cell of pane `i`: panes sit in the odd tracks, splitters in the even one between them. */
  const cellStyle = (t: LayoutTab, i: number): JSX.CSSProperties => {
    if (narrow()) return {};
    if (t.split === "columns") return { "grid-column": String(1 + 2 * i), "grid-row": "1" };
    if (t.split === "rows") return { "grid-column": "1", "grid-row": String(1 + 2 * i) };
    if (t.split === "grid") {
      const lastAlone = t.panes.length === 3 && i === 2;
      return { "grid-column": lastAlone ? "1 / -1" : String(1 + 2 * (i % 2)), "grid-row": String(1 + 2 * Math.floor(i / 2)) };
    }
    return { "grid-column": "1", "grid-row": "1" };
  };

  const Splitter = (p: { t: LayoutTab; axis: "x" | "y"; grid: () => HTMLElement; style: JSX.CSSProperties }) => (
    // biome-ignore lint/a11y/useSemanticElements: a focusable window splitter (WAI-ARIA APG), which an <hr> cannot be
    <div
      class="mp-splitter"
      classList={{ "mp-splitter--x": p.axis === "x", "mp-splitter--y": p.axis === "y" }}
      role="separator"
      tabIndex={0}
      aria-orientation={p.axis === "x" ? "vertical" : "horizontal"}
      aria-label={p.axis === "x" ? "Resize the columns" : "Resize the rows"}
      aria-valuemin={15}
      aria-valuemax={85}
      aria-valuenow={Math.round(p.t.sizes[p.axis] * 100)}
      style={p.style}
      onPointerDown={(e) => drag(p.axis, p.grid())(e)}
      onKeyDown={nudge(p.axis)}
    />
  );

  return (
    <div class="mp" data-testid="multi-pane" classList={{ "mp--narrow": narrow() }}>
      <style>{LAYOUT_CSS}</style>
      <div class="mp-bar">
        <div class="mp-tabs" role="tablist" aria-label="Terminal tabs">
          <For each={layout.tabs}>
            {(t) => (
              <div class="mp-tab" classList={{ "mp-tab--active": t.id === layout.active }}>
                <Show
                  when={renaming() === t.id}
                  fallback={
                    <button
                      type="button"
                      role="tab"
                      class="mp-tab__label"
                      aria-selected={t.id === layout.active}
                      title="Double-click to rename"
                      onClick={() =>
                        edit((l) => {
                          l.active = t.id;
                        })
                      }
                      onDblClick={() => setRenaming(t.id)}
                    >
                      {tabTitle(t)}
                      <Show when={t.panes.length > 1}>
                        <span class="mp-tab__count">{t.panes.length}</span>
                      </Show>
                    </button>
                  }
                >
                  <input
                    class="mp-tab__rename"
                    aria-label="Tab name"
                    value={tabTitle(t)}
                    maxLength={64}
                    ref={(el) => queueMicrotask(() => el.select())}
                    onKeyDown={(e) => {
                      if (e.key === "Enter") {
                        rename(t.id, e.currentTarget.value);
                        setRenaming(undefined);
                      } else if (e.key === "Escape") setRenaming(undefined);
                    }}
                    onBlur={(e) => {
                      rename(t.id, e.currentTarget.value);
                      setRenaming(undefined);
                    }}
                  />
                </Show>
                <button type="button" class="mp-tab__close" aria-label={`Close tab ${tabTitle(t)}`} onClick={() => closeTab(t.id)}>
                  ×
                </button>
              </div>
            )}
          </For>
          <button
            type="button"
            class="btn btn--ghost btn--sm mp-tabs__new"
            aria-label="New tab"
            title="New tab (Ctrl+Shift+Y)"
            disabled={layout.tabs.length >= 12}
            onClick={addTab}
          >
            +
          </button>
        </div>
        <fieldset class="mp-actions" aria-label="Split">
          <button
            type="button"
            class="btn btn--ghost btn--sm"
            aria-pressed={tab()?.split === "columns"}
            title="Side by side (Ctrl+Shift+E)"
            onClick={() => split("columns")}
          >
            Split ⇆
          </button>
          <button
            type="button"
            class="btn btn--ghost btn--sm"
            aria-pressed={tab()?.split === "rows"}
            title="Stacked (Ctrl+Shift+O)"
            onClick={() => split("rows")}
          >
            Split ⇅
          </button>
          <button
            type="button"
            class="btn btn--ghost btn--sm"
            aria-pressed={tab()?.split === "grid"}
            title="Four panes (Ctrl+Shift+G)"
            onClick={() => split("grid")}
          >
            4 panes
          </button>
          <button
            type="button"
            class="btn btn--sm"
            classList={{ "btn--danger": broadcast(), "btn--ghost": !broadcast() }}
            aria-pressed={broadcast()}
            disabled={(tab()?.panes.length ?? 0) < 2}
            onClick={() => (broadcast() ? setBroadcast(false) : startBroadcast())}
          >
            Broadcast
          </button>
          <div class="mp-help">
            <button
              type="button"
              class="btn btn--ghost btn--sm"
              aria-expanded={help()}
              aria-label="Keyboard shortcuts"
              title="Keyboard shortcuts (Ctrl+Shift+?)"
              onClick={() => setHelp(!help())}
            >
              ?
            </button>
            <Show when={help()}>
              <div class="mp-help__pop card" role="dialog" aria-label="Keyboard shortcuts">
                <table class="mp-help__table">
                  <tbody>
                    <For each={SHORTCUTS}>
                      {(s) => (
                        <tr>
                          <td>
                            <kbd>{s.keys}</kbd>
                          </td>
                          <td>{s.what}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </div>
            </Show>
          </div>
        </fieldset>
      </div>

      <Show when={broadcast()}>
        <div class="mp-broadcast" role="alert" data-testid="broadcast-banner">
          <strong>{`Broadcasting to ${broadcastTo().length} ${broadcastTo().length === 1 ? "pane" : "panes"}`}</strong>
          <span class="muted">What you type in a ticked pane goes to every ticked pane.</span>
          <button type="button" class="btn btn--sm" onClick={() => setTargets(new Set(tab()?.panes.map((p) => p.key) ?? []))}>
            All
          </button>
          <button type="button" class="btn btn--sm btn--danger" onClick={() => setBroadcast(false)}>
            Stop
          </button>
        </div>
      </Show>
      <Show when={saveError()}>
        <div class="mp-note muted small" role="status">{`The layout could not be saved: ${saveError()}`}</div>
      </Show>

      <For each={layout.tabs}>
        {(t) => {
          let grid!: HTMLDivElement;
          return (
            <div class="mp-tabpanel" role="tabpanel" hidden={t.id !== layout.active} data-tab-id={t.id}>
              <Show when={narrow() && t.panes.length > 1}>
                <fieldset class="mp-switcher" aria-label="Panes">
                  <For each={t.panes}>
                    {(p, i) => (
                      <button
                        type="button"
                        class="btn btn--sm"
                        classList={{ "btn--accent": t.focus === p.key, "btn--ghost": t.focus !== p.key }}
                        aria-pressed={t.focus === p.key}
                        onClick={() => focusPane(p.key)}
                      >
                        {titles()[p.key] ? `${i() + 1} · ${titles()[p.key]}` : `Pane ${i() + 1}`}
                      </button>
                    )}
                  </For>
                </fieldset>
              </Show>
              <div class="mp-grid" ref={grid} style={gridStyle(t)}>
                <For each={t.panes}>
                  {(p, i) => (
                    <div
                      class="mp-cell"
                      classList={{
                        "mp-cell--focused": t.focus === p.key && t.panes.length > 1,
                        "mp-cell--broadcast": broadcast() && targets().has(p.key),
                        "mp-cell--hidden": narrow() && t.focus !== p.key,
                      }}
                      style={cellStyle(t, i())}
                      data-testid="layout-pane"
                      data-pane-key={p.key}
                    >
                      <Show when={t.panes.length > 1 || broadcast()}>
                        <div class="mp-cell__head">
                          <Show when={broadcast()}>
                            <label class="mp-cell__target">
                              <input type="checkbox" checked={targets().has(p.key)} onChange={(e) => toggleTarget(p.key, e.currentTarget.checked)} />
                              <span>Broadcast</span>
                            </label>
                          </Show>
                          <span class="mp-cell__title">{titles()[p.key] ?? `Pane ${i() + 1}`}</span>
                          <button
                            type="button"
                            class="mp-cell__close"
                            aria-label={`Close pane ${i() + 1}`}
                            title="Close pane (Ctrl+Shift+X)"
                            onClick={() => closePane(p.key)}
                          >
                            ×
                          </button>
                        </div>
                      </Show>
                      <props.Pane
                        paneKey={p.key}
                        {...(paneRequest(p.request, attach()[p.key]) ?? {})}
                        focused={t.id === layout.active && t.focus === p.key}
                        onFocus={() => focusPane(p.key)}
                        onHandle={(h) => setHandles((all) => ({ ...all, [p.key]: h }))}
                        onInput={(data) => relay(p.key, data)}
                        onTitle={(title) => {
                          setTitles((all) => ({ ...all, [p.key]: title }));
                          rememberHost(p.key);
                        }}
                        onClosed={() => {
                          setHandles(({ [p.key]: _gone, ...rest }) => rest);
                          removePane(p.key);
                        }}
                      />
                    </div>
                  )}
                </For>
                <Show when={!narrow() && (t.split === "columns" || t.split === "grid")}>
                  <Splitter
                    t={t}
                    axis="x"
                    grid={() => grid}
                    style={{ "grid-column": "2", "grid-row": t.split === "grid" && t.panes.length === 3 ? "1" : "1 / -1" }}
                  />
                </Show>
                <Show when={!narrow() && (t.split === "rows" || t.split === "grid")}>
                  <Splitter t={t} axis="y" grid={() => grid} style={{ "grid-row": "2", "grid-column": "1 / -1" }} />
                </Show>
              </div>
            </div>
          );
        }}
      </For>
    </div>
  );
}

/** The `request` prop of a pane: its saved host and command, plus an attach id handed to `open()`. */
function paneRequest(request: PaneRequest | undefined, attachId: string | undefined): { request: OpenSessionRequest } | undefined {
  if (!request) return undefined;
  return { request: { ...request, ...(attachId !== undefined && { attach: attachId }) } };
}
