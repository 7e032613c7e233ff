import {
  Dialog,
  describeError,
  EmptyState,
  ErrorState,
  Field,
  formatRelativeTime,
  Lock,
  pluginApi,
  type SlotProps,
  Table,
  type TableColumn,
  useShell,
} from "@archnest/sdk/web";
import { createResource, createSignal, For, type JSX, Show } from "solid-js";
import type { CertificateRow, CertificateStatus, CertificatesBody } from "../server.js";

const api = pluginApi("cert-auth");

const STATUS: Record<CertificateStatus, { label: string; dot: string }> = {
  valid: { label: "Valid", dot: "dot--success" },
  expiring: { label: "Expiring soon", dot: "dot--warning" },
  expired: { label: "Expired", dot: "dot--danger" },
  "not-yet-valid": { label: "Not valid yet", dot: "dot--warning" },
};

const CSS = `.an-cert__chips{display:flex;flex-wrap:wrap;gap:4px}.an-cert__chip{border:1px solid var(--an-border);border-radius:999px;padding:1px 8px}
.an-cert__fp{overflow-wrap:anywhere}.an-cert__actions{display:flex;gap:6px;justify-content:flex-end;flex-wrap:wrap}
.an-cert__form textarea{width:100%;min-height:7rem;font-family:var(--an-font-mono,monospace);font-size:12px}`;

const date = (ms: number) => new Date(ms).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });

function Validity(props: { c: NonNullable<CertificateRow["certificate"]> }): JSX.Element {
  const until = () => props.c.validBefore;
  return (
    <>
      <span style={{ display: "inline-flex", "align-items": "center", gap: "7px" }} data-status={props.c.status}>
        <span class={`dot ${STATUS[props.c.status].dot}`} aria-hidden="true" />
        {STATUS[props.c.status].label}
      </span>
      <div class="small muted" data-testid="cert-validity">
        {props.c.validAfter === 0 ? "from always" : `from ${date(props.c.validAfter)}`} ·{" "}
        {until() === null
          ? "forever"
          : `to ${date(until() as number)} (${props.c.status === "expired" ? "ended" : "ends"} ${formatRelativeTime(until() as number)})`}
      </div>
    </>
  );
}

/** The /certificates page: each SSH host and the certificate it signs in with, expiry warnings, add, replace, remove. */
export function CertificatesPage(_props: SlotProps): JSX.Element {
  const shell = useShell();
  const [data, { refetch }] = createResource(() => api<CertificatesBody>("/certificates"));
  const [editing, setEditing] = createSignal<CertificateRow>();
  const [privateKey, setPrivateKey] = createSignal("");
  const [passphrase, setPassphrase] = createSignal("");
  const [certificate, setCertificate] = createSignal("");
  const [formError, setFormError] = createSignal<string>();
  const [saving, setSaving] = createSignal(false);
  const canEdit = () => shell.user()?.role === "admin" && data()?.licensed === true;
  const warnings = () => (data()?.hosts ?? []).filter((h) => h.certificate && h.certificate.status !== "valid");

  const open = (row: CertificateRow) => {
    setPrivateKey("");
    setPassphrase("");
    setCertificate("");
    setFormError(undefined);
    setEditing(row);
  };
  const readFile = async (e: Event & { currentTarget: HTMLInputElement }, set: (v: string) => void) => {
    const file = e.currentTarget.files?.[0];
    if (file) set(await file.text());
  };
  const save = async (e: Event) => {
    e.preventDefault();
    const row = editing();
    if (!row) return;
    setSaving(true);
    try {
      await api(`/hosts/${encodeURIComponent(row.host.id)}`, {
        method: "PUT",
        json: { privateKey: privateKey(), certificate: certificate(), ...(passphrase() && { passphrase: passphrase() }) },
      });
      setEditing(undefined);
      shell.notify(`${row.host.name} signs in with the certificate from its next connection.`, "success");
      await refetch();
    } catch (err) {
      setFormError(describeError(err));
    } finally {
      setSaving(false);
    }
  };
  const remove = async (row: CertificateRow) => {
    try {
      await api(`/hosts/${encodeURIComponent(row.host.id)}`, { method: "DELETE" });
      shell.notify(`${row.host.name} signs in with its own credentials from its next connection.`, "success");
    } catch (err) {
      shell.notify(describeError(err), "error");
    }
    await refetch();
  };

  const columns: TableColumn<CertificateRow>[] = [
    {
      header: "Host",
      cell: (r) => (
        <>
          <div class="cell-title">{r.host.name}</div>
          <div class="cell-sub small mono">
            {r.host.user}@<wbr />
            {r.host.address}:{r.host.port}
          </div>
        </>
      ),
    },
    {
      header: "Certificate",
      cell: (r) => (
        <Show when={r.certificate} fallback={<span class="muted small">none: signs in with its own key or password</span>}>
          {(c) => (
            <div class="small" data-testid="cert-details">
              <div>
                Key ID <strong data-testid="cert-key-id">{c().keyId}</strong> · serial <span data-testid="cert-serial">{c().serial}</span> · {c().keyType}
              </div>
              <div class="an-cert__chips" data-testid="cert-principals" title="Principals">
                <Show when={c().principals.length > 0} fallback={<span class="muted">any user</span>}>
                  <For each={c().principals}>{(p) => <span class="an-cert__chip mono">{p}</span>}</For>
                </Show>
              </div>
              <div class="muted an-cert__fp mono" data-testid="cert-ca" title="The CA that signed it">
                CA {c().caFingerprint}
              </div>
            </div>
          )}
        </Show>
      ),
    },
    { header: "Validity", cell: (r) => <Show when={r.certificate}>{(c) => <Validity c={c()} />}</Show> },
    {
      header: "Actions",
      headerHidden: true,
      cell: (r) => (
        <div class="an-cert__actions">
          <button type="button" class="btn btn--sm" disabled={!canEdit()} onClick={() => open(r)}>
            {r.certificate ? "Replace" : "Add certificate"}
          </button>
          <Show when={r.certificate}>
            <button
              type="button"
              class="btn btn--sm btn--ghost"
              disabled={!canEdit()}
              onClick={() => void remove(r)}
              aria-label={`Remove the certificate of ${r.host.name}`}
            >
              Remove
            </button>
          </Show>
        </div>
      ),
    },
  ];

  return (
    <div class="page an-cert" data-testid="certificates-page">
      <style>{CSS}</style>
      <header class="page-header">
        <div>
          <h1>Certificates</h1>
          <p class="page-header__desc">
            Sign in to SSH hosts with OpenSSH user certificates, as <span class="mono">ssh-keygen -s</span> and OPKSSH issue them. The key stays sealed on this
            machine; the host checks the certificate against the CA it trusts.
          </p>
        </div>
      </header>
      <div class="stack">
        <Show when={data()?.refusal}>
          {(refusal) => (
            <Lock
              module={refusal().module}
              price={refusal().price}
              reason="Adding and replacing certificates needs Certificate Auth. Certificates already set are kept and keep signing in."
            />
          )}
        </Show>
        <Show when={warnings().length > 0}>
          <div class="card" role="alert" data-testid="cert-warnings" style={{ "border-color": "var(--an-warning)", padding: "12px 16px" }}>
            <For each={warnings()}>
              {(w) => (
                <div class="small">
                  <strong>{w.host.name}</strong>:{" "}
                  {w.certificate?.status === "expired"
                    ? "its certificate has expired; sign-ins are refused until it is replaced."
                    : w.certificate?.status === "not-yet-valid"
                      ? "its certificate is not valid yet."
                      : `its certificate ends ${formatRelativeTime(w.certificate?.validBefore as number)}: replace it before then.`}
                </div>
              )}
            </For>
          </div>
        </Show>
        <Show when={data.error}>{(e) => <ErrorState title="Could not load the certificates" error={e()} retry={refetch} />}</Show>
        <Show when={!data.error}>
          <Table
            label="SSH hosts and their certificates"
            columns={columns}
            rows={data.loading && !data.latest ? undefined : data.latest?.hosts}
            rowAttributes={(r) => ({ "data-host": r.host.name })}
            empty={
              <EmptyState title="No SSH hosts yet" icon="shield">
                Add hosts in Settings → Integrations, then give each the certificate it signs in with.
              </EmptyState>
            }
          />
        </Show>
      </div>
      <Dialog open={editing() !== undefined} title={`Certificate for ${editing()?.host.name ?? ""}`} onClose={() => setEditing(undefined)} width="lg">
        <form class="stack an-cert__form" onSubmit={(e) => void save(e)} data-testid="cert-form">
          <Field label="Private key" hint="The key the certificate was issued for (id_ed25519). Sealed; never shown again.">
            <textarea name="privateKey" value={privateKey()} onInput={(e) => setPrivateKey(e.currentTarget.value)} spellcheck={false} />
          </Field>
          <input type="file" aria-label="Private key file" onChange={(e) => void readFile(e, setPrivateKey)} />
          <Field label="Passphrase" hint="Only for an encrypted key.">
            <input
              class="input"
              type="password"
              name="passphrase"
              value={passphrase()}
              onInput={(e) => setPassphrase(e.currentTarget.value)}
              autocomplete="off"
            />
          </Field>
          <Field label="Certificate" hint="The whole -cert.pub line.">
            <textarea name="certificate" value={certificate()} onInput={(e) => setCertificate(e.currentTarget.value)} spellcheck={false} />
          </Field>
          <input type="file" aria-label="Certificate file" onChange={(e) => void readFile(e, setCertificate)} />
          <Show when={formError()}>
            <p class="small" role="alert" style={{ color: "var(--an-danger)" }} data-testid="cert-form-error">
              {formError()}
            </p>
          </Show>
          <div class="row" style={{ "justify-content": "flex-end", gap: "8px" }}>
            <button type="button" class="btn btn--ghost" onClick={() => setEditing(undefined)}>
              Cancel
            </button>
            <button type="submit" class="btn btn--accent" disabled={saving()}>
              {saving() ? "Checking…" : "Save"}
            </button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
