/**
 * xterm.js with its addons, set up the way the terminal page uses it: WebGL rendering when the browser
 * has it (falling back to the DOM renderer when it does not, or when the GPU context is lost), fit to the
 * container, clickable links, search, copy on selection.
 *
 * xterm.js is bundled into this plugin's web entry (it is not one of the host's shared modules), and so
 * is its stylesheet, injected once at runtime.
 */
import { FitAddon } from "@xterm/addon-fit";
import { SearchAddon } from "@xterm/addon-search";
import { WebLinksAddon } from "@xterm/addon-web-links";
import { WebglAddon } from "@xterm/addon-webgl";
import { Terminal } from "@xterm/xterm";
import xtermCss from "@xterm/xterm/css/xterm.css?inline";

const STYLE_ID = "archnest-xterm-css";

/** Adds xterm.js's stylesheet to the page once. */
export function injectXtermCss(doc: Document = document): void {
  if (doc.getElementById(STYLE_ID)) return;
  const style = doc.createElement("style");
  style.id = STYLE_ID;
  style.textContent = xtermCss;
  doc.head.append(style);
}

export type RendererKind = "webgl" | "dom";

export interface TerminalView {
  term: Terminal;
  fit: FitAddon;
  search: SearchAddon;
  /** Which renderer draws the terminal now (reactive callers poll it after `onRendererChange`). */
  renderer(): RendererKind;
  onRendererChange(listener: (kind: RendererKind) => void): void;
  /** Copies the selection to the clipboard; true when there was one. */
  copySelection(): boolean;
  dispose(): void;
}

function cssVar(name: string, fallback: string): string {
  const value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
  return value || fallback;
}

/** Creates a terminal in `container`; call `fit.fit()` once the container has its size. */
export function createTerminal(container: HTMLElement): TerminalView {
  injectXtermCss();
  const term = new Terminal({
    cursorBlink: true,
    fontFamily: '"JetBrains Mono", "Fira Code", "DejaVu Sans Mono", Menlo, Consolas, monospace',
    fontSize: 14,
    scrollback: 10_000,
    allowProposedApi: true,
    theme: {
      background: cssVar("--an-bg-sunken", "#0a0c11"),
      foreground: cssVar("--an-text", "#e7e9f0"),
      cursor: cssVar("--an-accent", "#8b9cff"),
      selectionBackground: "rgba(139, 156, 255, 0.35)",
    },
  });
  const fit = new FitAddon();
  const search = new SearchAddon();
  term.loadAddon(fit);
  term.loadAddon(search);
  term.loadAddon(new WebLinksAddon());
  term.open(container);

  let renderer: RendererKind = "dom";
  const listeners: ((kind: RendererKind) => void)[] = [];
  const setRenderer = (kind: RendererKind) => {
    renderer = kind;
    for (const l of listeners) l(kind);
  };
  try {
    const webgl = new WebglAddon();
    // A lost GPU context (driver reset, too many contexts) drops back to the DOM renderer, not to a blank terminal.
    webgl.onContextLoss(() => {
      webgl.dispose();
      setRenderer("dom");
    });
    term.loadAddon(webgl);
    setRenderer("webgl");
  } catch {
    // No WebGL2 here (headless, disabled GPU, old browser): xterm.js keeps its DOM renderer.
    setRenderer("dom");
  }

  const copySelection = () => {
    const text = term.getSelection();
    if (!text) return false;
    void navigator.clipboard?.writeText(text).catch(() => undefined);
    return true;
  };
  // Copy on selection, as terminal users expect from X11 and most terminal emulators.
  const selection = term.onSelectionChange(() => {
    if (term.hasSelection()) copySelection();
  });
  // Ctrl+Shift+C copies and Ctrl+Shift+V pastes (the browser's paste event reaches xterm.js), since
  // plain Ctrl+C and Ctrl+V belong to the shell.
  term.attachCustomKeyEventHandler((e) => {
    if (e.type !== "keydown" || !e.ctrlKey || !e.shiftKey) return true;
    if (e.code === "KeyC") {
      copySelection();
      return false;
    }
    if (e.code === "KeyV") return false;
    return true;
  });

  return {
    term,
    fit,
    search,
    renderer: () => renderer,
    onRendererChange: (l) => void listeners.push(l),
    copySelection,
    dispose() {
      selection.dispose();
      term.dispose();
    },
  };
}
