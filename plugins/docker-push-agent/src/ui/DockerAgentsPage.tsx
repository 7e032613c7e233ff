import { describeError, EmptyState, ErrorState, Field, Lock, pluginApi, type SlotProps, Table, type TableColumn, useShell } from "@archnest/sdk/web";
import { createResource, createSignal, For, type JSX, onCleanup, Show } from "solid-js";
import type { AgentsBody, AgentView, TokenBody } from "../server.js";

const api = pluginApi("docker-push-agent");
const ACTION_LABELS: Record<string, string> = { start: "Start", stop: "Stop", restart: "Restart", exec: "Shell (exec)" };

const CSS = `
.an-agents__dot { display: inline-block; width: 8px; height: 8px; border-radius: 50%; margin-right: 6px; background: var(--text-muted, #888); }
.an-agents__dot--on { background: var(--success, #3fb950); }
.an-agents__actions { display: flex; flex-wrap: wrap; gap: 4px 12px; }
.an-agents__actions label { display: inline-flex; align-items: center; gap: 4px; white-space: nowrap; }
.an-agents__cmd { display: block; white-space: pre-wrap; word-break: break-all; padding: 10px; border-radius: 6px; background: var(--surface-2, rgba(127,127,127,.12)); margin: 6px 0 12px; }
.an-agents__counts { white-space: nowrap; }
`;

function ago(ms: number | null): string {
  if (!ms) return "never";
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return new Date(ms).toLocaleString();
}

/** The commands that enroll and start an agent with a fresh token. */
function EnrollCard(props: { token: TokenBody; onClose: () => void }): JSX.Element {
  const url = location.origin;
  const npx = `npx @archnest/docker-agent enroll --url ${url} --token ${props.token.token}\nnpx @archnest/docker-agent run`;
  const docker = `docker run -d --name archnest-agent --restart unless-stopped \\\n  -v /var/run/docker.sock:/var/run/docker.sock -v archnest-agent:/data \\\n  -e ARCHNEST_URL=${url} -e ARCHNEST_ENROLL_TOKEN=${props.token.token} \\\n  archnest/docker-agent`;
  return (
    <section class="card" style={{ padding: "16px" }} aria-label="Enroll an agent" data-testid="agent-enroll">
      <h2 class="card__title" style={{ "margin-top": 0 }}>
        Enroll {props.token.name ? `"${props.token.name}"` : "an agent"}
      </h2>
      <p class="small">
        On the Docker host, run one of these. The token works once, until {new Date(props.token.expiresAt).toLocaleTimeString()}; it is shown only now. The
        agent makes its own key and connects out: the host needs no open port. It appears below when it connects.
      </p>
      <div class="small cell-title">With Node.js 20 or later</div>
      <code class="an-agents__cmd mono small" data-testid="agent-enroll-npx">
        {npx}
      </code>
      <div class="small cell-title">As a container</div>
      <code class="an-agents__cmd mono small" data-testid="agent-enroll-docker">
        {docker}
      </code>
      <button type="button" class="btn btn--sm" onClick={() => props.onClose()}>
        Done
      </button>
    </section>
  );
}

/** The /docker-agents page: enrolled agents with status, last seen, engine and containers, allowed actions, and enrollment. */
export function DockerAgentsPage(_props: SlotProps): JSX.Element {
  const shell = useShell();
  const isAdmin = () => shell.user()?.role === "admin";
  const [data, { refetch }] = createResource(() => api<AgentsBody>("/agents"));
  const [name, setName] = createSignal("");
  const [token, setToken] = createSignal<TokenBody>();
  const [busy, setBusy] = createSignal<string>();
  // Agents come and go on their own: the list follows them.
  const poll = setInterval(() => void refetch(), 5000);
  onCleanup(() => clearInterval(poll));
  const canEdit = () => isAdmin() && data()?.licensed === true;

  const run = async (key: string, work: () => Promise<unknown>, done?: string) => {
    setBusy(key);
    try {
      await work();
      if (done) shell.notify(done, "success");
    } catch (err) {
      shell.notify(describeError(err), "error");
    } finally {
      setBusy(undefined);
      await refetch();
    }
  };

  const makeToken = () =>
    run("token", async () => {
      setToken(await api<TokenBody>("/tokens", { method: "POST", json: { name: name().trim() } }));
      setName("");
    });

  const setAction = (a: AgentView, action: string, on: boolean) => {
    const actions = on ? [...a.actions, action] : a.actions.filter((x) => x !== action);
    return run(
      a.id,
      () => api(`/agents/${encodeURIComponent(a.id)}`, { method: "PUT", json: { actions } }),
      `${a.name}: ${actions.length ? actions.join(", ") : "no actions"} allowed${a.online ? " from now" : " when it reconnects"}.`,
    );
  };

  const remove = (a: AgentView) => {
    if (!confirm(`Remove the agent "${a.name}"? Its key stops working at once; Docker sources that use it stop answering.`)) return;
    void run(a.id, () => api(`/agents/${encodeURIComponent(a.id)}`, { method: "DELETE" }), `${a.name} removed.`);
  };

  const columns: TableColumn<AgentView>[] = [
    {
      header: "Agent",
      cell: (a) => (
        <>
          <div class="cell-title">
            <span class={`an-agents__dot${a.online ? " an-agents__dot--on" : ""}`} aria-hidden="true" />
            {a.name}
          </div>
          <div class="cell-sub small mono" title={a.keyFingerprint}>
            {a.hostname || "—"}
            {a.version ? ` · agent ${a.version}` : ""}
          </div>
        </>
      ),
    },
    {
      header: "Status",
      cell: (a) => (
        <div data-testid="agent-status" data-online={String(a.online)}>
          <div>{a.online ? "Online" : "Offline"}</div>
          <div class="small">{a.online ? `since ${ago(a.connectedAt)}` : `last seen ${ago(a.lastSeen)}`}</div>
        </div>
      ),
    },
    {
      header: "Engine",
      cell: (a) => (
        <Show when={a.state} fallback={<span class="small">no state yet</span>}>
          {(s) => (
            <div data-testid="agent-engine">
              <div class="small">
                {s().engine ? `Docker ${s().engine?.version} · ${s().engine?.os}/${s().engine?.arch}` : `unreachable: ${s().error ?? ""}`}
              </div>
              <div class="small an-agents__counts" data-testid="agent-counts">
                {s().containers.filter((c) => c.state === "running").length} running / {s().containers.length} containers
                {a.online ? "" : ` (as of ${ago(s().at)})`}
              </div>
            </div>
          )}
        </Show>
      ),
    },
    {
      header: "Allowed actions",
      cell: (a) => (
        <div class="an-agents__actions" data-testid="agent-actions">
          <For each={data()?.actions ?? []}>
            {(action) => (
              <label class="small">
                <input
                  type="checkbox"
                  checked={a.actions.includes(action)}
                  disabled={!canEdit() || busy() === a.id}
                  data-action={action}
                  onChange={(e) => void setAction(a, action, e.currentTarget.checked)}
                />
                {ACTION_LABELS[action] ?? action}
              </label>
            )}
          </For>
        </div>
      ),
    },
    {
      header: "Remove",
      headerHidden: true,
      cell: (a) => (
        <Show when={isAdmin()}>
          <button type="button" class="btn btn--sm" disabled={!canEdit() || busy() === a.id} onClick={() => remove(a)} aria-label={`Remove ${a.name}`}>
            Remove
          </button>
        </Show>
      ),
    },
  ];

  return (
    <div class="page an-agents" data-testid="docker-agents-page">
      <style>{CSS}</style>
      <header class="page-header">
        <div>
          <h1>Docker agents</h1>
          <p class="page-header__desc">
            Docker hosts ArchNest cannot reach: an agent on the host connects out to ArchNest, pushes its containers and events, and carries what you allow. Add
            an enrolled agent as a Docker source on the Docker page.
          </p>
        </div>
      </header>
      <div class="stack">
        <Show when={data()?.refusal}>
          {(refusal) => (
            <Lock
              module={refusal().module}
              price={refusal().price}
              reason="Agents need Docker Push Agent. Enrolled agents and their last state are kept; they reconnect by themselves once it is unlocked."
            />
          )}
        </Show>
        <Show when={data.error}>{(e) => <ErrorState title="Could not load the agents" error={e()} retry={refetch} />}</Show>
        <Show when={!data.error}>
          <Table
            label="Docker agents"
            data-testid="agents-table"
            columns={columns}
            rows={data.loading && !data.latest ? undefined : data.latest?.agents}
            rowAttributes={(a) => ({ "data-agent": a.name })}
            empty={
              <EmptyState title="No agents yet" icon="server">
                Enroll the first one below: it takes one command on the Docker host.
              </EmptyState>
            }
          />
        </Show>
        <Show when={token()}>{(t) => <EnrollCard token={t()} onClose={() => setToken(undefined)} />}</Show>
        <Show when={isAdmin() && !token()}>
          <section class="card" style={{ padding: "16px" }} aria-label="New agent">
            <h2 class="card__title" style={{ "margin-top": 0 }}>
              Enroll an agent
            </h2>
            <Field label="Name" hint="How the host shows here; its host name when left empty.">
              <input
                class="input"
                value={name()}
                maxLength={60}
                disabled={!canEdit()}
                onInput={(e) => setName(e.currentTarget.value)}
                data-testid="agent-name"
              />
            </Field>
            <div class="toolbar" style={{ "margin-top": "10px" }}>
              <button
                type="button"
                class="btn btn--accent"
                disabled={!canEdit() || busy() === "token"}
                onClick={() => void makeToken()}
                data-testid="agent-token"
              >
                {busy() === "token" ? "Making a token…" : "Make an enrollment token"}
              </button>
              <Show when={(data()?.pendingTokens.length ?? 0) > 0}>
                <span class="small">{data()?.pendingTokens.length} unused token(s) waiting</span>
              </Show>
            </div>
          </section>
        </Show>
      </div>
    </div>
  );
}
