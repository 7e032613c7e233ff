import { isModuleRequired, Lock } from "@archnest/sdk/web";
import { createSignal, type JSX, Show } from "solid-js";
import { api } from "./api.js";

/** Adds a Docker source: a unix socket, or a TCP address with optional TLS client certificates. */
export function SourceForm(props: { suggested: { socketPath: string } | null; onSaved: () => void | Promise<void> }): JSX.Element {
  const [kind, setKind] = createSignal<"unix" | "tcp">("unix");
  const [name, setName] = createSignal(props.suggested ? "Local engine" : "");
  const [socketPath, setSocketPath] = createSignal(props.suggested?.socketPath ?? "/var/run/docker.sock");
  const [host, setHost] = createSignal("");
  const [port, setPort] = createSignal("2376");
  const [useTls, setUseTls] = createSignal(false);
  const [cert, setCert] = createSignal("");
  const [key, setKey] = createSignal("");
  const [ca, setCa] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [locked, setLocked] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const body =
        kind() === "unix"
          ? { name: name(), kind: "unix", socketPath: socketPath() }
          : {
              name: name(),
              kind: "tcp",
              host: host(),
              port: Number(port()),
              ...(useTls() && { tls: { cert: cert(), key: key(), ...(ca().trim() && { ca: ca() }) } }),
            };
      await api("/sources", { method: "POST", json: body });
      await props.onSaved();
    } catch (err) {
      if (isModuleRequired(err)) setLocked(err.module);
      else setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="form" onSubmit={submit} data-testid="source-form">
      <label class="field">
        <span class="field__label">Name</span>
        <input value={name()} onInput={(e) => setName(e.currentTarget.value)} maxLength={60} required />
      </label>
      <label class="field">
        <span class="field__label">Connection</span>
        <select value={kind()} onChange={(e) => setKind(e.currentTarget.value as "unix" | "tcp")}>
          <option value="unix">Unix socket on this machine</option>
          <option value="tcp">TCP (Docker Engine API)</option>
        </select>
      </label>
      <Show
        when={kind() === "tcp"}
        fallback={
          <label class="field">
            <span class="field__label">Socket path</span>
            <input class="mono" value={socketPath()} onInput={(e) => setSocketPath(e.currentTarget.value)} required />
            <span class="field__hint">ArchNest needs read and write access to the socket.</span>
          </label>
        }
      >
        <div style={{ display: "grid", "grid-template-columns": "1fr 120px", gap: "10px" }}>
          <label class="field">
            <span class="field__label">Host</span>
            <input value={host()} onInput={(e) => setHost(e.currentTarget.value)} placeholder="10.0.0.5" required />
          </label>
          <label class="field">
            <span class="field__label">Port</span>
            <input value={port()} onInput={(e) => setPort(e.currentTarget.value)} inputMode="numeric" required />
          </label>
        </div>
        <label class="check">
          <input type="checkbox" checked={useTls()} onChange={(e) => setUseTls(e.currentTarget.checked)} /> TLS with a client certificate
        </label>
        <Show when={useTls()}>
          <label class="field">
            <span class="field__label">Client certificate (PEM)</span>
            <textarea class="mono" rows={3} value={cert()} onInput={(e) => setCert(e.currentTarget.value)} />
          </label>
          <label class="field">
            <span class="field__label">Client key (PEM)</span>
            <textarea class="mono" rows={3} value={key()} onInput={(e) => setKey(e.currentTarget.value)} />
            <span class="field__hint">Kept encrypted in ArchNest's vault; never shown again.</span>
          </label>
          <label class="field">
            <span class="field__label">CA certificate (PEM, optional)</span>
            <textarea class="mono" rows={3} value={ca()} onInput={(e) => setCa(e.currentTarget.value)} />
          </label>
        </Show>
      </Show>
      <Show when={error()}>
        <p role="alert" class="form-error">
          {error()}
        </p>
      </Show>
      <Show when={locked()}>{(m) => <Lock module={m()} reason="The free core manages one Docker source." />}</Show>
      <div class="actions">
        <button type="submit" class="btn btn--accent" disabled={busy()}>
          {busy() ? "Connecting…" : "Add source"}
        </button>
      </div>
    </form>
  );
}
