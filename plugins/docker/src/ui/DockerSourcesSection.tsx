import { Lock, type SlotProps } from "@archnest/sdk/web";
import { createResource, For, type JSX, Show } from "solid-js";
import { api, CAP_REASON, type SourceOverview, type SourcesAnswer } from "./api.js";

const DOT = { display: "inline-block", "vertical-align": "middle", "margin-right": "4px" } as const;

/** Infrastructure: every Docker source with its status, engine version and containers. */
export function DockerSourcesSection(_props: SlotProps): JSX.Element {
  const [data] = createResource(() => api<{ sources: SourceOverview[]; limit: SourcesAnswer["limit"] }>("/overview"));
  return (
    <div data-testid="docker-section">
      <header style={{ display: "flex", "justify-content": "space-between", "align-items": "center", padding: "14px 18px" }}>
        <h2 class="card__title" style={{ margin: "0" }}>
          Docker
        </h2>
        <a class="btn btn--ghost btn--sm" href="/docker">
          Open containers
        </a>
      </header>
      <Show
        when={data()}
        fallback={
          <p class="muted" style={{ padding: "0 18px 14px" }}>
            {data.error ? String((data.error as Error).message) : "Checking engines…"}
          </p>
        }
      >
        {(d) => (
          <Show
            when={d().sources.length > 0}
            fallback={
              <p class="muted" style={{ padding: "0 18px 14px" }}>
                No Docker sources. Add one on the Docker page.
              </p>
            }
          >
            <div class="table-wrap" style={{ border: "0", "border-radius": "0" }}>
              <table class="table">
                <thead>
                  <tr>
                    <th>Source</th>
                    <th>Address</th>
                    <th>Status</th>
                    <th>Containers</th>
                  </tr>
                </thead>
                <tbody>
                  <For each={d().sources}>
                    {(s) => (
                      <tr data-source={s.name}>
                        <td>
                          <strong>{s.name}</strong>
                          <Show when={s.locked}>
                            {" "}
                            <span class="badge badge--warning">read-only</span>
                            <div class="cell-sub small muted row row--tight" data-testid="locked-reason" style={{ "flex-wrap": "wrap" }}>
                              <span>{CAP_REASON} Unlock with</span>
                              <Lock module={d().limit.module} variant="inline" reason={CAP_REASON} />
                            </div>
                          </Show>
                        </td>
                        <td class="mono small">{s.address}</td>
                        <td>
                          <Show
                            when={s.status === "ok"}
                            fallback={
                              <span title={s.error?.message}>
                                <span class="dot dot--danger" style={DOT} /> {s.status === "unreachable" ? "Unreachable" : "Error"}
                                <div class="cell-sub small muted">{s.error?.message}</div>
                              </span>
                            }
                          >
                            <span>
                              <span class="dot dot--success" style={DOT} /> Up <span class="muted small">· Docker {s.engine?.version}</span>
                            </span>
                          </Show>
                        </td>
                        <td>
                          <Show when={s.containers} fallback="–">
                            {(c) => (
                              <span>
                                {c().running} running · {c().stopped} stopped
                              </span>
                            )}
                          </Show>
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
