import { describeError, type SlotProps } from "@archnest/sdk/web";
import { createResource, For, type JSX, onCleanup, Show } from "solid-js";
import { api, type SourceOverview } from "./api.js";

const DOT = { display: "inline-block", "vertical-align": "middle", "margin-right": "4px" } as const;

/** Glance: containers per Docker source, running and stopped, and which engines cannot be reached. */
export function ContainersWidget(_props: SlotProps): JSX.Element {
  const [data, { refetch }] = createResource(() => api<{ sources: SourceOverview[] }>("/overview"));
  const timer = setInterval(() => void refetch(), 15_000);
  onCleanup(() => clearInterval(timer));
  return (
    <div data-testid="docker-widget">
      <Show when={data.error}>
        <p role="alert" style={{ color: "var(--an-danger)" }}>
          {describeError(data.error)}
        </p>
      </Show>
      <Show when={data()}>
        {(d) => (
          <Show
            when={d().sources.length > 0}
            fallback={
              <p class="muted">
                No Docker engine yet. <a href="/docker">Add one</a>
              </p>
            }
          >
            <ul class="plain-list" style={{ display: "grid", gap: "10px", margin: "0", padding: "0", "list-style": "none" }}>
              <For each={d().sources}>
                {(s) => (
                  <li data-source={s.name} style={{ display: "flex", "align-items": "center", "justify-content": "space-between", gap: "12px" }}>
                    <a href="/docker" style={{ display: "flex", "align-items": "center", gap: "8px", color: "inherit", "min-width": "0" }}>
                      <span class={`dot dot--${s.status === "ok" ? "success" : "danger"}`} style={DOT} aria-hidden="true" />
                      <span style={{ "font-weight": "550", overflow: "hidden", "text-overflow": "ellipsis", "white-space": "nowrap" }}>{s.name}</span>
                    </a>
                    <Show
                      when={s.status === "ok" && s.containers}
                      fallback={<span class="badge badge--danger">{s.status === "unreachable" ? "unreachable" : "error"}</span>}
                    >
                      {(c) => (
                        <span style={{ display: "flex", gap: "6px" }}>
                          <span class="badge badge--success" data-testid="running-count" title="Running">
                            {c().running} running
                          </span>
                          <span class="badge" data-testid="stopped-count" title="Stopped">
                            {c().stopped} stopped
                          </span>
                        </span>
                      )}
                    </Show>
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
