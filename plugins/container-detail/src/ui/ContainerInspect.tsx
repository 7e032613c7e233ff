/**
 * The Container Detail View in the Docker page's container detail (`docker.container.detail@1`): state and
 * health, limits, ports, networks, mounts (a volume opens the containers that share it), environment with
 * values hidden until an admin reveals them, labels, the image's layers and history, and the log searched
 * whole or downloaded.
 */
import { describeError, ErrorState, formatBytes, formatDateTime, formatDuration, formatRelativeTime, pluginApi, useShell } from "@archnest/sdk/web";
import { createResource, createSignal, For, type JSX, Show } from "solid-js";
import type { ContainerDetail, ImageDetail, LogSearch, VolumeDetail } from "../server.js";

const api = pluginApi("container-detail");

interface Props {
  source: { id: string; name: string };
  container: { id: string; name: string };
}

type Section = "overview" | "network" | "storage" | "environment" | "labels" | "image" | "logs";
const SECTIONS: [Section, string][] = [
  ["overview", "Overview"],
  ["network", "Network"],
  ["storage", "Storage"],
  ["environment", "Environment"],
  ["labels", "Labels"],
  ["image", "Image"],
  ["logs", "Logs"],
];

const words = (parts: string[]) => (parts.length ? parts.join(" ") : "–");

export function ContainerInspect(props: Props): JSX.Element {
  const base = () => `/sources/${encodeURIComponent(props.source.id)}/containers/${encodeURIComponent(props.container.id)}`;
  const [detail, { refetch }] = createResource(base, (path) => api<ContainerDetail>(path));
  const [section, setSection] = createSignal<Section>("overview");
  return (
    <section class="cd" data-testid="container-inspect" style={{ width: "100%" }}>
      <style>{CSS}</style>
      <nav class="tabs cd-tabs" aria-label={`Details of ${props.container.name}`}>
        <For each={SECTIONS}>
          {([id, label]) => (
            <button type="button" class="tab" aria-current={section() === id ? "page" : undefined} data-section={id} onClick={() => setSection(id)}>
              {label}
            </button>
          )}
        </For>
        <button type="button" class="btn btn--ghost btn--sm cd-refresh" onClick={() => void refetch()}>
          Refresh
        </button>
      </nav>
      <Show when={detail.error}>{(e) => <ErrorState title="Could not inspect the container" error={e()} />}</Show>
      <Show when={detail()}>
        {(d) => (
          <div class="cd-body" data-section-shown={section()}>
            <Show when={section() === "overview"}>
              <Overview d={d()} />
            </Show>
            <Show when={section() === "network"}>
              <Network d={d()} />
            </Show>
            <Show when={section() === "storage"}>
              <Storage d={d()} sourceId={props.source.id} />
            </Show>
            <Show when={section() === "environment"}>
              <Environment d={d()} path={base()} />
            </Show>
            <Show when={section() === "labels"}>
              <Pairs rows={d().labels} empty="No labels." testid="cd-labels" />
            </Show>
            <Show when={section() === "image"}>
              <Image sourceId={props.source.id} imageId={d().imageId} />
            </Show>
            <Show when={section() === "logs"}>
              <Logs path={base()} />
            </Show>
          </div>
        )}
      </Show>
    </section>
  );
}

function Overview(props: { d: ContainerDetail }): JSX.Element {
  const s = () => props.d.state;
  const h = () => props.d.health;
  return (
    <div class="cd-grid">
      <dl class="kv small" data-testid="cd-overview">
        <dt>State</dt>
        <dd>
          {s().status}
          <Show when={s().running && s().startedAt}>{(t) => ` · up ${formatDuration(Date.now() - t())}`}</Show>
          <Show when={!s().running && s().finishedAt}>{(t) => ` · exit ${s().exitCode}, ${formatRelativeTime(t())}`}</Show>
          <Show when={s().oomKilled}> · killed: out of memory</Show>
        </dd>
        <dt>Restart policy</dt>
        <dd>
          {props.d.restartPolicy.name}
          {props.d.restartPolicy.maximumRetryCount ? ` (up to ${props.d.restartPolicy.maximumRetryCount} tries)` : ""} · restarted {s().restartCount}×
        </dd>
        <dt>Limits</dt>
        <dd data-testid="cd-limits">
          memory {props.d.resources.memoryBytes ? formatBytes(props.d.resources.memoryBytes) : "unlimited"} · CPUs {props.d.resources.cpus ?? "all"} · processes{" "}
          {props.d.resources.pidsLimit ?? "unlimited"}
        </dd>
        <dt>Command</dt>
        <dd class="mono">{words([...props.d.entrypoint, ...props.d.command])}</dd>
        <dt>Working dir · user</dt>
        <dd class="mono">
          {props.d.workingDir || "/"} · {props.d.user || "root (image default)"}
        </dd>
        <dt>Created</dt>
        <dd>{formatDateTime(props.d.createdAt)}</dd>
        <Show when={props.d.privileged || props.d.readOnlyRootfs}>
          <dt>Security</dt>
          <dd>{[props.d.privileged && "privileged", props.d.readOnlyRootfs && "read-only root filesystem"].filter(Boolean).join(" · ")}</dd>
        </Show>
      </dl>
      <div data-testid="cd-health">
        <h4 class="cd-h">Health check</h4>
        <Show when={h()} fallback={<p class="muted small">No health check is configured.</p>}>
          {(hc) => (
            <>
              <p class="small">
                <span
                  class={`badge badge--${hc().status === "healthy" ? "success" : hc().status === "unhealthy" ? "danger" : "warning"}`}
                  data-testid="cd-health-status"
                >
                  {hc().status ?? "not running"}
                </span>{" "}
                <span class="mono">{words(hc().test.slice(1))}</span> every {hc().intervalMs ?? 30_000} ms
                <Show when={hc().failingStreak > 0}> · failing {hc().failingStreak}× in a row</Show>
              </p>
              <ol class="cd-checks small">
                <For each={[...hc().log].reverse()}>
                  {(c) => (
                    <li>
                      <span class={`dot dot--${c.exitCode === 0 ? "success" : "danger"}`} /> {formatDateTime(c.end)} · exit {c.exitCode}
                      <Show when={c.output.trim()}>
                        <pre class="mono cd-pre">{c.output.trim()}</pre>
                      </Show>
                    </li>
                  )}
                </For>
              </ol>
            </>
          )}
        </Show>
      </div>
    </div>
  );
}

function Network(props: { d: ContainerDetail }): JSX.Element {
  return (
    <div class="stack">
      <h4 class="cd-h">Ports</h4>
      <Show when={props.d.ports.length > 0} fallback={<p class="muted small">No ports are exposed.</p>}>
        <table class="table small" data-testid="cd-ports">
          <thead>
            <tr>
              <th>Container</th>
              <th>Published on</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.d.ports}>
              {(p) => (
                <tr>
                  <td class="mono">
                    {p.container}/{p.protocol}
                  </td>
                  <td class="mono">{p.hostPort ? `${p.hostIp || "0.0.0.0"}:${p.hostPort}` : "not published"}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
      <h4 class="cd-h">Networks · mode {props.d.networkMode || "default"}</h4>
      <Show when={props.d.networks.length > 0} fallback={<p class="muted small">Not attached to a network.</p>}>
        <table class="table small" data-testid="cd-networks">
          <thead>
            <tr>
              <th>Network</th>
              <th>Address</th>
              <th>Gateway</th>
              <th>MAC</th>
            </tr>
          </thead>
          <tbody>
            <For each={props.d.networks}>
              {(n) => (
                <tr>
                  <td>{n.name}</td>
                  <td class="mono">{n.ip || "–"}</td>
                  <td class="mono">{n.gateway || "–"}</td>
                  <td class="mono">{n.mac || "–"}</td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </Show>
    </div>
  );
}

function Storage(props: { d: ContainerDetail; sourceId: string }): JSX.Element {
  const [open, setOpen] = createSignal<string>();
  const [volume] = createResource(open, (name) => api<VolumeDetail>(`/sources/${encodeURIComponent(props.sourceId)}/volumes/${encodeURIComponent(name)}`));
  return (
    <Show when={props.d.mounts.length > 0} fallback={<p class="muted small">No mounts.</p>}>
      <table class="table small" data-testid="cd-mounts">
        <thead>
          <tr>
            <th>In the container</th>
            <th>From</th>
            <th>Access</th>
          </tr>
        </thead>
        <tbody>
          <For each={props.d.mounts}>
            {(m) => (
              <tr>
                <td class="mono">{m.destination}</td>
                <td class="mono">
                  <Show when={m.type === "volume" && m.name} fallback={`${m.type}: ${m.source}`}>
                    <button type="button" class="btn btn--ghost btn--sm" onClick={() => setOpen(m.name ?? undefined)} data-testid="cd-volume">
                      volume {m.name}
                    </button>
                  </Show>
                </td>
                <td>{m.readWrite ? "read-write" : "read-only"}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
      <Show when={volume()}>
        {(v) => (
          <div class="card cd-card" data-testid="cd-volume-detail">
            <strong>{v().name}</strong>{" "}
            <span class="muted small">
              {v().driver} · {v().mountpoint}
            </span>
            <p class="small">
              Mounted by{" "}
              <For each={v().usedBy}>
                {(u, i) => (
                  <>
                    {i() > 0 ? ", " : ""}
                    <strong>{u.name}</strong> ({u.state}) at <span class="mono">{u.destination}</span>
                  </>
                )}
              </For>
            </p>
            <Show when={v().labels.length > 0}>
              <Pairs rows={v().labels} empty="" testid="cd-volume-labels" />
            </Show>
          </div>
        )}
      </Show>
    </Show>
  );
}

function Environment(props: { d: ContainerDetail; path: string }): JSX.Element {
  const admin = () => useShell().user()?.role === "admin";
  const [values, setValues] = createSignal<Map<string, string>>();
  const [error, setError] = createSignal<string>();
  const reveal = async () => {
    setError(undefined);
    try {
      const { env } = await api<{ env: { name: string; value: string }[] }>(`${props.path}/env`);
      setValues(new Map(env.map((e) => [e.name, e.value])));
    } catch (err) {
      setError(describeError(err));
    }
  };
  return (
    <div class="stack">
      <div class="row row--tight" style={{ "flex-wrap": "wrap" }}>
        <Show
          when={values()}
          fallback={
            <Show when={admin()} fallback={<span class="muted small">Values are hidden; an admin can reveal them.</span>}>
              <button type="button" class="btn btn--ghost btn--sm" onClick={() => void reveal()} data-testid="cd-reveal">
                Reveal values
              </button>
            </Show>
          }
        >
          <button type="button" class="btn btn--ghost btn--sm" onClick={() => setValues(undefined)} data-testid="cd-hide">
            Hide values
          </button>
        </Show>
        <span class="muted small">{props.d.env.length} variables</span>
      </div>
      <Show when={error()}>
        <p role="alert" class="form-error">
          {error()}
        </p>
      </Show>
      <table class="table small" data-testid="cd-env">
        <tbody>
          <For each={props.d.env}>
            {(e) => (
              <tr data-env={e.name}>
                <td class="mono">{e.name}</td>
                <td class="mono cd-value">{values()?.get(e.name) ?? "••••••••"}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </div>
  );
}

function Pairs(props: { rows: { name: string; value: string }[]; empty: string; testid: string }): JSX.Element {
  return (
    <Show when={props.rows.length > 0} fallback={<p class="muted small">{props.empty}</p>}>
      <table class="table small" data-testid={props.testid}>
        <tbody>
          <For each={props.rows}>
            {(r) => (
              <tr>
                <td class="mono">{r.name}</td>
                <td class="mono cd-value">{r.value}</td>
              </tr>
            )}
          </For>
        </tbody>
      </table>
    </Show>
  );
}

function Image(props: { sourceId: string; imageId: string }): JSX.Element {
  const [image] = createResource(
    () => props.imageId,
    (id) => api<ImageDetail>(`/sources/${encodeURIComponent(props.sourceId)}/images/${encodeURIComponent(id)}`),
  );
  return (
    <>
      <Show when={image.error}>{(e) => <ErrorState title="Could not inspect the image" error={e()} />}</Show>
      <Show when={image()}>
        {(i) => (
          <div class="stack" data-testid="cd-image">
            <dl class="kv small">
              <dt>Tags</dt>
              <dd class="mono">{i().tags.join(", ") || "untagged"}</dd>
              <dt>ID</dt>
              <dd class="mono">{i().id.slice(0, 19)}</dd>
              <dt>Size · platform</dt>
              <dd>
                {formatBytes(i().sizeBytes)} · {i().platform || "–"}
              </dd>
              <dt>Created</dt>
              <dd>{formatDateTime(i().createdAt)}</dd>
              <dt>Layers</dt>
              <dd>{i().layers.length}</dd>
              <dt>Containers from it</dt>
              <dd>
                {i()
                  .containers.map((c) => `${c.name} (${c.state})`)
                  .join(", ") || "none"}
              </dd>
            </dl>
            <h4 class="cd-h">History</h4>
            <table class="table small" data-testid="cd-history">
              <thead>
                <tr>
                  <th>Created</th>
                  <th>Step</th>
                  <th>Size</th>
                </tr>
              </thead>
              <tbody>
                <For each={i().history}>
                  {(step) => (
                    <tr>
                      <td>{formatRelativeTime(step.createdAt)}</td>
                      <td class="mono cd-value">{step.createdBy || step.comment || "–"}</td>
                      <td>{formatBytes(step.sizeBytes)}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        )}
      </Show>
    </>
  );
}

function Logs(props: { path: string }): JSX.Element {
  const [query, setQuery] = createSignal("");
  const [result, setResult] = createSignal<LogSearch>();
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const search = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      setResult(await api<LogSearch>(`${props.path}/logs/search?${new URLSearchParams({ q: query() })}`));
    } catch (err) {
      setError(describeError(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="stack">
      <form class="row row--tight" style={{ "flex-wrap": "wrap" }} onSubmit={search} data-testid="cd-log-search">
        <input
          type="search"
          placeholder="Search the whole log"
          value={query()}
          onInput={(e) => setQuery(e.currentTarget.value)}
          maxLength={200}
          required
          aria-label="Search the log"
        />
        <button type="submit" class="btn btn--accent btn--sm" disabled={busy()}>
          {busy() ? "Searching…" : "Search"}
        </button>
        <a class="btn btn--ghost btn--sm" href={`/api/plugins/container-detail${props.path}/logs/download`} download="" data-testid="cd-log-download">
          Download log
        </a>
        <span class="muted small">Follow it live with Logs in the container's row.</span>
      </form>
      <Show when={error()}>
        <p role="alert" class="form-error">
          {error()}
        </p>
      </Show>
      <Show when={result()}>
        {(r) => (
          <>
            <p class="small" data-testid="cd-log-count">
              {r().matches.length}
              {r().truncated ? "+" : ""} of {r().scanned} lines match “{r().query}”
            </p>
            <pre class="mono cd-pre cd-log" data-testid="cd-log-matches">
              <For each={r().matches}>
                {(m) => (
                  <div class={m.stream === "stderr" ? "cd-err" : ""}>
                    <span class="muted">{String(m.line).padStart(6)} </span>
                    {m.time ? `${m.time.slice(11, 19)} ` : ""}
                    {m.text}
                  </div>
                )}
              </For>
            </pre>
          </>
        )}
      </Show>
    </div>
  );
}

const CSS = `
.cd-tabs { flex-wrap: wrap; margin-bottom: 10px; }
.cd-tabs .tab { background: none; border: 0; cursor: pointer; font: inherit; }
.cd-refresh { margin-left: auto; }
.cd-grid { display: grid; grid-template-columns: minmax(0, 3fr) minmax(0, 2fr); gap: 18px; }
@media (max-width: 720px) { .cd-grid { grid-template-columns: minmax(0, 1fr); } }
.cd-h { margin: 0 0 6px; font-size: 13px; }
.cd-checks { list-style: none; padding: 0; margin: 0; display: grid; gap: 4px; }
.cd-pre { white-space: pre-wrap; word-break: break-all; margin: 4px 0 0; font-size: 12px; }
.cd-log { max-height: 320px; overflow: auto; background: var(--an-surface-2, rgba(0,0,0,.25)); padding: 8px; border-radius: 6px; }
.cd-err { color: var(--an-danger); }
.cd-value { word-break: break-all; }
.cd-card { padding: 10px 12px; margin-top: 10px; }
.cd .table { width: 100%; }
`;
