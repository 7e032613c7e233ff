import { type JSX, Suspense } from "solid-js";
import { Toasts } from "../ui/index.js";
import { Sidebar } from "./Sidebar.js";
import { TopBar } from "./TopBar.js";

/** The signed-in frame: skip link, sidebar, top bar and the page. */
export function Shell(props: { title: string; children: JSX.Element }): JSX.Element {
  return (
    <div class="shell">
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Sidebar />
      <div class="shell__main">
        <TopBar title={props.title} />
        <main id="main" class="content" tabIndex={-1}>
          <Suspense fallback={<div class="page-loading" aria-busy="true" />}>{props.children}</Suspense>
        </main>
      </div>
      <Toasts />
    </div>
  );
}
