import { createEffect, createSignal, type JSX, on, onCleanup, Suspense } from "solid-js";
import { useLocation } from "../router/index.js";
import { Toasts } from "../ui/index.js";
import { Sidebar } from "./Sidebar.js";
import { TopBar } from "./TopBar.js";

/**
 * The signed-in frame: skip link, sidebar, top bar and the page. On a phone the sidebar folds into the top
 * bar's menu button and opens over the page; following a link, Escape or a tap beside it closes it.
 */
export function Shell(props: { title: string; children: JSX.Element }): JSX.Element {
  const [menuOpen, setMenuOpen] = createSignal(false);
  const location = useLocation();
  createEffect(
    on(
      () => location().path,
      () => setMenuOpen(false),
      { defer: true },
    ),
  );
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape" && menuOpen()) setMenuOpen(false);
  };
  document.addEventListener("keydown", onKey);
  onCleanup(() => document.removeEventListener("keydown", onKey));
  return (
    <div class="shell" classList={{ "shell--menu-open": menuOpen() }}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar />
      <div class="shell__scrim" aria-hidden="true" onClick={() => setMenuOpen(false)} />
      <div class="shell__main">
        <TopBar title={props.title} menuOpen={menuOpen()} onMenu={() => setMenuOpen(!menuOpen())} />
        <main id="main" class="content" tabIndex={-1}>
          <Suspense fallback={<div class="page-loading" aria-busy="true" />}>{props.children}</Suspense>
        </main>
      </div>
      <Toasts />
    </div>
  );
}
