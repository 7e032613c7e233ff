import { apiFetch } from "@archnest/sdk/web";
import { createResource, createSignal, For, type JSX, Show } from "solid-js";
import { errorMessage } from "../../api/index.js";
import { refreshAll } from "../../data/index.js";
import { Dialog, notify, Spinner } from "../../ui/index.js";

/** A publisher this host trusts, as GET /api/trust/publishers answers it. */
interface TrustedPublisher {
  fingerprint: string;
  name: string;
  scopes: string[];
  keys: { keyid: string; name: string; scopes: string[] }[];
  addedAt: string;
}

/** What the registry says about a fingerprint (GET /api/trust/publishers/lookup/:fingerprint). */
type PublisherPreview = Omit<TrustedPublisher, "addedAt">;

const trustApi = {
  list: () => apiFetch<{ publishers: TrustedPublisher[] }>("/api/trust/publishers"),
  lookup: (fingerprint: string) => apiFetch<PublisherPreview>(`/api/trust/publishers/lookup/${encodeURIComponent(fingerprint)}`),
  add: (fingerprint: string) => apiFetch<TrustedPublisher>("/api/trust/publishers", { method: "POST", json: { fingerprint } }),
  remove: (fingerprint: string) => apiFetch<{ removed: string }>(`/api/trust/publishers/${encodeURIComponent(fingerprint)}`, { method: "DELETE" }),
};

/** A fingerprint in groups of eight, as people read it aloud to compare. */
function grouped(fingerprint: string): string {
  return fingerprint.match(/.{1,8}/g)?.join(" ") ?? fingerprint;
}

/**
 * Settings → Plugins → Trusted publishers: outside authors whose own keys this host accepts, each only
 * for its npm scopes and free plugins. Adding one shows what the registry says about the fingerprint
 * before anything is trusted; removing one stops its plugins (their data is kept).
 */
export function TrustedPublishers(): JSX.Element {
  const [list, { refetch }] = createResource(async () => (await trustApi.list()).publishers);
  const [fingerprint, setFingerprint] = createSignal("");
  const [preview, setPreview] = createSignal<PublisherPreview>();
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const [removing, setRemoving] = createSignal<TrustedPublisher>();

  const lookup = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(undefined);
    setPreview(undefined);
    const fp = fingerprint().replace(/\s+/g, "").toLowerCase();
    if (!/^[0-9a-f]{64}$/.test(fp)) {
      setError("A fingerprint is 64 hexadecimal characters: the publisher's root key id.");
      return;
    }
    setBusy(true);
    try {
      setPreview(await trustApi.lookup(fp));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const confirmAdd = async () => {
    const p = preview();
    if (!p) return;
    setBusy(true);
    try {
      await trustApi.add(p.fingerprint);
      notify(`${p.name} is trusted for ${p.scopes.join(", ")}.`, "success");
      setPreview(undefined);
      setFingerprint("");
      await refetch();
      refreshAll();
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  const confirmRemove = async () => {
    const p = removing();
    if (!p) return;
    setBusy(true);
    try {
      await trustApi.remove(p.fingerprint);
      notify(`${p.name} is no longer trusted. Its plugins are stopped; their data is kept.`, "success");
      setRemoving(undefined);
      await refetch();
      refreshAll();
    } catch (err) {
      notify(`${p.name}: ${errorMessage(err)}`, "error");
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card stack" data-testid="trusted-publishers" aria-labelledby="trusted-publishers-title">
      <h2 class="card__title" id="trusted-publishers-title">
        Trusted publishers
      </h2>
      <p class="muted small">
        Besides ArchNest's own keys, this host accepts plugins signed by the publishers below, each only within its npm scopes and only for free plugins.
        Compare a fingerprint with its publisher before you trust it.
      </p>

      <form class="trust-add" onSubmit={(e) => void lookup(e)} noValidate>
        <label class="field trust-add__field">
          <span class="field__label">Publisher fingerprint</span>
          <input
            class="mono"
            data-testid="publisher-fingerprint"
            placeholder="64 hexadecimal characters"
            autocomplete="off"
            spellcheck={false}
            value={fingerprint()}
            onInput={(e) => setFingerprint(e.currentTarget.value)}
          />
        </label>
        <button type="submit" class="btn btn--ghost" disabled={busy() || fingerprint().trim() === ""} data-testid="publisher-lookup">
          Look up
        </button>
      </form>
      <Show when={error()}>
        <p class="form-error" role="alert">
          {error()}
        </p>
      </Show>
      <Show when={preview()}>
        {(p) => (
          <div class="trust-preview" data-testid="publisher-preview">
            <p>
              The registry says this fingerprint belongs to <strong>{p().name}</strong>, publishing <strong>{p().scopes.join(", ")}</strong> with{" "}
              {p().keys.length} release key{p().keys.length === 1 ? "" : "s"}.
            </p>
            <p class="mono small trust-fingerprint">{grouped(p().fingerprint)}</p>
            <div class="toolbar">
              <button type="button" class="btn btn--ghost" onClick={() => setPreview(undefined)}>
                Cancel
              </button>
              <button type="button" class="btn btn--accent" disabled={busy()} data-testid="publisher-confirm" onClick={() => void confirmAdd()}>
                Trust {p().name}
              </button>
            </div>
          </div>
        )}
      </Show>

      <Show when={!list.loading} fallback={<Spinner />}>
        <Show
          when={(list() ?? []).length > 0}
          fallback={<p class="muted small">No publisher is trusted yet: only ArchNest's official keys sign what this host installs.</p>}
        >
          <div class="table-wrap">
            <table class="table" data-testid="publishers-table">
              <thead>
                <tr>
                  <th scope="col">Publisher</th>
                  <th scope="col">Scopes</th>
                  <th scope="col">Fingerprint</th>
                  <th scope="col" class="hide-md">
                    Added
                  </th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                <For each={list()}>
                  {(p) => (
                    <tr data-publisher={p.fingerprint}>
                      <td>
                        <div class="cell-title">{p.name}</div>
                      </td>
                      <td class="mono small">{p.scopes.join(", ")}</td>
                      <td class="mono small trust-fingerprint" title={p.fingerprint}>
                        {grouped(p.fingerprint)}
                      </td>
                      <td class="hide-md small">{new Date(p.addedAt).toLocaleDateString()}</td>
                      <td class="actions">
                        <button type="button" class="btn btn--ghost btn--sm" data-testid="publisher-remove" onClick={() => setRemoving(p)}>
                          Remove
                        </button>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
        </Show>
      </Show>

      <Dialog
        open={removing() !== undefined}
        title={`Stop trusting ${removing()?.name ?? ""}?`}
        tone="danger"
        width="sm"
        onClose={() => setRemoving(undefined)}
        footer={
          <>
            <button type="button" class="btn btn--ghost" onClick={() => setRemoving(undefined)}>
              Cancel
            </button>
            <button type="button" class="btn btn--danger" data-testid="confirm-publisher-remove" disabled={busy()} onClick={() => void confirmRemove()}>
              Stop trusting
            </button>
          </>
        }
      >
        <p>
          Plugins signed by this publisher stop at once. <strong>They and their data are kept</strong>, so trusting the publisher again starts them.
        </p>
      </Dialog>
    </section>
  );
}
