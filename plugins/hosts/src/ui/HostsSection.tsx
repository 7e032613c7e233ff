import type { SlotProps } from "@archnest/sdk/web";
import { For, type JSX, Show } from "solid-js";
import { messageOf } from "../api/index.js";
import { statusOf } from "../status/index.js";
import { createWatchedHosts } from "./create-watched-hosts.js";
import { StatusBadge } from "./StatusBadge.js";
import { go } from "./shell.js";

const SETTINGS = "/settings/integrations";

/** A link that navigates inside the shell (and still opens in a new tab with a middle click). */
function ShellLink(props: { href: string; label: string; children: JSX.Element }): JSX.Element {
  return (
    <a
      class="btn btn--ghost btn--sm"
      href={props.href}
      aria-label={props.label}
      onClick={(e) => {
        if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
        e.preventDefault();
        go(props.href);
      }}
    >
      {props.children}
    </a>
  );
}

/** Infrastructure: every SSH host with its status, tags and the ways in (terminal, files, metrics). */
export function HostsSection(_props: SlotProps): JSX.Element {
  const data = createWatchedHosts();
  const q = (id: string) => `?host=${encodeURIComponent(id)}`;
  return (
    <div data-testid="hosts-section">
      <header style={{ display: "flex", "justify-content": "space-between", "align-items": "center", padding: "14px 18px" }}>
        <h2 class="card__title" style={{ margin: "0" }}>
          SSH hosts
        </h2>
        <ShellLink href={SETTINGS} label="Manage SSH hosts">
          Manage hosts
        </ShellLink>
      </header>
      <Show
        when={data()}
        fallback={
          <p class="muted" style={{ padding: "0 18px 14px" }}>
            {data.error ? messageOf(data.error) : "Loading hosts…"}
          </p>
        }
      >
        {(d) => (
          <Show
            when={d().hosts.length > 0}
            fallback={
              <p class="muted" style={{ padding: "0 18px 16px" }}>
                No SSH hosts yet. Add one in Settings → Integrations.
              </p>
            }
          >
            <div class="table-wrap" style={{ border: "0", "border-radius": "0", "border-top": "1px solid var(--an-border)" }}>
              <table class="table">
                <thead>
                  <tr>
                    <th>Host</th>
                    <th>Status</th>
                    <th>Tags</th>
                    <th style={{ "text-align": "right" }}>Open</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={d().hosts}>
                    {(h) => (
                      <tr data-host={h.name}>
                        <td>
                          <div class="cell-title">{h.name}</div>
                          <div class="cell-sub mono">
                            {h.user}@{h.address}:{h.port}
                          </div>
                        </td>
                        <td>
                          <StatusBadge status={statusOf(h.id)} detail />
                        </td>
                        <td>
                          <Show when={h.tags.length > 0} fallback={<span class="muted">–</span>}>
                            <div class="chips">
                              <For each={h.tags}>{(t) => <span class="badge">{t}</span>}</For>
                            </div>
                          </Show>
                        </td>
                        <td>
                          <div class="row row--tight" style={{ "justify-content": "flex-end", gap: "6px" }}>
                            <ShellLink href={`/terminal${q(h.id)}`} label={`Terminal on ${h.name}`}>
                              Terminal
                            </ShellLink>
                            <ShellLink href={`/files${q(h.id)}`} label={`Files on ${h.name}`}>
                              Files
                            </ShellLink>
                            <ShellLink href={`/metrics${q(h.id)}`} label={`Metrics of ${h.name}`}>
                              Metrics
                            </ShellLink>
                          </div>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>
    </div>
  );
}
