import { ApiError, Field, formatBytes, isModuleRequired, Lock, pluginApi, type SlotProps, Table } from "@archnest/sdk/web";
import { createResource, createSignal, For, onCleanup, Show } from "solid-js";
import { Portal } from "solid-js/web";
import type { TunnelKind, TunnelState, TunnelView } from "./server.js";

const api = pluginApi("tunnels");
type Body = { tunnels: TunnelView[]; hosts: { id: string; name: string; address: string }[]; autostart: { available: boolean; module: string } };

const POLL_MS = 2000;

const STATE_LABEL: Record<TunnelState, string> = { stopped: "Stopped", starting: "Starting", running: "Running", failed: "Failed", retrying: "Retrying" };
const STATE_DOT: Record<TunnelState, string> = {
  stopped: "dot--muted",
  starting: "dot--warning",
  running: "dot--success",
  failed: "dot--danger",
  retrying: "dot--warning",
};

function useTunnels() {
  const [data, { refetch }] = createResource(() => api<Body>("/tunnels"));
  const timer = setInterval(() => void refetch(), POLL_MS);
  onCleanup(() => clearInterval(timer));
  return [data, refetch] as const;
}

/** "127.0.0.1:8080 → web-1 → 127.0.0.1:80": where traffic enters, the SSH host, where it goes. */
function route(t: TunnelView, hostName: string): string {
  const bind = `${t.bindHost}:${t.port ?? (t.bindPort || "auto")}`;
  const target = `${t.targetHost}:${t.targetPort}`;
  return t.kind === "local" ? `ArchNest ${bind} → ${hostName} → ${target}` : `${hostName} ${bind} → ArchNest → ${target}`;
}

function StateBadge(props: { state: TunnelState }) {
  return (
    <span style={{ display: "inline-flex", "align-items": "center", gap: "7px" }} data-state={props.state}>
      <span class={`dot ${STATE_DOT[props.state]}`} aria-hidden="true" />
      {STATE_LABEL[props.state]}
    </span>
  );
}

/** "next try in 8 s · attempt 4", counting down each second. */
function RetryLine(props: { retry: { attempt: number; at: number } }) {
  const [now, setNow] = createSignal(Date.now());
  const timer = setInterval(() => setNow(Date.now()), 1000);
  onCleanup(() => clearInterval(timer));
  const seconds = () => Math.max(0, Math.ceil((props.retry.at - now()) / 1000));
  return (
    <div class="small muted" data-testid="tunnel-retry">
      {seconds() > 0 ? `next try in ${seconds()} s` : "trying now"} · attempt {props.retry.attempt}
    </div>
  );
}

/** Glance widget: every saved tunnel with its state, port and traffic. */
export function TunnelsWidget(_props: SlotProps) {
  const [data] = useTunnels();
  return (
    <div data-testid="tunnels-widget">
      <Show when={data()} fallback={<p class="muted small">Loading…</p>}>
        {(d) => (
          <Show
            when={d().tunnels.length > 0}
            fallback={
              <p class="muted small">
                No tunnels yet. <a href="/tunnels">Add one</a>.
              </p>
            }
          >
            <ul class="plain-list" style={{ display: "grid", gap: "8px", margin: "0", padding: "0", "list-style": "none" }}>
              <For each={d().tunnels}>
                {(t) => (
                  <li style={{ display: "flex", "justify-content": "space-between", gap: "10px", "align-items": "center" }}>
                    <a href="/tunnels" style={{ color: "inherit", "text-decoration": "none", display: "grid", gap: "2px", "min-width": "0" }}>
                      <span class="cell-title">{t.name}</span>
                      <span class="small muted mono">
                        {t.kind === "local" ? "L" : "R"} {t.bindHost}:{t.port ?? t.bindPort} → {t.targetHost}:{t.targetPort}
                      </span>
                    </a>
                    <span class="small" style={{ "text-align": "right", display: "grid", gap: "2px" }}>
                      <StateBadge state={t.state} />
                      <span class="muted">
                        ↑{formatBytes(t.bytesOut)} ↓{formatBytes(t.bytesIn)}
                      </span>
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

interface FormValues {
  name: string;
  hostId: string;
  kind: TunnelKind;
  bindHost: string;
  bindPort: string;
  targetHost: string;
  targetPort: string;
}

const EMPTY: FormValues = { name: "", hostId: "", kind: "local", bindHost: "127.0.0.1", bindPort: "", targetHost: "127.0.0.1", targetPort: "" };

/** The Tunnels page: saved forwards, start and stop, live state and counters, add, edit and delete. */
export function TunnelsPage() {
  const [data, refetch] = useTunnels();
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal<string>();
  const [form, setForm] = createSignal<{ id?: string; values: FormValues }>();
  const [confirmDelete, setConfirmDelete] = createSignal<TunnelView>();
  const hostName = (id: string) => data()?.hosts.find((h) => h.id === id)?.name ?? "missing host";

  const act = async (key: string, fn: () => Promise<unknown>) => {
    setBusy(key);
    setError(undefined);
    try {
      await fn();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(undefined);
      await refetch();
    }
  };

  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    const f = form();
    if (!f) return;
    const v = f.values;
    const json = { ...v, bindPort: Number(v.bindPort || 0), targetPort: Number(v.targetPort) };
    await act("save", async () => {
      await api(f.id ? `/tunnels/${f.id}` : "/tunnels", { method: f.id ? "PUT" : "POST", json });
      setForm(undefined);
    });
  };

  const field = (k: keyof FormValues) => (e: { currentTarget: { value: string } }) => {
    const f = form();
    if (f) setForm({ ...f, values: { ...f.values, [k]: e.currentTarget.value } });
  };

  return (
    <div class="page" data-testid="tunnels-page">
      <header class="page-header">
        <div>
          <h1>Tunnels</h1>
          <p class="page-header__desc">SSH port forwards: reach a service behind a host, or let a host reach one here.</p>
        </div>
        <div class="page-header__actions">
          <button
            type="button"
            class="btn btn--accent"
            disabled={!data()?.hosts.length}
            onClick={() => setForm({ values: { ...EMPTY, hostId: data()?.hosts[0]?.id ?? "" } })}
          >
            New tunnel
          </button>
        </div>
      </header>

      <Show when={error()}>
        {(err) => (
          <Show
            when={isModuleRequired(err())}
            fallback={
              <div class="card" role="alert" style={{ "border-color": "var(--an-danger)" }}>
                <strong>{(err() as Error).message}</strong>
                <Show when={err() instanceof ApiError}>
                  <span class="mono small muted">
                    {" "}
                    {(err() as ApiError).code}
                    {((err() as ApiError).body as { reason?: string } | undefined)?.reason
                      ? ` · ${((err() as ApiError).body as { reason: string }).reason}`
                      : ""}
                  </span>
                </Show>
              </div>
            }
          >
            <Lock module="tunnel-autostart" reason="Auto-start opens chosen tunnels when ArchNest starts and reconnects them with backoff." />
          </Show>
        )}
      </Show>

      <Show when={data()} fallback={<p class="muted">Loading…</p>}>
        {(d) => (
          <Show
            when={d().tunnels.length > 0}
            fallback={
              <div class="card">
                <p>No tunnels yet.</p>
                <p class="muted small">
                  {d().hosts.length
                    ? "A local tunnel opens a port on this machine that leads to a service your SSH host can reach; a remote tunnel does the reverse."
                    : "Add an SSH host in Settings → Integrations first."}
                </p>
              </div>
            }
          >
            <Table
              label="Tunnels"
              rows={d().tunnels}
              rowAttributes={(t) => ({ "data-tunnel": t.name })}
              columns={[
                {
                  header: "Name",
                  cell: (t) => (
                    <>
                      <div class="cell-title">{t.name}</div>
                      <div class="cell-sub small muted">{t.kind === "local" ? "Local forward" : "Remote forward"}</div>
                    </>
                  ),
                },
                { header: "Route", class: "mono small", cell: (t) => route(t, hostName(t.hostId)) },
                {
                  header: "State",
                  cell: (t) => (
                    <>
                      <StateBadge state={t.state} />
                      <Show when={t.retry}>{(r) => <RetryLine retry={r()} />}</Show>
                      <Show when={t.lastError}>
                        {(e) => (
                          <div class="cell-error small" style={{ color: "var(--an-danger)", "max-width": "260px" }} title={e().code}>
                            {e().message}
                          </div>
                        )}
                      </Show>
                    </>
                  ),
                },
                {
                  header: "Traffic",
                  class: "small",
                  cell: (t) => (
                    <>
                      <div>↑ {formatBytes(t.bytesOut)}</div>
                      <div>↓ {formatBytes(t.bytesIn)}</div>
                    </>
                  ),
                },
                {
                  header: "Connections",
                  class: "small",
                  cell: (t) => (
                    <>
                      {t.connections} open
                      <div class="muted">{t.totalConnections} total</div>
                    </>
                  ),
                },
                {
                  header: "Auto-start",
                  cell: (t) => (
                    <>
                      <Show when={d().autostart.available} fallback={<Lock module="tunnel-autostart" variant="inline" />}>
                        <label class="check">
                          <input
                            type="checkbox"
                            checked={t.autoStart}
                            onChange={(e) =>
                              act(`auto:${t.id}`, () => api(`/tunnels/${t.id}/autostart`, { method: "PUT", json: { enabled: e.currentTarget.checked } }))
                            }
                          />
                          <span class="small">On boot</span>
                        </label>
                      </Show>
                    </>
                  ),
                },
                {
                  header: "Actions",
                  headerHidden: true,
                  cell: (t) => (
                    <>
                      <div class="row row--tight" style={{ "justify-content": "flex-end" }}>
                        <Show
                          when={t.state === "running" || t.state === "starting" || t.state === "retrying"}
                          fallback={
                            <button
                              type="button"
                              class="btn btn--sm btn--accent"
                              disabled={busy() === `start:${t.id}`}
                              onClick={() => act(`start:${t.id}`, () => api(`/tunnels/${t.id}/start`, { method: "POST" }))}
                            >
                              Start
                            </button>
                          }
                        >
                          <button
                            type="button"
                            class="btn btn--sm"
                            disabled={busy() === `stop:${t.id}`}
                            onClick={() => act(`stop:${t.id}`, () => api(`/tunnels/${t.id}/stop`, { method: "POST" }))}
                          >
                            Stop
                          </button>
                        </Show>
                        <button
                          type="button"
                          class="btn btn--sm btn--ghost"
                          disabled={t.state === "running"}
                          title={t.state === "running" ? "Stop the tunnel to edit it" : undefined}
                          onClick={() =>
                            setForm({
                              id: t.id,
                              values: {
                                name: t.name,
                                hostId: t.hostId,
                                kind: t.kind,
                                bindHost: t.bindHost,
                                bindPort: String(t.bindPort),
                                targetHost: t.targetHost,
                                targetPort: String(t.targetPort),
                              },
                            })
                          }
                        >
                          Edit
                        </button>
                        <button type="button" class="icon-btn icon-btn--danger" aria-label={`Delete ${t.name}`} onClick={() => setConfirmDelete(t)}>
                          ✕
                        </button>
                      </div>
                    </>
                  ),
                },
              ]}
            />
          </Show>
        )}
      </Show>

      <Show when={form()}>
        {(f) => (
          <Portal>
            <div class="dialog-backdrop">
              <div class="dialog dialog--md" role="dialog" aria-modal="true" aria-label={f().id ? "Edit tunnel" : "New tunnel"}>
                <form onSubmit={save}>
                  <div class="dialog__head">
                    <h2>{f().id ? "Edit tunnel" : "New tunnel"}</h2>
                  </div>
                  <div class="dialog__body form">
                    <Field label="Name">
                      <input class="input" name="name" required maxLength={60} value={f().values.name} onInput={field("name")} />
                    </Field>
                    <Field label="SSH host">
                      <select class="input" name="hostId" value={f().values.hostId} onChange={field("hostId")}>
                        <For each={data()?.hosts ?? []}>{(h) => <option value={h.id}>{`${h.name} (${h.address})`}</option>}</For>
                      </select>
                    </Field>
                    <fieldset class="field" style={{ border: "0", padding: "0", margin: "0" }}>
                      <legend class="field__label">Direction</legend>
                      <label class="check">
                        <input type="radio" name="kind" value="local" checked={f().values.kind === "local"} onChange={field("kind")} />
                        <span>Local: a port here leads to a service the SSH host can reach (ssh -L)</span>
                      </label>
                      <label class="check">
                        <input type="radio" name="kind" value="remote" checked={f().values.kind === "remote"} onChange={field("kind")} />
                        <span>Remote: a port on the SSH host leads to a service this machine can reach (ssh -R)</span>
                      </label>
                    </fieldset>
                    <div style={{ display: "grid", "grid-template-columns": "2fr 1fr", gap: "10px" }}>
                      <Field label={f().values.kind === "local" ? "Listen on (this machine)" : "Listen on (SSH host)"}>
                        <input class="input mono" name="bindHost" value={f().values.bindHost} onInput={field("bindHost")} />
                      </Field>
                      <Field label="Port">
                        <input
                          class="input mono"
                          name="bindPort"
                          inputMode="numeric"
                          placeholder="0 = any"
                          value={f().values.bindPort}
                          onInput={field("bindPort")}
                        />
                      </Field>
                      <Field label={f().values.kind === "local" ? "Target (as the SSH host sees it)" : "Target (as this machine sees it)"}>
                        <input class="input mono" name="targetHost" required value={f().values.targetHost} onInput={field("targetHost")} />
                      </Field>
                      <Field label="Port">
                        <input class="input mono" name="targetPort" required inputMode="numeric" value={f().values.targetPort} onInput={field("targetPort")} />
                      </Field>
                    </div>
                  </div>
                  <div class="dialog__foot">
                    <button type="button" class="btn btn--ghost" onClick={() => setForm(undefined)}>
                      Cancel
                    </button>
                    <button type="submit" class="btn btn--accent" disabled={busy() === "save"}>
                      {f().id ? "Save" : "Add tunnel"}
                    </button>
                  </div>
                </form>
              </div>
            </div>
          </Portal>
        )}
      </Show>

      <Show when={confirmDelete()}>
        {(t) => (
          <Portal>
            <div class="dialog-backdrop">
              <div class="dialog dialog--sm" role="alertdialog" aria-modal="true" aria-label="Delete tunnel">
                <div class="dialog__head">
                  <h2>Delete {t().name}?</h2>
                </div>
                <div class="dialog__body">
                  <p>{t().state === "running" ? "The tunnel is running: it stops and its connections close." : "The saved tunnel is removed."}</p>
                </div>
                <div class="dialog__foot">
                  <button type="button" class="btn btn--ghost" onClick={() => setConfirmDelete(undefined)}>
                    Cancel
                  </button>
                  <button
                    type="button"
                    class="btn btn--danger"
                    onClick={() => {
                      const id = t().id;
                      setConfirmDelete(undefined);
                      void act(`delete:${id}`, () => api(`/tunnels/${id}`, { method: "DELETE" }));
                    }}
                  >
                    Delete
                  </button>
                </div>
              </div>
            </div>
          </Portal>
        )}
      </Show>
    </div>
  );
}
