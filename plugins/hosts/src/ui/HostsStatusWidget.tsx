import type { SlotProps } from "@archnest/sdk/web";
import { createMemo, For, type JSX, Show } from "solid-js";
import { messageOf } from "../api/index.js";
import { statusOf } from "../status/index.js";
import { createWatchedHosts } from "./create-watched-hosts.js";
import { StatusBadge } from "./StatusBadge.js";

/** Glance: which hosts are up and which are down, with the counts. */
export function HostsStatusWidget(_props: SlotProps): JSX.Element {
  const data = createWatchedHosts();
  const counts = createMemo(() => {
    const c = { up: 0, down: 0, other: 0 };
    for (const h of data()?.hosts ?? []) {
      const s = statusOf(h.id)?.state;
      if (s === "up") c.up++;
      else if (s === "down") c.down++;
      else c.other++;
    }
    return c;
  });
  return (
    <div data-testid="hosts-widget">
      <Show when={data.error}>
        <p role="alert" style={{ color: "var(--an-danger)" }}>
          {messageOf(data.error)}
        </p>
      </Show>
      <Show when={data()}>
        {(d) => (
          <Show
            when={d().hosts.length > 0}
            fallback={
              <p class="muted">
                No SSH hosts yet. <a href="/settings/integrations">Add one</a>
              </p>
            }
          >
            <div class="row row--tight" style={{ "margin-bottom": "12px", gap: "6px" }}>
              <span class="badge badge--success" data-testid="up-count">
                {counts().up} up
              </span>
              <span class={`badge${counts().down > 0 ? " badge--danger" : ""}`} data-testid="down-count">
                {counts().down} down
              </span>
              <Show when={counts().other > 0}>
                <span class="badge">{counts().other} checking</span>
              </Show>
            </div>
            <ul class="plain-list" style={{ display: "grid", gap: "10px", margin: "0", padding: "0", "list-style": "none" }}>
              <For each={d().hosts}>
                {(h) => (
                  <li data-host={h.name} style={{ display: "flex", "align-items": "center", "justify-content": "space-between", gap: "12px" }}>
                    <span style={{ "min-width": "0", overflow: "hidden", "text-overflow": "ellipsis", "white-space": "nowrap" }}>
                      <span style={{ "font-weight": "550" }}>{h.name}</span> <span class="muted small mono">{h.address}</span>
                    </span>
                    <span class="small" style={{ "flex-shrink": "0" }}>
                      <StatusBadge status={statusOf(h.id)} />
                    </span>
                  </li>
                )}
              </For>
            </ul>
          </Show>
        )}
      </Show>
    </div>
  );
}
