/**
 * A small History API router: the shell has a handful of routes plus the pages plugins contribute, which
 * arrive at run time, so a static route table would not fit anyway. Same-origin `<a>` clicks are
 * intercepted globally, so plugin UI can use plain links too.
 */
import { createSignal, type JSX, splitProps } from "solid-js";

export interface Location {
  path: string;
  search: string;
  hash: string;
}

function current(): Location {
  return { path: window.location.pathname, search: window.location.search, hash: window.location.hash.slice(1) };
}

const [location, setLocation] = createSignal<Location>(current(), { equals: (a, b) => a.path === b.path && a.search === b.search && a.hash === b.hash });

/** The current location (reactive). */
export function useLocation(): () => Location {
  return location;
}

/** Navigates without reloading; `replace` keeps the history length. */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = new URL(to, window.location.href);
  if (url.origin !== window.location.origin) {
    window.location.assign(url.href);
    return;
  }
  const href = `${url.pathname}${url.search}${url.hash}`;
  if (options.replace) window.history.replaceState(null, "", href);
  else window.history.pushState(null, "", href);
  setLocation(current());
  if (!url.hash) window.scrollTo(0, 0);
}

let installed = false;

/** Listens to back/forward and to clicks on same-origin links. Called once by the shell. */
export function installRouter(): void {
  if (installed) return;
  installed = true;
  window.addEventListener("popstate", () => setLocation(current()));
  document.addEventListener("click", (e) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    const a = (e.target as Element | null)?.closest?.("a");
    if (!a || a.target === "_blank" || a.hasAttribute("download") || a.getAttribute("rel")?.includes("external")) return;
    const href = a.getAttribute("href");
    // In-page anchors (the skip link) keep the browser's own behaviour.
    if (!href || href.startsWith("#") || href.startsWith("mailto:")) return;
    const url = new URL(href, window.location.href);
    if (url.origin !== window.location.origin || url.pathname.startsWith("/api/")) return;
    e.preventDefault();
    navigate(`${url.pathname}${url.search}${url.hash}`);
  });
}

/** True when `path` is the current path or one of its parents (for highlighting navigation). */
export function isActive(path: string, exact = false): boolean {
  const p = location().path;
  return exact || path === "/" ? p === path : p === path || p.startsWith(`${path}/`);
}

/** An `<a>` that marks itself `aria-current="page"` when active. */
export function Link(props: JSX.AnchorHTMLAttributes<HTMLAnchorElement> & { href: string; exact?: boolean }): JSX.Element {
  const [local, rest] = splitProps(props, ["href", "exact"]);
  return <a href={local.href} aria-current={isActive(local.href, local.exact) ? "page" : undefined} {...rest} />;
}
