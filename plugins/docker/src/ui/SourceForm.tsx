import { ApiError, describeError, isModuleRequired, Lock } from "@archnest/sdk/web";
import { createSignal, For, type JSX, Show } from "solid-js";
import type { DockerTransportKind } from "../service/api.js";
import type { SourceKind } from "../sources/index.js";
import { isTransportKind, TRANSPORT_KINDS } from "../sources/kinds.js";
import { api, CAP_REASON, type SourceView, type TransportSourcesState } from "./api.js";

/** How the form names the hosts a transport kind's source points at, and what it says beside its lock. */
const TARGET_FIELD: Record<DockerTransportKind, { label: string; none: string; pitch: string }> = {
  ssh: { label: "SSH host", none: "Add the host under Infrastructure first.", pitch: "No port to open on the host, works through jump hosts." },
  agent: { label: "Agent", none: "Enroll an agent on the Docker agents page first.", pitch: "No port to open on the host." },
};

/**
 * The fields of a source reached through a transport (SSH, agent): the host (or agent) it points at, then
 * `children`. Until the kind's module is licensed and its plugin runs, the reason instead: the module's
 * lock, or where to enable its plugin.
 */
function TransportFields(props: {
  kind: DockerTransportKind;
  state: TransportSourcesState | undefined;
  hostId: string;
  onHostId: (id: string) => void;
  children?: JSX.Element;
}): JSX.Element {
  const info = () => TRANSPORT_KINDS[props.kind];
  const field = () => TARGET_FIELD[props.kind];
  return (
    <Show
      when={props.state?.licensed && props.state.available}
      fallback={
        <Show when={props.state?.licensed} fallback={<Lock module={props.state?.module ?? info().module} reason={`${info().reason} ${field().pitch}`} />}>
          <p class="field__hint" data-testid="transport-unavailable">
            {info().plugin} is licensed but its plugin is not running: install or enable it under Settings → Plugins.
          </p>
        </Show>
      }
    >
      <label class="field">
        <span class="field__label">{field().label}</span>
        <select value={props.hostId} onChange={(e) => props.onHostId(e.currentTarget.value)} data-testid={`${props.kind}-host`} required>
          <For each={props.state?.hosts ?? []}>{(h) => <option value={h.id}>{`${h.name} (${h.address})`}</option>}</For>
        </select>
        <Show when={(props.state?.hosts.length ?? 0) === 0}>
          <span class="field__hint">{field().none}</span>
        </Show>
      </label>
      {props.children}
    </Show>
  );
}

/**
 * Adds a Docker source (a unix socket, a TCP address with optional TLS client certificates, the engine of
 * an SSH host with Docker over SSH, or of an agent's host with Docker Push Agent) or, given `source`,
 * edits it. The server tests the engine before saving; when the test fails the form says which step
 * failed and offers to save anyway. Stored TLS material is never sent back: left empty, it is kept.
 */
export function SourceForm(props: {
  suggested: { socketPath: string } | null;
  ssh: TransportSourcesState | undefined;
  agent?: TransportSourcesState | undefined;
  source?: SourceView;
  onSaved: () => void | Promise<void>;
}): JSX.Element {
  const editing = props.source;
  const [kind, setKind] = createSignal<SourceKind>(editing?.kind ?? "unix");
  /** What `GET /sources` says of a transport kind's sources (props named like the kinds), none for unix and TCP. */
  const stateOf = (k: SourceKind): TransportSourcesState | undefined => (isTransportKind(k) ? props[k] : undefined);
  const [hostId, setHostId] = createSignal(editing?.hostId ?? stateOf(editing?.kind ?? "unix")?.hosts[0]?.id ?? "");
  const [via, setVia] = createSignal(editing?.via ?? "auto");
  const [remoteSocket, setRemoteSocket] = createSignal(editing?.kind === "ssh" ? (editing.socketPath ?? "") : "/var/run/docker.sock");
  /** The transport kind picked (SSH, agent), or undefined for a unix or TCP source. */
  const transport = (): DockerTransportKind | undefined => {
    const k = kind();
    return isTransportKind(k) ? k : undefined;
  };
  // A transport kind's source needs its module licensed and its plugin running; until then the form shows why.
  const transportBlocked = () => {
    const k = transport();
    return k !== undefined && (!stateOf(k)?.licensed || !stateOf(k)?.available);
  };
  // A 402 on saving: the picked kind's module (its license lapsed meanwhile), else the free cap's.
  const lockReason = (module: string) => {
    const k = transport();
    return k && TRANSPORT_KINDS[k].module === module ? TRANSPORT_KINDS[k].reason : `${CAP_REASON} Unlock it to manage more engines.`;
  };
  const chooseKind = (next: SourceKind) => {
    setKind(next);
    const hosts = stateOf(next)?.hosts ?? [];
    if (hosts.length > 0 && !hosts.some((h) => h.id === hostId())) setHostId(hosts[0]?.id ?? "");
  };
  const [name, setName] = createSignal(editing?.name ?? (props.suggested ? "Local engine" : ""));
  const [socketPath, setSocketPath] = createSignal(editing?.socketPath ?? props.suggested?.socketPath ?? "/var/run/docker.sock");
  const [host, setHost] = createSignal(editing?.host ?? "");
  const [port, setPort] = createSignal(String(editing?.port ?? 2376));
  const [useTls, setUseTls] = createSignal(editing?.tls ?? false);
  const [cert, setCert] = createSignal("");
  const [key, setKey] = createSignal("");
  const [ca, setCa] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [testFailed, setTestFailed] = createSignal(false);
  const [locked, setLocked] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  // Editing a TLS source keeps the stored certificate and key (never sent here) unless the person replaces them.
  const [replaceTls, setReplaceTls] = createSignal(editing?.tls !== true);
  const keepsTls = () => editing?.tls === true && useTls() && !replaceTls();

  const body = () => {
    if (kind() === "unix") return { name: name(), kind: "unix", socketPath: socketPath() };
    if (kind() === "ssh") return { name: name(), kind: "ssh", hostId: hostId(), socketPath: remoteSocket(), via: via() };
    if (kind() === "agent") return { name: name(), kind: "agent", hostId: hostId() };
    const tls = !useTls() ? null : keepsTls() ? undefined : { cert: cert(), key: key(), ...(ca().trim() && { ca: ca() }) };
    return { name: name(), kind: "tcp", host: host(), port: Number(port()), ...(tls !== undefined && { tls }) };
  };

  const save = async (untested: boolean) => {
    setBusy(true);
    setError(undefined);
    setTestFailed(false);
    try {
      const query = untested ? "?untested=1" : "";
      if (editing) await api(`/sources/${editing.id}${query}`, { method: "PUT", json: body() });
      else await api(`/sources${query}`, { method: "POST", json: body() });
      await props.onSaved();
    } catch (err) {
      if (isModuleRequired(err)) setLocked(err.module);
      else {
        setError(describeError(err));
        setTestFailed(err instanceof ApiError && err.code === "DOCKER_ERR_SOURCE_TEST_FAILED");
      }
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: SubmitEvent) => {
    e.preventDefault();
    void save(false);
  };

  return (
    <form class="form" onSubmit={submit} data-testid="source-form">
      <label class="field">
        <span class="field__label">Name</span>
        <input value={name()} onInput={(e) => setName(e.currentTarget.value)} maxLength={60} required />
      </label>
      <label class="field">
        <span class="field__label">Connection</span>
        <select value={kind()} onChange={(e) => chooseKind(e.currentTarget.value as SourceKind)} data-testid="source-kind">
          <option value="unix">Unix socket on this machine</option>
          <option value="tcp">TCP (Docker Engine API)</option>
          <option value="ssh">SSH host (Docker over SSH)</option>
          <option value="agent">Docker Push Agent (outbound agent)</option>
        </select>
      </label>
      <Show when={transport()} keyed>
        {(k) => (
          <TransportFields kind={k} state={stateOf(k)} hostId={hostId()} onHostId={setHostId}>
            <Show when={k === "ssh"}>
              <label class="field">
                <span class="field__label">Engine socket on the host</span>
                <input class="mono" value={remoteSocket()} onInput={(e) => setRemoteSocket(e.currentTarget.value)} required data-testid="ssh-socket" />
              </label>
              <label class="field">
                <span class="field__label">Reach it by</span>
                <select value={via()} onChange={(e) => setVia(e.currentTarget.value as "auto" | "socket" | "cli")} data-testid="ssh-via">
                  <option value="auto">The socket, else the docker CLI (automatic)</option>
                  <option value="socket">Forwarding the socket over SSH</option>
                  <option value="cli">The docker CLI on the host (docker system dial-stdio)</option>
                </select>
                <span class="field__hint">No TCP port is opened on the host. The CLI way works where the SSH server forbids forwarding.</span>
              </label>
            </Show>
          </TransportFields>
        )}
      </Show>
      <Show when={!transport()}>
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
          <div style={{ display: "grid", "grid-template-columns": "minmax(0, 1fr) minmax(0, 110px)", gap: "10px" }}>
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
            <Show when={!replaceTls()}>
              <p class="field__hint row row--tight" data-testid="tls-kept" style={{ "flex-wrap": "wrap" }}>
                <span>A client certificate and key are stored and kept.</span>
                <button type="button" class="btn btn--ghost btn--sm" onClick={() => setReplaceTls(true)}>
                  Replace them
                </button>
              </p>
            </Show>
            <Show when={replaceTls()}>
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
        </Show>
      </Show>
      <Show when={error()}>
        <p role="alert" class="form-error" data-testid="source-error">
          {error()}
        </p>
      </Show>
      <Show when={locked()}>{(m) => <Lock module={m()} reason={lockReason(m())} />}</Show>
      <div class="actions">
        <Show when={testFailed()}>
          <button type="button" class="btn btn--ghost" disabled={busy()} onClick={() => void save(true)}>
            Save anyway
          </button>
        </Show>
        <button type="submit" class="btn btn--accent" disabled={busy() || transportBlocked()}>
          {busy() ? "Testing…" : editing ? "Test and save" : "Test and add"}
        </button>
      </div>
    </form>
  );
}
