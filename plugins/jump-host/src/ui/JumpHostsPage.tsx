import { describeError, EmptyState, ErrorState, Field, Lock, type SlotProps, Table, type TableColumn, useShell } from "@archnest/sdk/web";
import { createResource, createSignal, For, type JSX, Show } from "solid-js";
import { api, type ChainCheck, type ChainRow, type ChainsBody, chainText, type ImportBody } from "./api.js";
import { PAGE_CSS } from "./page-css.js";

/** `A → B → T` as chips, the host itself last. */
function Chain(props: { row: ChainRow }): JSX.Element {
  return (
    <div class="an-jump__chain" data-testid="jump-chain" data-chain={chainText(props.row)} title={chainText(props.row)}>
      <For each={props.row.hops}>
        {(hop) => (
          <>
            <span class="an-jump__hop small">{hop.name}</span>
            <span class="an-jump__arrow" aria-hidden="true">
              →
            </span>
          </>
        )}
      </For>
      <span class="an-jump__hop an-jump__hop--target small">{props.row.name}</span>
      <Show when={props.row.broken}>
        <span class="small cell-error">{props.row.broken}</span>
      </Show>
    </div>
  );
}

/** The result of "Test chain": one line per hop, first hop first. */
function CheckResult(props: { host: string; check: ChainCheck | undefined; testing: boolean }): JSX.Element {
  return (
    <section class="card" style={{ padding: "16px" }} aria-label="Chain test" data-testid="jump-check">
      <h2 class="card__title" style={{ "margin-top": 0 }}>
        {props.testing ? `Testing the chain of ${props.host}…` : `Chain test of ${props.host}: ${props.check?.ok ? "every hop answered" : "a hop failed"}`}
      </h2>
      <Show when={props.testing}>
        <p class="small">Each hop runs a command over the chain so far, first hop first; a hop that is not connected yet connects now.</p>
      </Show>
      <Show when={props.check}>
        {(check) => (
          <ol class="an-jump__checks">
            <For each={check().hops}>
              {(hop) => (
                <li class={`an-jump__check an-jump__check--${hop.state}`} data-hop={hop.name} data-state={hop.state}>
                  <span class="an-jump__mark" aria-hidden="true">
                    {hop.state === "ok" ? "✓" : hop.state === "failed" ? "✗" : "–"}
                  </span>
                  <div>
                    <div class="cell-title">
                      {hop.name} <span class="small mono">{hop.address ? `${hop.address}:${hop.port}` : ""}</span>
                    </div>
                    <Show when={hop.state === "failed"}>
                      <div class="small an-jump__why">
                        {hop.message} <span class="mono">({hop.code})</span>
                      </div>
                    </Show>
                    <Show when={hop.state === "not-tried"}>
                      <div class="small">not tried: an earlier hop failed</div>
                    </Show>
                  </div>
                  <span class="mono small">{hop.state === "ok" ? `${hop.latencyMs} ms` : ""}</span>
                </li>
              )}
            </For>
          </ol>
        )}
      </Show>
    </section>
  );
}

/** The /jump-hosts page: every SSH host with its chain, its jump host to set or clear, a live chain test, and ProxyJump import. */
export function JumpHostsPage(_props: SlotProps): JSX.Element {
  const shell = useShell();
  const isAdmin = () => shell.user()?.role === "admin";
  const [data, { refetch }] = createResource(() => api<ChainsBody>("/chains"));
  const [saving, setSaving] = createSignal<string>();
  const [checking, setChecking] = createSignal<{ id: string; name: string }>();
  const [check, setCheck] = createSignal<ChainCheck>();
  const [testing, setTesting] = createSignal(false);
  const [config, setConfig] = createSignal("");
  const [imported, setImported] = createSignal<ImportBody>();
  const [importing, setImporting] = createSignal(false);
  const canEdit = () => isAdmin() && data()?.licensed === true;

  const setVia = async (row: ChainRow, via: string) => {
    setSaving(row.id);
    try {
      await api(`/hosts/${encodeURIComponent(row.id)}/via`, { method: "PUT", json: { via: via === "" ? null : via } });
      shell.notify(
        via === "" ? `${row.name} connects directly from its next connection.` : `${row.name} jumps through the chosen host from its next connection.`,
        "success",
      );
    } catch (err) {
      shell.notify(describeError(err), "error");
    } finally {
      setSaving(undefined);
      await refetch();
    }
  };

  const test = async (row: ChainRow) => {
    setChecking({ id: row.id, name: row.name });
    setCheck(undefined);
    setTesting(true);
    try {
      setCheck(await api<ChainCheck>(`/hosts/${encodeURIComponent(row.id)}/check`));
    } catch (err) {
      shell.notify(describeError(err), "error");
      setChecking(undefined);
    } finally {
      setTesting(false);
    }
  };

  const runImport = async () => {
    setImporting(true);
    try {
      setImported(await api<ImportBody>("/import", { method: "POST", json: { config: config() } }));
      await refetch();
    } catch (err) {
      shell.notify(describeError(err), "error");
    } finally {
      setImporting(false);
    }
  };

  const columns: TableColumn<ChainRow>[] = [
    {
      header: "Host",
      cell: (r) => (
        <>
          <div class="cell-title">{r.name}</div>
          {/* On a narrow screen the line breaks after the user, never inside the address. */}
          <div class="cell-sub small mono">
            {r.user}@<wbr />
            <span class="an-jump__nowrap">
              {r.address}:{r.port}
            </span>
          </div>
        </>
      ),
    },
    { header: "Chain", cell: (r) => <Chain row={r} /> },
    {
      header: "Jump through",
      cell: (r) => (
        <select
          class="input an-jump__via"
          aria-label={`Jump host of ${r.name}`}
          data-testid="jump-via"
          value={r.via ?? ""}
          disabled={!canEdit() || saving() === r.id}
          onChange={(e) => void setVia(r, e.currentTarget.value)}
        >
          <option value="">Direct</option>
          {/* A host that already jumps through this one would close a loop: offered, but not choosable. */}
          <For each={(data()?.hosts ?? []).filter((h) => h.id !== r.id)}>
            {(h) => (
              <option value={h.id} disabled={h.hops.some((hop) => hop.id === r.id)}>
                {h.hops.some((hop) => hop.id === r.id) ? `${h.name} (jumps through ${r.name})` : h.name}
              </option>
            )}
          </For>
        </select>
      ),
    },
    {
      header: "Actions",
      headerHidden: true,
      cell: (r) => (
        <div class="an-jump__actions">
          <button
            type="button"
            class="btn btn--sm"
            disabled={testing() && checking()?.id === r.id}
            onClick={() => void test(r)}
            aria-label={`Test the chain of ${r.name}`}
          >
            {testing() && checking()?.id === r.id ? "Testing…" : "Test chain"}
          </button>
        </div>
      ),
    },
  ];

  return (
    <div class="page an-jump" data-testid="jump-hosts-page">
      <style>{PAGE_CSS}</style>
      <header class="page-header">
        <div>
          <h1>Jump hosts</h1>
          <p class="page-header__desc">
            Reach a host through one or more others (OpenSSH's ProxyJump). The terminal, files, tunnels, metrics and every plugin connect through the chain;
            each hop signs in with its own credentials and its own trusted host key.
          </p>
        </div>
      </header>

      <div class="stack">
        <Show when={data()?.refusal}>
          {(refusal) => (
            <Lock
              module={refusal().module}
              price={refusal().price}
              reason="Changing chains needs Jump-Host Chaining. Chains already set are kept and hosts stay reachable through them."
            />
          )}
        </Show>

        <Show when={data.error}>{(e) => <ErrorState title="Could not load the jump hosts" error={e()} retry={refetch} />}</Show>
        <Show when={!data.error}>
          <Table
            label="SSH hosts and their jump hosts"
            data-testid="jump-table"
            columns={columns}
            rows={data.loading && !data.latest ? undefined : data.latest?.hosts}
            rowAttributes={(r) => ({ "data-host": r.name })}
            empty={
              <EmptyState title="No SSH hosts yet" icon="link">
                Add hosts in Settings → Integrations, then choose which one each host jumps through.
              </EmptyState>
            }
          />
        </Show>

        <Show when={checking()}>{(c) => <CheckResult host={c().name} check={check()} testing={testing()} />}</Show>

        <Show when={isAdmin()}>
          <section class="card an-jump__import" style={{ padding: "16px" }} aria-label="Import ProxyJump">
            <h2 class="card__title" style={{ "margin-top": 0 }}>
              Import ProxyJump from an OpenSSH config
            </h2>
            <Field
              label="ssh_config"
              hint={`Hosts and jump hosts must be registered SSH hosts already (Settings → Integrations imports them). "ProxyJump a,b" makes the host jump through b, and b through a.`}
            >
              <textarea
                class="input"
                data-testid="jump-import-config"
                spellcheck={false}
                placeholder={"Host web\n  HostName 10.0.0.9\n  ProxyJump bastion"}
                value={config()}
                disabled={!canEdit()}
                onInput={(e) => setConfig(e.currentTarget.value)}
              />
            </Field>
            <div class="toolbar" style={{ "margin-top": "10px" }}>
              <button
                type="button"
                class="btn"
                data-testid="jump-import"
                disabled={!canEdit() || importing() || config().trim() === ""}
                onClick={() => void runImport()}
              >
                {importing() ? "Importing…" : "Apply ProxyJump"}
              </button>
            </div>
            <Show when={imported()}>
              {(r) => (
                <div class="small" data-testid="jump-import-result" style={{ "margin-top": "10px" }}>
                  <For each={r().applied}>{(a) => <div data-applied={a.host}>✓ {a.chain.join(" → ")}</div>}</For>
                  <For each={r().skipped}>
                    {(s) => (
                      <div data-skipped={s.entry} class="an-jump__why">
                        Skipped {s.entry}
                        {s.line ? ` (line ${s.line})` : ""}: {s.reason}
                      </div>
                    )}
                  </For>
                  <Show when={r().applied.length === 0 && r().skipped.length === 0}>
                    <div>No ProxyJump lines found.</div>
                  </Show>
                </div>
              )}
            </Show>
          </section>
        </Show>
      </div>
    </div>
  );
}
