import { formatBytes, pluginApi, type SlotProps } from "@archnest/sdk/web";
import { createEffect, createResource, createSignal, For, onCleanup, Show } from "solid-js";
import type { HostSummary, Point } from "./server.js";
import { LineChart, METRIC_COLOR, METRIC_LABEL, type Metric, Sparkline } from "./ui/charts.js";
import { formatAge, formatPercent } from "./ui/format.js";

const api = pluginApi("metrics");
const METRICS: Metric[] = ["cpu", "mem", "disk"];
type HostsBody = { hosts: HostSummary[]; intervalSeconds: number };

/** Refetches on a timer while mounted (the sampler runs server-side; the page only reads). */
function usePolling(refetch: () => void, ms: () => number) {
  createEffect(() => {
    const id = setInterval(refetch, ms());
    onCleanup(() => clearInterval(id));
  });
}

function StateDot(props: { up: boolean | null }) {
  return (
    <span
      class={`dot ${props.up === null ? "dot--muted" : props.up ? "dot--success" : "dot--danger"}`}
      role="img"
      aria-label={props.up === null ? "not sampled yet" : props.up ? "up" : "down"}
    />
  );
}

/** A reading that is not current (stale or late) is greyed out: it is shown, but not as now. */
const dimmed = (h: HostSummary) => h.state === "stale" || h.state === "late";

/** What the widget says beside a host's name when its reading is not current. */
function stateNote(h: HostSummary): string | undefined {
  if (h.state === "down") return "down";
  if (h.state === "stale") return `stale · ${formatAge(h.ageMs ?? 0)} old`;
  if (h.state === "late") return "late · no sample yet";
  return undefined;
}

/** Glance widget: per host, up or down, and CPU, memory and disk sparklines of the last hour. */
export function MetricsWidget(_props: SlotProps) {
  const [data, { refetch }] = createResource(() => api<HostsBody>("/hosts"));
  usePolling(refetch, () => Math.max(5, data()?.intervalSeconds ?? 15) * 1000);
  return (
    <div data-testid="metrics-widget" class="stack">
      <Show when={data.error}>
        <p role="alert" class="small" style={{ color: "var(--an-danger)" }}>
          {(data.error as Error).message}
        </p>
      </Show>
      <Show when={data()} fallback={<p class="muted small">Loading…</p>}>
        {(d) => (
          <Show
            when={d().hosts.length > 0}
            fallback={
              <p class="muted small">
                No SSH hosts yet. Add one in <a href="/settings/integrations">Settings → Integrations</a>.
              </p>
            }
          >
            <div style={{ display: "grid", gap: "14px" }}>
              <For each={d().hosts}>
                {(h) => (
                  <a
                    href="/metrics"
                    data-testid="metrics-host"
                    data-host={h.name}
                    data-state={h.state}
                    style={{ display: "grid", gap: "6px", color: "inherit", "text-decoration": "none", opacity: dimmed(h) ? "0.5" : "1" }}
                    title={h.lastError?.message ?? h.address}
                  >
                    <span style={{ display: "flex", "align-items": "center", gap: "8px", "min-width": "0" }}>
                      <StateDot up={h.up} />
                      <span class="cell-title" style={{ overflow: "hidden", "text-overflow": "ellipsis", "white-space": "nowrap" }}>
                        {h.name}
                      </span>
                      <span class="small muted" data-testid="metrics-host-note" style={{ "margin-left": "auto", "white-space": "nowrap" }}>
                        {stateNote(h) ?? h.address}
                      </span>
                    </span>
                    <span style={{ display: "grid", "grid-template-columns": "repeat(3, minmax(0, 1fr))", gap: "12px" }}>
                      <For each={METRICS}>
                        {(m) => (
                          <span style={{ display: "grid", gap: "3px", "min-width": "0" }}>
                            <span class="small muted" style={{ display: "flex", "justify-content": "space-between", gap: "4px" }}>
                              <span>{METRIC_LABEL[m]}</span>
                              <span style={{ color: METRIC_COLOR[m] }}>{formatPercent(h.latest?.[m])}</span>
                            </span>
                            <Sparkline points={h.spark} metric={m} height={24} />
                          </span>
                        )}
                      </For>
                    </span>
                  </a>
                )}
              </For>
            </div>
          </Show>
        )}
      </Show>
    </div>
  );
}

const RANGES = [
  { id: "1h", label: "1 hour", ms: 3_600_000 },
  { id: "6h", label: "6 hours", ms: 6 * 3_600_000 },
  { id: "24h", label: "24 hours", ms: 24 * 3_600_000 },
] as const;

/** The Metrics page: pick a host and a range; charts of CPU, memory and disk with current values. */
export function MetricsPage() {
  const [data, { refetch }] = createResource(() => api<HostsBody>("/hosts"));
  const [hostId, setHostId] = createSignal<string>();
  const [range, setRange] = createSignal<(typeof RANGES)[number]>(RANGES[0]);
  const [busy, setBusy] = createSignal(false);
  const [error, setError] = createSignal<string>();
  const selected = () => data()?.hosts.find((h) => h.id === hostId()) ?? data()?.hosts[0];
  const [history, { refetch: refetchHistory }] = createResource(
    () => (selected() ? { id: selected()?.id as string, range: range().id } : undefined),
    (q) => api<{ points: Point[] }>(`/history?host=${encodeURIComponent(q.id)}&range=${q.range}`),
  );
  usePolling(
    () => {
      void refetch();
      void refetchHistory();
    },
    () => Math.max(5, data()?.intervalSeconds ?? 15) * 1000,
  );

  const sampleNow = async () => {
    const h = selected();
    if (!h) return;
    setBusy(true);
    setError(undefined);
    try {
      await api(`/sample?host=${encodeURIComponent(h.id)}`, { method: "POST" });
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
      void refetch();
      void refetchHistory();
    }
  };

  const now = () => selected()?.latest?.t ?? Date.now();
  // A fresh host has minutes of data, not hours: start the axis where the data starts (a 1-minute
  // minimum), so the first samples read as a line and not a sliver at the right edge.
  const from = () => {
    const first = history()?.points[0]?.t;
    const start = now() - range().ms;
    return first === undefined ? start : Math.max(start, Math.min(first, now() - 60_000));
  };
  return (
    <div class="page" data-testid="metrics-page">
      <header class="page-header">
        <div>
          <h1>Metrics</h1>
          <p class="page-header__desc">CPU, memory and disk of your SSH hosts, sampled every {data()?.intervalSeconds ?? 15} s over SSH.</p>
        </div>
        <div class="page-header__actions row">
          <button type="button" class="btn btn--sm" onClick={sampleNow} disabled={busy() || !selected()}>
            {busy() ? "Sampling…" : "Sample now"}
          </button>
        </div>
      </header>
      <Show when={error()}>
        <p role="alert" class="form-error">
          {error()}
        </p>
      </Show>
      <Show when={data()} fallback={<p class="muted">Loading…</p>}>
        {(d) => (
          <Show
            when={d().hosts.length > 0}
            fallback={
              <div class="card">
                <p>No SSH hosts yet.</p>
                <p class="muted small">
                  Add one in <a href="/settings/integrations">Settings → Integrations</a>; its metrics appear here within one interval.
                </p>
              </div>
            }
          >
            <div class="toolbar">
              <fieldset class="row row--tight" aria-label="Host" style={{ border: "0", padding: "0", margin: "0", "flex-wrap": "wrap" }}>
                <For each={d().hosts}>
                  {(h) => (
                    <button
                      type="button"
                      class={`btn btn--sm ${selected()?.id === h.id ? "" : "btn--ghost"}`}
                      aria-pressed={selected()?.id === h.id}
                      data-state={h.state}
                      style={{ opacity: dimmed(h) ? "0.6" : "1" }}
                      onClick={() => setHostId(h.id)}
                    >
                      <span style={{ display: "inline-flex", "align-items": "center", gap: "7px" }}>
                        <StateDot up={h.up} />
                        {h.name}
                      </span>
                    </button>
                  )}
                </For>
              </fieldset>
              <fieldset class="row row--tight" aria-label="Range" style={{ border: "0", padding: "0", margin: "0" }}>
                <For each={RANGES}>
                  {(r) => (
                    <button
                      type="button"
                      class={`btn btn--sm ${range().id === r.id ? "btn--accent" : "btn--ghost"}`}
                      aria-pressed={range().id === r.id}
                      onClick={() => setRange(r)}
                    >
                      {r.label}
                    </button>
                  )}
                </For>
              </fieldset>
            </div>
            <Show when={selected()}>
              {(h) => (
                <>
                  <Show when={h().up === false && h().lastError}>
                    {(e) => (
                      <div class="card" role="alert" style={{ "border-color": "var(--an-danger)" }}>
                        <strong>{h().name} is not answering.</strong> <span class="muted">{e().message}</span> <span class="mono small muted">{e().code}</span>
                      </div>
                    )}
                  </Show>
                  <Show when={h().state === "stale" || h().state === "late"}>
                    <p class="small muted" data-testid="metrics-stale" role="status">
                      {h().state === "stale"
                        ? `${h().name} is slow to answer: these are its last readings, ${formatAge(h().ageMs ?? 0)} old.`
                        : `${h().name} is slow to answer: its first sample is still under way.`}
                    </p>
                  </Show>
                  <div
                    class="grid"
                    data-state={h().state}
                    style={{
                      display: "grid",
                      "grid-template-columns": "repeat(auto-fit, minmax(220px, 1fr))",
                      gap: "14px",
                      opacity: dimmed(h()) ? "0.5" : "1",
                    }}
                  >
                    <div class="card stat">
                      <span class="stat__label">CPU</span>
                      <span class="stat__value">{formatPercent(h().latest?.cpu)}</span>
                      <span class="small muted">busy since the previous sample</span>
                    </div>
                    <div class="card stat">
                      <span class="stat__label">Memory</span>
                      <span class="stat__value">{formatPercent(h().latest?.mem)}</span>
                      <span class="small muted">
                        {h().latest ? `${formatBytes(h().latest?.memUsed ?? 0)} of ${formatBytes(h().latest?.memTotal ?? 0)}` : "–"}
                      </span>
                    </div>
                    <div class="card stat">
                      <span class="stat__label">Disk /</span>
                      <span class="stat__value">{formatPercent(h().latest?.disk)}</span>
                      <span class="small muted">
                        {h().latest ? `${formatBytes(h().latest?.diskUsed ?? 0)} of ${formatBytes(h().latest?.diskTotal ?? 0)}` : "–"}
                      </span>
                    </div>
                  </div>
                  <For each={METRICS}>
                    {(m) => (
                      <section class="card" aria-label={`${METRIC_LABEL[m]} chart`}>
                        <h2 class="card__title" style={{ "margin-bottom": "10px" }}>
                          {METRIC_LABEL[m]} <span class="muted small">· last {range().label}</span>
                        </h2>
                        <LineChart points={history()?.points ?? []} metric={m} from={from()} to={now()} />
                      </section>
                    )}
                  </For>
                </>
              )}
            </Show>
          </Show>
        )}
      </Show>
    </div>
  );
}
