import { type JSX, Match, Show, Switch } from "solid-js";
import { availableUpdates, license } from "../data/index.js";
import { session, signOut } from "../session/index.js";
import { Icon } from "../ui/index.js";

/** The license state, available updates and the signed-in person; on a phone, the menu button. */
export function TopBar(props: { title: string; menuOpen: boolean; onMenu: () => void }): JSX.Element {
  const updates = () => availableUpdates().length;
  return (
    <header class="topbar">
      <button type="button" class="icon-btn menu-btn" aria-label="Menu" aria-controls="main-nav" aria-expanded={props.menuOpen} onClick={() => props.onMenu()}>
        <Icon name="menu" size={20} />
      </button>
      <p class="topbar__title">{props.title}</p>
      <div class="topbar__right">
        <Show when={updates() > 0}>
          <a class="chip chip--accent" href="/settings/plugins" data-testid="updates-badge">
            <Icon name="download" size={15} />
            {updates()} {updates() === 1 ? "update" : "updates"}
          </a>
        </Show>
        <LicenseChip />
        <div class="user-chip">
          <span class="avatar" aria-hidden="true">
            {(session.user()?.username ?? "?").slice(0, 1).toUpperCase()}
          </span>
          <span class="user-chip__name">{session.user()?.username}</span>
          <button type="button" class="icon-btn" onClick={() => void signOut()} aria-label="Sign out" title="Sign out">
            <Icon name="logout" size={17} />
          </button>
        </div>
      </div>
    </header>
  );
}

function LicenseChip(): JSX.Element {
  const l = () => license.read.latest;
  return (
    <Show when={l()}>
      <a class="chip" href="/settings/license" data-testid="license-chip" data-state={l()?.state ?? "unknown"}>
        <Switch fallback={<span class="dot dot--muted" />}>
          {/* Without paid modules there is nothing licensed to lose: not "Licensed", not days of grace. */}
          <Match when={l()?.modules.length === 0}>
            <span class="dot dot--muted" />
            Free core
          </Match>
          <Match when={l()?.state === "valid"}>
            <span class="dot dot--success" />
            Licensed
          </Match>
          <Match when={l()?.state === "grace"}>
            <span class="dot dot--warning" />
            Offline · {l()?.daysLeft ?? 0} days left
          </Match>
          <Match when={l()?.state === "expired"}>
            <span class="dot dot--danger" />
            License expired
          </Match>
          <Match when={l()?.state === "unregistered"}>
            <span class="dot dot--muted" />
            Free core
          </Match>
        </Switch>
      </a>
    </Show>
  );
}
