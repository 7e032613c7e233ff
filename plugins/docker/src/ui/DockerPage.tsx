import {
  ApiError,
  Dialog,
  describeError,
  ErrorState,
  formatBytes,
  formatDateTime,
  isModuleRequired,
  Lock,
  Slot,
  type SlotProps,
  Table,
  useShell,
} from "@archnest/sdk/web";
import { createMemo, createResource, createSignal, For, type JSX, Match, onCleanup, Show, Switch } from "solid-js";
import { countsAgainstCap } from "../sources/kinds.js";
import {
  api,
  CAP_REASON,
  type ContainerView,
  formatPercent,
  formatUptime,
  lockedModule,
  lockedReason,
  portsText,
  type SourceOverview,
  type SourcesAnswer,
  stateTone,
  type Usage,
} from "./api.js";
import { LogsModal } from "./LogsModal.js";
import { SourceForm } from "./SourceForm.js";
import { ContainerActionsSlot, ContainerDetailSlot } from "./slots.js";

const DOT = { display: "inline-block", "vertical-align": "middle", "margin-right": "4px" } as const;

function message(err: unknown): string {
  if (err instanceof ApiError && !err.code.startsWith("HTTP_")) return `${err.message} (${err.code}${err.requestId ? `, request ${err.requestId}` : ""})`;
  return describeError(err);
}

function notify(text: string, tone: "info" | "success" | "error" = "info") {
  try {
    useShell().notify(text, tone);
  } catch {
    // Outside the shell there is nowhere to show it.
  }
}

const isAdmin = () => {
  try {
    return useShell().user()?.role === "admin";
  } catch {
    return false;
  }
};

/** The Docker page: sources, then containers, images, volumes and networks of the chosen one. */
export function DockerPage(_props: Partial<SlotProps>): JSX.Element {
  const [sources, { refetch }] = createResource(() => api<SourcesAnswer>("/sources"));
  const [overview, { refetch: refetchOverview }] = createResource(() => api<{ sources: SourceOverview[] }>("/overview"));
  const [selected, setSelected] = createSignal<string>();
  const [adding, setAdding] = createSignal(false);
  const current = createMemo(() => {
    const list = sources()?.sources ?? [];
    return list.find((s) => s.id === selected()) ?? list[0];
  });
  const statusOf = (id: string) => overview()?.sources.find((s) => s.id === id);
  const capReached = () => {
    const s = sources();
    // Agent sources do not count against the free cap: with only those, a unix or TCP source can still be added.
    return s !== undefined && s.limit.cap !== null && s.sources.filter((x) => countsAgainstCap(x.kind)).length >= s.limit.cap;
  };
  const reload = async () => {
    await refetch();
    await refetchOverview();
  };

  return (
    <div class="page" data-testid="docker-page">
      <header class="page-header">
        <div>
          <h1>Docker</h1>
          <p class="page-header__desc">Containers, images, volumes and networks of your Docker engines.</p>
        </div>
        <div class="page-header__actions">
          <Show when={isAdmin() && (sources()?.sources.length ?? 0) > 0}>
            <Show
              when={!capReached()}
              fallback={
                // The reason is written out beside the lock, not left to its tooltip.
                <span class="row row--tight small muted" data-testid="cap-reason" style={{ "flex-wrap": "wrap" }}>
                  <span>{CAP_REASON} Unlock with</span>
                  <Lock module={sources()?.limit.module ?? "docker-over-ssh"} variant="inline" reason={CAP_REASON} />
                </span>
              }
            >
              <button type="button" class="btn btn--ghost" onClick={() => setAdding(true)}>
                Add source
              </button>
            </Show>
          </Show>
        </div>
      </header>

      <Show when={sources.error}>{(e) => <ErrorState title="Could not load Docker sources" error={e()} />}</Show>

      <Show when={sources()}>
        {(s) => (
          <Show
            when={s().sources.length > 0}
            fallback={
              <section class="card" style={{ padding: "20px", "max-width": "640px" }}>
                <h2 class="card__title">Connect a Docker engine</h2>
                <Show when={isAdmin()} fallback={<p class="muted">An admin adds Docker engines here.</p>}>
                  <SourceForm
                    suggested={s().suggested}
                    ssh={s().ssh}
                    agent={s().agent}
                    onSaved={async () => {
                      await reload();
                      notify("Docker source added", "success");
                    }}
                  />
                </Show>
              </section>
            }
          >
            <Show when={s().sources.length > 1}>
              <nav class="tabs" aria-label="Docker sources" style={{ "margin-bottom": "16px" }}>
                <For each={s().sources}>
                  {(src) => (
                    <button
                      type="button"
                      class="tab"
                      aria-current={current()?.id === src.id ? "page" : undefined}
                      style={{ background: "none", border: "0", cursor: "pointer" }}
                      onClick={() => setSelected(src.id)}
                    >
                      <span class={`dot dot--${statusOf(src.id)?.status === "ok" ? "success" : statusOf(src.id) ? "danger" : "muted"}`} style={DOT} />{" "}
                      {src.name}
                    </button>
                  )}
                </For>
              </nav>
            </Show>
            <Show when={current()} keyed>
              {(src) => <SourcePanel source={src} status={statusOf(src.id)} module={s().limit.module} ssh={s().ssh} agent={s().agent} onChanged={reload} />}
            </Show>
          </Show>
        )}
      </Show>

      <Dialog open={adding()} title="Add a Docker source" onClose={() => setAdding(false)}>
        <SourceForm
          suggested={null}
          ssh={sources()?.ssh}
          agent={sources()?.agent}
          onSaved={async () => {
            setAdding(false);
            await reload();
          }}
        />
      </Dialog>
    </div>
  );
}

type Tab = "containers" | "images" | "volumes" | "networks";

function SourcePanel(props: {
  source: SourcesAnswer["sources"][number];
  status: SourceOverview | undefined;
  module: string;
  ssh: SourcesAnswer["ssh"];
  agent: SourcesAnswer["agent"];
  onChanged: () => Promise<void>;
}): JSX.Element {
  const [tab, setTab] = createSignal<Tab>("containers");
  // An agent carries only the container actions its admin allows; the others are not offered.
  const agentActions = () => (props.source.kind === "agent" ? (props.agent?.hosts.find((h) => h.id === props.source.hostId)?.actions ?? []) : undefined);
  const [confirmRemove, setConfirmRemove] = createSignal(false);
  const [editing, setEditing] = createSignal(false);
  const removeSource = async () => {
    try {
      await api(`/sources/${props.source.id}`, { method: "DELETE" });
      setConfirmRemove(false);
      await props.onChanged();
    } catch (err) {
      notify(message(err), "error");
    }
  };
  return (
    <section class="stack" data-source-id={props.source.id}>
      <div class="card" style={{ padding: "14px 18px", display: "flex", "align-items": "center", gap: "14px", "flex-wrap": "wrap" }}>
        <span class={`dot dot--${props.status?.status === "ok" ? "success" : props.status ? "danger" : "muted"}`} style={DOT} aria-hidden="true" />
        {/* At least 240 px for the name and status: on a phone the buttons wrap below rather than squeeze them. */}
        <div style={{ flex: "1", "min-width": "min(100%, 240px)" }}>
          <strong>{props.source.name}</strong> <span class="mono small muted">{props.source.address}</span>
          <Show when={props.source.locked}>
            {" "}
            <span class="badge badge--warning">read-only</span>
          </Show>
          <div class="small muted" data-testid="source-status">
            <Switch fallback="Checking…">
              <Match when={props.status?.status === "ok"}>
                Docker {props.status?.engine?.version} · API {props.status?.engine?.apiVersion} · {props.status?.engine?.os}/{props.status?.engine?.arch}
              </Match>
              <Match when={props.status && props.status.status !== "ok"}>
                <span style={{ color: "var(--an-danger)" }} role="alert">
                  {props.status?.status === "unreachable" ? "Unreachable: " : "Error: "}
                  {props.status?.error?.message}
                </span>
              </Match>
            </Switch>
          </div>
        </div>
        <Show when={isAdmin()}>
          <div class="row row--tight">
            <Show when={!props.source.locked}>
              <button type="button" class="btn btn--ghost btn--sm" onClick={() => setEditing(true)} aria-label={`Edit ${props.source.name}`}>
                Edit
              </button>
            </Show>
            <button type="button" class="btn btn--ghost btn--sm" onClick={() => setConfirmRemove(true)}>
              Remove source
            </button>
          </div>
        </Show>
        <Show when={props.source.locked}>
          <div style={{ "flex-basis": "100%" }} data-testid="locked-reason">
            <Lock module={lockedModule(props.source, props.module)} reason={lockedReason(props.source)} />
          </div>
        </Show>
      </div>
      <Dialog open={editing()} title={`Edit ${props.source.name}`} onClose={() => setEditing(false)}>
        <SourceForm
          suggested={null}
          ssh={props.ssh}
          agent={props.agent}
          source={props.source}
          onSaved={async () => {
            setEditing(false);
            await props.onChanged();
            notify("Docker source saved", "success");
          }}
        />
      </Dialog>
      <nav class="tabs" aria-label="Docker resources">
        <For each={["containers", "images", "volumes", "networks"] as Tab[]}>
          {(t) => (
            <button
              type="button"
              class="tab"
              aria-current={tab() === t ? "page" : undefined}
              style={{ background: "none", border: "0", cursor: "pointer", "text-transform": "capitalize" }}
              onClick={() => setTab(t)}
            >
              {t}
            </button>
          )}
        </For>
      </nav>
      <Switch>
        <Match when={tab() === "containers"}>
          <ContainersTab source={props.source} actions={agentActions()} />
        </Match>
        <Match when={tab() === "images"}>
          <ListTab
            sourceId={props.source.id}
            path="images"
            columns={["Tags", "ID", "Size", "Created"]}
            row={(i: { tags: string[]; id: string; size: number; createdAt: number }) => [
              i.tags.join(", ") || "<none>",
              i.id.replace("sha256:", "").slice(0, 12),
              formatBytes(i.size),
              formatDateTime(i.createdAt),
            ]}
          />
        </Match>
        <Match when={tab() === "volumes"}>
          <ListTab
            sourceId={props.source.id}
            path="volumes"
            columns={["Name", "Driver", "Mountpoint"]}
            row={(v: { name: string; driver: string; mountpoint: string }) => [v.name, v.driver, v.mountpoint]}
          />
        </Match>
        <Match when={tab() === "networks"}>
          <ListTab
            sourceId={props.source.id}
            path="networks"
            columns={["Name", "Driver", "Scope", "Subnets"]}
            row={(n: { name: string; driver: string; scope: string; subnets: string[] }) => [n.name, n.driver, n.scope, n.subnets.join(", ") || "–"]}
          />
        </Match>
      </Switch>
      <Dialog
        open={confirmRemove()}
        title={`Remove ${props.source.name}?`}
        onClose={() => setConfirmRemove(false)}
        footer={
          <>
            <button type="button" class="btn btn--ghost" onClick={() => setConfirmRemove(false)}>
              Cancel
            </button>
            <button type="button" class="btn btn--danger" onClick={removeSource}>
              Remove source
            </button>
          </>
        }
      >
        <p>ArchNest stops managing this engine. Nothing changes on the engine itself: its containers keep running.</p>
      </Dialog>
    </section>
  );
}

function ListTab<T>(props: { sourceId: string; path: string; columns: string[]; row: (item: T) => string[] }): JSX.Element {
  const [data] = createResource(() => api<Record<string, T[]>>(`/sources/${props.sourceId}/${props.path}`));
  const columns = () => props.columns.map((header, i) => ({ header, cell: (item: T) => props.row(item)[i], ...(i > 0 && { class: "mono small" }) }));
  return (
    <Show when={!data.error} fallback={<ErrorState title={`Could not list ${props.path}`} error={data.error} />}>
      <Table label={props.path} data-testid={`${props.path}-table`} columns={columns()} rows={data.loading ? undefined : (data()?.[props.path] ?? [])} />
    </Show>
  );
}

/** `actions`: the only container actions offered (an agent source's allowed ones); all when left out. */
function ContainersTab(props: { source: SourcesAnswer["sources"][number]; actions?: readonly string[] | undefined }): JSX.Element {
  const offers = (action: string) => props.actions === undefined || props.actions.includes(action);
  const base = `/sources/${props.source.id}/containers`;
  const [list, { refetch }] = createResource(() => api<{ containers: ContainerView[] }>(base));
  const [usage, { refetch: refetchUsage }] = createResource(() => api<{ usage: Usage[] }>(`${base}/usage`).catch(() => ({ usage: [] as Usage[] })));
  const [busy, setBusy] = createSignal<string>();
  const [logsOf, setLogsOf] = createSignal<ContainerView>();
  const [removing, setRemoving] = createSignal<ContainerView>();
  const [force, setForce] = createSignal(false);
  const [lock, setLock] = createSignal<{ module: string }>();
  const [open, setOpen] = createSignal<string>();
  const usageOf = (id: string) => usage()?.usage.find((u) => u.id === id);
  const timer = setInterval(() => {
    void refetch();
    void refetchUsage();
  }, 10_000);
  onCleanup(() => clearInterval(timer));

  const act = async (c: ContainerView, action: "start" | "stop" | "restart") => {
    setBusy(`${c.id}:${action}`);
    try {
      await api(`${base}/${c.id}/${action}`, { method: "POST" });
      notify(`${c.name}: ${action === "stop" ? "stopped" : action === "start" ? "started" : "restarted"}`, "success");
    } catch (err) {
      if (isModuleRequired(err)) setLock({ module: err.module });
      else notify(`${c.name}: ${message(err)}`, "error");
    } finally {
      setBusy(undefined);
      await refetch();
      void refetchUsage();
    }
  };
  const remove = async () => {
    const c = removing();
    if (!c) return;
    setBusy(`${c.id}:remove`);
    try {
      await api(`${base}/${c.id}${force() ? "?force=1" : ""}`, { method: "DELETE" });
      notify(`${c.name} removed`, "success");
      setRemoving(undefined);
    } catch (err) {
      if (isModuleRequired(err)) setLock({ module: err.module });
      else notify(`${c.name}: ${message(err)}`, "error");
    } finally {
      setBusy(undefined);
      await refetch();
    }
  };

  return (
    <>
      <Show when={lock()}>{(l) => <Lock module={l().module} reason="Changes to this source need the module." />}</Show>
      <Show
        when={!list.error}
        fallback={
          <div data-testid="containers-error">
            <ErrorState title="Could not list containers" error={list.error} />
          </div>
        }
      >
        <div class="table-wrap">
          <table class="table" data-testid="containers-table">
            <thead>
              <tr>
                <th>Name</th>
                <th>State</th>
                <th>Image</th>
                <th>Ports</th>
                <th>CPU</th>
                <th>Memory</th>
                <th style={{ "text-align": "right" }}>Actions</th>
              </tr>
            </thead>
            <tbody>
              <For
                each={list()?.containers ?? []}
                fallback={
                  <tr>
                    <td colSpan={7} class="muted">
                      {list.loading ? "Loading…" : "No containers."}
                    </td>
                  </tr>
                }
              >
                {(c) => {
                  const running = () => c.state === "running";
                  const u = () => usageOf(c.id);
                  return (
                    <>
                      <tr data-container={c.name}>
                        <td>
                          <button
                            type="button"
                            class="cell-title"
                            aria-expanded={open() === c.id}
                            aria-label={`Details of ${c.name}`}
                            style={{
                              background: "none",
                              border: "0",
                              padding: "0",
                              color: "inherit",
                              cursor: "pointer",
                              font: "inherit",
                              "font-weight": "600",
                            }}
                            onClick={() => setOpen(open() === c.id ? undefined : c.id)}
                          >
                            {open() === c.id ? "▾" : "▸"} {c.name}
                          </button>
                          <div class="cell-sub mono small muted">{c.id.slice(0, 12)}</div>
                        </td>
                        <td>
                          <span class={`badge badge--${stateTone(c.state) === "muted" ? "" : stateTone(c.state)}`}>{c.state}</span>
                          <div class="cell-sub small muted" title={c.status}>
                            {running() && formatUptime(u()?.startedAt) ? `up ${formatUptime(u()?.startedAt)}` : c.status}
                          </div>
                        </td>
                        <td class="mono small" style={{ "white-space": "nowrap" }}>
                          {c.image}
                        </td>
                        <td class="mono small">{portsText(c) || "–"}</td>
                        <td class="mono small">{running() ? formatPercent(u()?.cpuPercent) : "–"}</td>
                        <td class="mono small">{running() ? formatBytes(u()?.memoryBytes) : "–"}</td>
                        <td style={{ "text-align": "right", "white-space": "nowrap" }}>
                          <Show
                            when={running()}
                            fallback={
                              <Show when={offers("start")}>
                                <button
                                  type="button"
                                  class="btn btn--ghost btn--sm"
                                  disabled={busy() !== undefined}
                                  onClick={() => act(c, "start")}
                                  aria-label={`Start ${c.name}`}
                                >
                                  Start
                                </button>
                              </Show>
                            }
                          >
                            <Show when={offers("stop")}>
                              <button
                                type="button"
                                class="btn btn--ghost btn--sm"
                                disabled={busy() !== undefined}
                                onClick={() => act(c, "stop")}
                                aria-label={`Stop ${c.name}`}
                              >
                                {busy() === `${c.id}:stop` ? "Stopping…" : "Stop"}
                              </button>
                            </Show>
                            <Show when={offers("restart")}>
                              <button
                                type="button"
                                class="btn btn--ghost btn--sm"
                                disabled={busy() !== undefined}
                                onClick={() => act(c, "restart")}
                                aria-label={`Restart ${c.name}`}
                              >
                                {busy() === `${c.id}:restart` ? "Restarting…" : "Restart"}
                              </button>
                            </Show>
                          </Show>
                          <button type="button" class="btn btn--ghost btn--sm" onClick={() => setLogsOf(c)} aria-label={`Logs of ${c.name}`}>
                            Logs
                          </button>
                          <Slot
                            def={ContainerActionsSlot}
                            props={{ source: { id: props.source.id, name: props.source.name }, container: c }}
                            inline
                            fallback={
                              c.state === "running" ? (
                                <Lock module="container-exec" variant="inline" reason="A shell in the container, in the browser terminal." />
                              ) : undefined
                            }
                          />
                          <Show when={offers("remove")}>
                            <button
                              type="button"
                              class="btn btn--ghost btn--sm"
                              style={{ color: "var(--an-danger)" }}
                              disabled={busy() !== undefined}
                              onClick={() => {
                                setForce(false);
                                setRemoving(c);
                              }}
                              aria-label={`Remove ${c.name}`}
                            >
                              Remove
                            </button>
                          </Show>
                        </td>
                      </tr>
                      <Show when={open() === c.id}>
                        <tr data-detail-of={c.name}>
                          <td colSpan={7} style={{ background: "var(--an-bg-sunken)" }}>
                            <ContainerDetail source={props.source} container={c} usage={u()} />
                          </td>
                        </tr>
                      </Show>
                    </>
                  );
                }}
              </For>
            </tbody>
          </table>
        </div>
      </Show>
      <LogsModal sourceId={props.source.id} container={logsOf()} onClose={() => setLogsOf(undefined)} />
      <Dialog
        open={removing() !== undefined}
        title={`Remove ${removing()?.name ?? ""}?`}
        onClose={() => setRemoving(undefined)}
        footer={
          <>
            <button type="button" class="btn btn--ghost" onClick={() => setRemoving(undefined)}>
              Cancel
            </button>
            <button type="button" class="btn btn--danger" data-testid="confirm-remove" disabled={removing()?.state === "running" && !force()} onClick={remove}>
              Remove container
            </button>
          </>
        }
      >
        <p>
          The container <strong>{removing()?.name}</strong> and its writable layer are deleted from the engine. Its image and named volumes stay.
        </p>
        <Show when={removing()?.state === "running"}>
          <label class="check">
            <input type="checkbox" checked={force()} onChange={(e) => setForce(e.currentTarget.checked)} /> It is running: stop it and remove it
          </label>
        </Show>
      </Dialog>
    </>
  );
}

/** The free detail of a container; the Container Detail View module (or any plugin) adds to it through `docker.container.detail@1`. */
function ContainerDetail(props: { source: SourcesAnswer["sources"][number]; container: ContainerView; usage: Usage | undefined }): JSX.Element {
  return (
    <div data-testid="container-detail" style={{ display: "grid", gap: "12px", "justify-items": "start" }}>
      <dl class="kv small">
        <dt>ID</dt>
        <dd class="mono">{props.container.id}</dd>
        <dt>Image</dt>
        <dd class="mono">{props.container.image}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(props.container.createdAt)}</dd>
        <dt>Status</dt>
        <dd>{props.container.status}</dd>
        <Show when={props.usage?.memoryLimit}>
          <dt>Memory limit</dt>
          <dd>{formatBytes(props.usage?.memoryLimit)}</dd>
        </Show>
      </dl>
      <Slot
        def={ContainerDetailSlot}
        props={{ source: { id: props.source.id, name: props.source.name }, container: props.container }}
        fallback={<Lock module="container-detail" variant="inline" reason="Full inspect: networks, mounts, environment, labels." />}
      />
    </div>
  );
}
