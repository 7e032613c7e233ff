import { apiFetch } from "@archnest/sdk/web";
import { createEffect, createResource, createSignal, For, type JSX, on, Show } from "solid-js";
import { errorMessage } from "../../api/index.js";
import { ApiErrorView, Badge, Dialog, notify } from "../../ui/index.js";

/** An SSH host as GET /api/hosts lists it: never a credential, only whether one is stored. */
interface SshHost {
  id: string;
  name: string;
  address: string;
  port: number;
  user: string;
  tags: string[];
  authMethod: "password" | "key";
  fingerprint: string | null;
  pendingFingerprint: string | null;
  hasPassword: boolean;
  hasKey: boolean;
  hasPassphrase: boolean;
  connection: { connectedAt: number; bytesIn: number; bytesOut: number } | null;
}

interface HostList {
  hosts: SshHost[];
  limit: { limit: string; cap: number | null; module: string };
}

interface ImportResult {
  imported: SshHost[];
  skipped: { entry: string; line?: number; reason: string }[];
}

const hostPath = (id: string, rest = "") => `/api/hosts/${encodeURIComponent(id)}${rest}`;

/** The SSH hosts the kernel keeps (issue 6): add, edit, remove, test, accept a changed key, import. */
export function SshHostsSection(): JSX.Element {
  const [list, { refetch }] = createResource(() => apiFetch<HostList>("/api/hosts"));
  const [editing, setEditing] = createSignal<SshHost | "new">();
  const [importing, setImporting] = createSignal(false);
  const [removing, setRemoving] = createSignal<SshHost>();
  const [testing, setTesting] = createSignal<string>();

  const test = async (h: SshHost) => {
    setTesting(h.id);
    try {
      const r = await apiFetch<{ fingerprint: string; latencyMs: number; firstUse: boolean }>(hostPath(h.id, "/test"), { method: "POST" });
      notify(`${h.name}: connected in ${r.latencyMs} ms. Host key ${r.fingerprint}${r.firstUse ? " (trusted on first use)" : ""}.`, "success");
    } catch (e) {
      notify(`${h.name}: ${errorMessage(e)}`, "error");
    } finally {
      setTesting(undefined);
      void refetch();
    }
  };

  const acceptKey = async (h: SshHost) => {
    if (!h.pendingFingerprint) return;
    try {
      await apiFetch(hostPath(h.id, "/accept-host-key"), { method: "POST", json: { fingerprint: h.pendingFingerprint } });
      notify(`${h.name}: the new host key is trusted.`, "success");
    } catch (e) {
      notify(errorMessage(e), "error");
    }
    void refetch();
  };

  const remove = async () => {
    const h = removing();
    if (!h) return;
    try {
      await apiFetch(hostPath(h.id), { method: "DELETE" });
      notify(`${h.name} was removed with its credentials.`, "success");
    } catch (e) {
      notify(errorMessage(e), "error");
    }
    setRemoving(undefined);
    void refetch();
  };

  return (
    <section class="card" data-testid="ssh-hosts">
      <div class="row row--between">
        <h2 class="card__title">SSH hosts</h2>
        <div class="row">
          <button type="button" class="btn btn--ghost btn--sm" onClick={() => setImporting(true)}>
            Import ssh config
          </button>
          <button type="button" class="btn btn--accent btn--sm" onClick={() => setEditing("new")}>
            Add host
          </button>
        </div>
      </div>
      <p class="muted">
        Machines ArchNest connects to over SSH. Passwords and keys are encrypted in the vault and never shown again.
        <Show when={list()?.limit.cap}>{(cap) => ` The free core keeps ${cap()} hosts.`}</Show>
      </p>
      <Show when={list.error}>
        <ApiErrorView error={list.error} />
      </Show>
      <Show when={list()?.hosts.length === 0}>
        <p class="muted">No SSH hosts yet.</p>
      </Show>
      <ul class="stack" aria-label="SSH hosts" style={{ "list-style": "none", padding: 0, margin: 0 }}>
        <For each={list()?.hosts ?? []}>
          {(h) => (
            <li class="card" data-host-id={h.id}>
              <div class="row row--between">
                <div>
                  <strong>{h.name}</strong>{" "}
                  <span class="muted">
                    {h.user}@{h.address}:{h.port}
                  </span>{" "}
                  <Badge>{h.authMethod === "key" ? (h.hasKey ? "key" : "key missing") : h.hasPassword ? "password" : "password missing"}</Badge>{" "}
                  <For each={h.tags}>{(t) => <Badge tone="accent">{t}</Badge>}</For>
                  <Show when={h.connection}>
                    {" "}
                    <Badge tone="success">connected</Badge>
                  </Show>
                </div>
                <div class="row">
                  <button type="button" class="btn btn--ghost btn--sm" disabled={testing() === h.id} onClick={() => void test(h)}>
                    {testing() === h.id ? "Testing…" : "Test"}
                  </button>
                  <button type="button" class="btn btn--ghost btn--sm" onClick={() => setEditing(h)}>
                    Edit
                  </button>
                  <button type="button" class="btn btn--ghost btn--sm" onClick={() => setRemoving(h)}>
                    Remove
                  </button>
                </div>
              </div>
              <p class="muted">
                Host key: <code>{h.fingerprint ?? "not seen yet (trusted on first connection)"}</code>
              </p>
              <Show when={h.pendingFingerprint}>
                {(pending) => (
                  <div class="form-error" role="alert">
                    <p>
                      The server presented a different host key. Trusted: <code>{h.fingerprint}</code>, presented: <code>{pending()}</code>. Connections are
                      refused until you accept it; compare it with the server's own fingerprint first.
                    </p>
                    <button type="button" class="btn btn--danger btn--sm" onClick={() => void acceptKey(h)}>
                      Accept the new key
                    </button>
                  </div>
                )}
              </Show>
            </li>
          )}
        </For>
      </ul>
      <HostDialog
        host={editing()}
        onClose={() => setEditing(undefined)}
        onSaved={() => {
          setEditing(undefined);
          void refetch();
        }}
      />
      <ImportDialog open={importing()} onClose={() => setImporting(false)} onImported={() => void refetch()} />
      <Dialog
        open={removing() !== undefined}
        title={`Remove ${removing()?.name ?? ""}?`}
        tone="danger"
        width="sm"
        onClose={() => setRemoving(undefined)}
        footer={
          <>
            <button type="button" class="btn btn--ghost" onClick={() => setRemoving(undefined)}>
              Cancel
            </button>
            <button type="button" class="btn btn--danger" onClick={() => void remove()}>
              Remove
            </button>
          </>
        }
      >
        <p>The host and its stored credentials are deleted. Open terminals and tunnels to it close.</p>
      </Dialog>
    </section>
  );
}

function HostDialog(props: { host: SshHost | "new" | undefined; onClose: () => void; onSaved: () => void }): JSX.Element {
  const existing = () => (typeof props.host === "object" ? props.host : undefined);
  const [error, setError] = createSignal<unknown>();
  const [busy, setBusy] = createSignal(false);
  const [method, setMethod] = createSignal<"password" | "key">("key");
  let form: HTMLFormElement | undefined;
  // Each opening starts from the host's own sign-in method and no old error.
  createEffect(
    on(
      () => props.host,
      () => {
        setMethod(existing()?.authMethod ?? "key");
        setError(undefined);
      },
    ),
  );

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    if (!form) return;
    const data = new FormData(form);
    const text = (k: string) => String(data.get(k) ?? "");
    const body: Record<string, unknown> = {
      name: text("name").trim(),
      address: text("address").trim(),
      port: Number(text("port") || "22"),
      user: text("user").trim(),
      authMethod: method(),
      tags: text("tags")
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    };
    // Secrets are sent only when typed: leaving them empty keeps the stored ones.
    for (const k of ["password", "privateKey", "passphrase"]) if (text(k) !== "") body[k] = text(k);
    setBusy(true);
    setError(undefined);
    try {
      const h = existing();
      await apiFetch(h ? hostPath(h.id) : "/api/hosts", { method: h ? "PUT" : "POST", json: body });
      notify(h ? "Host saved." : "Host added. Test the connection to trust its host key.", "success");
      props.onSaved();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.host !== undefined}
      title={existing() ? `Edit ${existing()?.name}` : "Add an SSH host"}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="btn btn--ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" form="ssh-host-form" class="btn btn--accent" disabled={busy()}>
            {busy() ? "Saving…" : "Save"}
          </button>
        </>
      }
    >
      <form id="ssh-host-form" ref={form} class="form" onSubmit={submit} noValidate>
        <label class="field">
          <span class="field__label">Name</span>
          <input name="name" required value={existing()?.name ?? ""} />
        </label>
        <label class="field">
          <span class="field__label">Address</span>
          <input name="address" required placeholder="server.example.com or 10.0.0.5" value={existing()?.address ?? ""} />
        </label>
        <label class="field">
          <span class="field__label">Port</span>
          <input name="port" type="number" min="1" max="65535" value={existing()?.port ?? 22} />
        </label>
        <label class="field">
          <span class="field__label">User</span>
          <input name="user" required autocomplete="off" value={existing()?.user ?? ""} />
        </label>
        <fieldset class="field">
          <legend class="field__label">Sign in with</legend>
          <label>
            <input type="radio" name="method" checked={method() === "key"} onChange={() => setMethod("key")} /> Private key
          </label>{" "}
          <label>
            <input type="radio" name="method" checked={method() === "password"} onChange={() => setMethod("password")} /> Password
          </label>
        </fieldset>
        <Show
          when={method() === "key"}
          fallback={
            <label class="field">
              <span class="field__label">Password{existing()?.hasPassword ? " (stored; leave empty to keep)" : ""}</span>
              <input name="password" type="password" autocomplete="new-password" />
            </label>
          }
        >
          <label class="field">
            <span class="field__label">Private key{existing()?.hasKey ? " (stored; leave empty to keep)" : ""}</span>
            <textarea name="privateKey" rows="5" spellcheck={false} placeholder="-----BEGIN OPENSSH PRIVATE KEY-----" />
          </label>
          <label class="field">
            <span class="field__label">Passphrase (if the key has one)</span>
            <input name="passphrase" type="password" autocomplete="new-password" />
          </label>
        </Show>
        <label class="field">
          <span class="field__label">Tags (comma separated)</span>
          <input name="tags" value={existing()?.tags.join(", ") ?? ""} />
        </label>
        <Show when={error()}>
          <ApiErrorView error={error()} />
        </Show>
      </form>
    </Dialog>
  );
}

function ImportDialog(props: { open: boolean; onClose: () => void; onImported: () => void }): JSX.Element {
  const [config, setConfig] = createSignal("");
  const [result, setResult] = createSignal<ImportResult>();
  const [error, setError] = createSignal<unknown>();
  const run = async () => {
    setError(undefined);
    try {
      setResult(await apiFetch<ImportResult>("/api/hosts/import", { method: "POST", json: { config: config() } }));
      props.onImported();
    } catch (e) {
      setError(e);
    }
  };
  const close = () => {
    setResult(undefined);
    setConfig("");
    props.onClose();
  };
  return (
    <Dialog
      open={props.open}
      title="Import from an OpenSSH config"
      onClose={close}
      footer={
        <>
          <button type="button" class="btn btn--ghost" onClick={close}>
            Close
          </button>
          <button type="button" class="btn btn--accent" disabled={!config().trim()} onClick={() => void run()}>
            Import
          </button>
        </>
      }
    >
      <p class="muted">Paste the text of ~/.ssh/config. Each Host with a name becomes a host; keys named by IdentityFile are not read, add them afterwards.</p>
      <textarea class="field" rows="10" spellcheck={false} aria-label="ssh config" value={config()} onInput={(e) => setConfig(e.currentTarget.value)} />
      <Show when={error()}>
        <ApiErrorView error={error()} />
      </Show>
      <Show when={result()}>
        {(r) => (
          <div class="stack">
            <p>
              Imported {r().imported.length}:{" "}
              {r()
                .imported.map((h) => h.name)
                .join(", ") || "none"}
              .
            </p>
            <Show when={r().skipped.length > 0}>
              <ul>
                <For each={r().skipped}>
                  {(s) => (
                    <li>
                      <code>{s.entry}</code>: {s.reason}
                    </li>
                  )}
                </For>
              </ul>
            </Show>
          </div>
        )}
      </Show>
    </Dialog>
  );
}
