import { Dialog, Lock, type SlotProps } from "@archnest/sdk/web";
import { createResource, createSignal, For, type JSX, Show } from "solid-js";
import { hostsApi, keyChangeOf, messageOf, type ProbeResult, type SshHost, untrustedKeyOf } from "../api/index.js";
import { hostStatus } from "../status/index.js";
import { HostForm } from "./HostForm.js";
import { ImportDialog } from "./ImportDialog.js";
import { isAdmin, notify } from "./shell.js";

type TestOutcome = { kind: "testing" } | { kind: "ok"; result: ProbeResult } | { kind: "error"; message: string; code: string };

const DOT = { display: "inline-block", "margin-right": "8px", "vertical-align": "middle" } as const;
const WRAP = { "word-break": "break-all", "max-width": "240px" } as const;

/** Settings → Integrations: the SSH hosts every terminal, file browser, tunnel and metric connects to. */
export function HostsIntegration(_props: SlotProps): JSX.Element {
  const [data, { refetch, mutate }] = createResource(() => hostsApi.list());
  const [editing, setEditing] = createSignal<SshHost | "new">();
  const [importing, setImporting] = createSignal(false);
  const [removing, setRemoving] = createSignal<SshHost>();
  /** A first connection waiting for the admin to compare and trust the presented key. */
  const [trusting, setTrusting] = createSignal<{ host: SshHost; fingerprint: string }>();
  const [tests, setTests] = createSignal<ReadonlyMap<string, TestOutcome>>(new Map());
  const setTest = (id: string, t: TestOutcome | undefined) =>
    setTests((prev) => {
      const next = new Map(prev);
      if (t) next.set(id, t);
      else next.delete(id);
      return next;
    });
  const admin = isAdmin();
  const atCap = () => {
    const d = data();
    return d !== undefined && d.limit.cap !== null && d.hosts.length >= d.limit.cap;
  };
  const capText = () => {
    const d = data();
    return d && d.limit.cap !== null ? `${d.hosts.length} of ${d.limit.cap} free` : "";
  };

  const test = async (h: SshHost) => {
    setTest(h.id, { kind: "testing" });
    try {
      const result = await hostsApi.test(h.id);
      hostStatus.record(h.id, { ok: result });
      setTest(h.id, { kind: "ok", result });
    } catch (err) {
      hostStatus.record(h.id, { error: err });
      const code = (err as { code?: string }).code ?? "";
      const presented = untrustedKeyOf(err);
      if (presented) {
        // First contact: nothing is trusted until the admin compares the key (OpenSSH's first-connect prompt).
        setTest(h.id, undefined);
        if (admin) setTrusting({ host: h, fingerprint: presented });
        await refetch();
        return;
      }
      setTest(h.id, { kind: "error", message: messageOf(err), code });
      // The kernel records the presented key as pending; the list shows both fingerprints.
      if (keyChangeOf(err) || code === "HOST_ERR_HOST_KEY_CHANGED") await refetch();
    }
  };

  const accept = async (h: SshHost, fingerprint = h.pendingFingerprint) => {
    if (!fingerprint) return;
    const first = h.fingerprint === null;
    try {
      await hostsApi.acceptKey(h.id, fingerprint);
      setTrusting(undefined);
      notify(first ? `${h.name}: host key trusted` : `${h.name}: new host key accepted`, "success");
      setTest(h.id, undefined);
      await refetch();
      await test(h);
    } catch (err) {
      setTrusting(undefined);
      notify(messageOf(err), "error");
      await refetch();
    }
  };

  const remove = async (h: SshHost) => {
    try {
      await hostsApi.remove(h.id);
      hostStatus.forget(h.id);
      setTest(h.id, undefined);
      setRemoving(undefined);
      notify(`${h.name} removed`, "success");
      await refetch();
    } catch (err) {
      notify(messageOf(err), "error");
    }
  };

  return (
    <div data-testid="hosts-integration" class="stack" style={{ gap: "14px" }}>
      <div class="toolbar" style={{ "align-items": "flex-start", "flex-wrap": "wrap" }}>
        {/* The text gives way to the buttons on a wide screen; on a phone the buttons go below it. */}
        <div style={{ flex: "1 1 280px", "min-width": "0" }}>
          <h2 class="card__title" style={{ "margin-bottom": "4px" }}>
            SSH hosts
            <Show when={data()}>
              {(d) => (
                <span class="badge" title="SSH hosts">
                  {d().hosts.length}
                  {d().limit.cap !== null ? ` of ${d().limit.cap} free` : ""}
                </span>
              )}
            </Show>
          </h2>
          <p class="muted small">Servers for the terminal, files, tunnels and metrics. Passwords and keys stay encrypted and are never shown.</p>
        </div>
        <Show when={admin}>
          <div class="row row--tight" style={{ "flex-wrap": "wrap", "justify-content": "flex-end" }}>
            <button
              type="button"
              class="btn btn--ghost btn--sm"
              disabled={atCap()}
              title={atCap() ? `The free core keeps ${data()?.limit.cap} SSH hosts` : undefined}
              onClick={() => setImporting(true)}
            >
              Import from ~/.ssh/config
            </button>
            {/* At the cap the lock takes the Add button's place, before anyone fills a form. */}
            <Show
              when={atCap()}
              fallback={
                <button type="button" class="btn btn--accent btn--sm" onClick={() => setEditing("new")}>
                  Add host
                  <Show when={capText()}>
                    <span class="small" style={{ "margin-left": "6px", "font-weight": "400", opacity: "0.8" }}>
                      {capText()}
                    </span>
                  </Show>
                </button>
              }
            >
              <Lock
                module={data()?.limit.module ?? "unlimited-hosts"}
                variant="inline"
                label={`Add host · ${capText()}`}
                reason={`You have ${data()?.limit.cap} SSH hosts, the free limit. Remove one, or unlock any number.`}
              />
            </Show>
          </div>
        </Show>
      </div>

      <Show when={data.error}>
        <p class="form-error" role="alert">
          {messageOf(data.error)}
        </p>
      </Show>

      <Show when={data()}>
        {(d) => (
          <Show
            when={d().hosts.length > 0}
            fallback={
              <div class="empty" style={{ padding: "28px 0" }}>
                <p class="muted">No SSH hosts yet. Add a server, or import the ones in your ~/.ssh/config.</p>
              </div>
            }
          >
            <div class="table-wrap">
              <table class="table" data-testid="hosts-table">
                <thead>
                  <tr>
                    <th>Host</th>
                    <th>Address</th>
                    <th>Sign-in</th>
                    <th>Host key</th>
                    <th style={{ "text-align": "right" }}>
                      <span class="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  <For each={d().hosts}>
                    {(h) => (
                      <>
                        <tr data-host={h.name}>
                          <td>
                            <div class="cell-title">{h.name}</div>
                            <Show when={h.tags.length > 0}>
                              <div class="chips" style={{ "margin-top": "6px" }}>
                                <For each={h.tags}>{(t) => <span class="badge">{t}</span>}</For>
                              </div>
                            </Show>
                          </td>
                          <td class="mono">
                            {h.user}@{h.address}:{h.port}
                          </td>
                          <td data-testid="auth">
                            {h.authMethod === "key" ? "Private key" : "Password"}
                            <div class="cell-sub">
                              <Show
                                when={h.authMethod === "key" ? h.hasKey : h.hasPassword}
                                fallback={<span style={{ color: "var(--an-warning)" }}>not stored yet</span>}
                              >
                                stored{h.authMethod === "key" && h.hasPassphrase ? " · with passphrase" : ""}
                              </Show>
                            </div>
                          </td>
                          <td>
                            <Show
                              when={h.fingerprint}
                              fallback={
                                <Show when={h.pendingFingerprint} fallback={<span class="cell-sub">Checked on the first connection</span>}>
                                  {(presented) => (
                                    <div class="cell-sub" data-testid="key-untrusted">
                                      <span style={{ color: "var(--an-warning)" }}>Not trusted yet</span>
                                      <Show when={admin}>
                                        {" · "}
                                        <button
                                          type="button"
                                          class="btn btn--ghost btn--sm"
                                          style={{ height: "auto", padding: "0 4px" }}
                                          onClick={() => setTrusting({ host: h, fingerprint: presented() })}
                                        >
                                          Review key
                                        </button>
                                      </Show>
                                    </div>
                                  )}
                                </Show>
                              }
                            >
                              {(f) => (
                                <span class="mono small" style={WRAP} data-testid="fingerprint">
                                  {f()}
                                </span>
                              )}
                            </Show>
                          </td>
                          <td class="actions">
                            <Show when={admin}>
                              <div class="row row--tight" style={{ "justify-content": "safe flex-end", gap: "6px" }}>
                                <button type="button" class="btn btn--sm" disabled={tests().get(h.id)?.kind === "testing"} onClick={() => void test(h)}>
                                  {tests().get(h.id)?.kind === "testing" ? "Testing…" : "Test connection"}
                                </button>
                                <button type="button" class="btn btn--ghost btn--sm" onClick={() => setEditing(h)} aria-label={`Edit ${h.name}`}>
                                  Edit
                                </button>
                                <button type="button" class="btn btn--ghost btn--sm" onClick={() => setRemoving(h)} aria-label={`Remove ${h.name}`}>
                                  Remove
                                </button>
                              </div>
                            </Show>
                          </td>
                        </tr>
                        <Show when={h.fingerprint !== null && h.pendingFingerprint}>
                          {(presented) => (
                            <tr data-key-changed={h.name}>
                              <td colSpan={5} style={{ "padding-top": "0" }}>
                                <KeyChanged host={h} presented={presented()} onAccept={() => void accept(h)} admin={admin} />
                              </td>
                            </tr>
                          )}
                        </Show>
                        <Show when={!h.pendingFingerprint && tests().get(h.id)}>
                          {(t) => (
                            <tr data-test-result={h.name}>
                              <td colSpan={5} style={{ "padding-top": "0" }}>
                                <TestLine outcome={t()} />
                              </td>
                            </tr>
                          )}
                        </Show>
                      </>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          </Show>
        )}
      </Show>

      <Show when={editing()}>
        {(e) => (
          <HostForm
            {...(e() === "new" ? {} : { host: e() as SshHost })}
            onClose={() => setEditing(undefined)}
            onSaved={(saved) => {
              setEditing(undefined);
              setTest(saved.id, undefined);
              notify(`${saved.name} saved`, "success");
              void refetch();
              // A new host (or one whose address changed) has no trusted key: connect now to show its key.
              if (saved.fingerprint === null) void test(saved);
            }}
          />
        )}
      </Show>
      <Show when={importing()}>
        <ImportDialog
          onClose={() => setImporting(false)}
          onImported={(answer) => {
            const current = data();
            if (current) mutate({ ...current, hosts: [...current.hosts, ...answer.imported], limit: answer.limit });
            void refetch();
          }}
        />
      </Show>
      <Show when={trusting()}>
        {(t) => (
          <TrustKeyDialog
            host={t().host}
            fingerprint={t().fingerprint}
            onTrust={() => void accept(t().host, t().fingerprint)}
            onClose={() => setTrusting(undefined)}
          />
        )}
      </Show>
      <Dialog
        open={removing() !== undefined}
        width="sm"
        title={`Remove ${removing()?.name ?? ""}?`}
        onClose={() => setRemoving(undefined)}
        footer={
          <>
            <button type="button" class="btn btn--ghost" onClick={() => setRemoving(undefined)}>
              Cancel
            </button>
            <button
              type="button"
              class="btn btn--danger"
              onClick={() => {
                const h = removing();
                if (h) void remove(h);
              }}
            >
              Remove host
            </button>
          </>
        }
      >
        <p>Its stored password or key is deleted, and terminals, file transfers and tunnels on it stop. The server itself is not touched.</p>
      </Dialog>
    </div>
  );
}

/** The answer of "Test connection", in one calm line. */
function TestLine(props: { outcome: TestOutcome }): JSX.Element {
  const ok = () => (props.outcome.kind === "ok" ? props.outcome.result : undefined);
  const failed = () => (props.outcome.kind === "error" ? props.outcome.message : undefined);
  return (
    <div class="small" role="status" data-testid="test-line">
      <Show when={props.outcome.kind === "testing"}>
        <span class="muted">Connecting…</span>
      </Show>
      <Show when={ok()}>
        {(r) => (
          <span>
            <span class="dot dot--success" style={DOT} />
            <span class="text-success">Connected in {Math.round(r().latencyMs)} ms</span>
            <span class="muted"> · Host key matches: </span>
            <span class="mono">{r().fingerprint}</span>
          </span>
        )}
      </Show>
      <Show when={failed()}>
        {(message) => (
          <span style={{ color: "var(--an-danger)" }}>
            <span class="dot dot--danger" style={DOT} />
            {message()}
          </span>
        )}
      </Show>
    </div>
  );
}

/**
 * The first connection to a host: the key the server presented, how to check it on the server, and the
 * admin's choice (OpenSSH asks the same before it adds a key to known_hosts).
 */
function TrustKeyDialog(props: { host: SshHost; fingerprint: string; onTrust: () => void; onClose: () => void }): JSX.Element {
  return (
    <Dialog
      open
      title={`Trust the host key of ${props.host.name}?`}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="btn btn--ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="button" class="btn btn--accent" onClick={() => props.onTrust()}>
            Trust and connect
          </button>
        </>
      }
    >
      <p>
        This is the first connection to{" "}
        <span class="mono">
          {props.host.user}@{props.host.address}:{props.host.port}
        </span>
        . Nothing is sent to it until you trust the key it presented:
      </p>
      <p class="mono" data-testid="trust-fingerprint" style={{ color: "var(--an-text)", "word-break": "break-all", margin: "0" }}>
        {props.fingerprint}
      </p>
      <p class="small">
        On the server, <code class="mono">ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> prints its fingerprint. Trust it only if the two are the same;
        a different one means another machine answered.
      </p>
    </Dialog>
  );
}

/** A host key that changed: both fingerprints, what to check, and the way to accept the new key. */
function KeyChanged(props: { host: SshHost; presented: string; onAccept: () => void; admin: boolean }): JSX.Element {
  return (
    <div
      role="alert"
      data-testid="key-changed"
      style={{
        display: "grid",
        gap: "10px",
        padding: "12px 14px",
        border: "1px solid color-mix(in srgb, var(--an-warning) 40%, transparent)",
        "border-radius": "var(--radius-sm)",
        background: "color-mix(in srgb, var(--an-warning) 8%, transparent)",
      }}
    >
      <div class="row" style={{ "align-items": "flex-start" }}>
        <div>
          <strong style={{ color: "var(--an-warning)" }}>The host key of {props.host.name} changed.</strong>
          <div class="small muted">
            Connections are refused until you accept the new key. If you did not reinstall or replace this server, someone may be in the middle.
          </div>
        </div>
        <Show when={props.admin}>
          <button type="button" class="btn btn--sm" onClick={() => props.onAccept()}>
            Accept new key
          </button>
        </Show>
      </div>
      <dl class="kv small" style={{ gap: "4px 16px" }}>
        <dt>Trusted</dt>
        <dd class="mono" data-testid="trusted-fingerprint">
          {props.host.fingerprint ?? "none"}
        </dd>
        <dt>Presented</dt>
        <dd class="mono" data-testid="presented-fingerprint">
          {props.presented}
        </dd>
      </dl>
      <div class="small muted">
        Compare with <code class="mono">ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code> on the server.
      </div>
    </div>
  );
}
