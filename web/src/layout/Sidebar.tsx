import { For, type JSX, Show } from "solid-js";
import { Link } from "../router/index.js";
import { usePluginPages } from "../slots/index.js";
import { Icon } from "../ui/index.js";

/** Primary navigation: the core pages, then the pages plugins contribute, then Settings and Help. */
export function Sidebar(): JSX.Element {
  const pages = usePluginPages();
  return (
    <nav class="sidebar" id="main-nav" aria-label="Main">
      <a class="brand" href="/" aria-label="ArchNest home">
        <svg class="brand__mark" viewBox="0 0 32 32" aria-hidden="true">
          <rect width="32" height="32" rx="8" />
          <path d="M8 21.5 16 9l8 12.5M11.5 21.5h9" />
        </svg>
        <span class="brand__name">ArchNest</span>
      </a>
      <ul class="nav-list">
        <NavItem href="/" icon="glance" label="Glance" exact />
        <NavItem href="/infrastructure" icon="server" label="Infrastructure" />
      </ul>
      <Show when={pages().length > 0}>
        <p class="nav-heading">Plugins</p>
        <ul class="nav-list" data-testid="plugin-nav">
          <For each={pages()}>{(p) => <NavItem href={p.page.path} icon={p.page.icon ?? "puzzle"} label={p.page.title} />}</For>
        </ul>
      </Show>
      <ul class="nav-list nav-list--bottom">
        <NavItem href="/settings" icon="settings" label="Settings" />
        <NavItem href="/help" icon="help" label="Help" />
      </ul>
    </nav>
  );
}

function NavItem(props: { href: string; icon: string; label: string; exact?: boolean }): JSX.Element {
  return (
    <li>
      <Link class="nav-item" href={props.href} exact={props.exact ?? false} title={props.label}>
        <Icon name={props.icon} class="nav-item__icon" />
        <span class="nav-item__label">{props.label}</span>
      </Link>
    </li>
  );
}
