import { Dialog } from "@archnest/sdk/web";
import { createSignal, For, type JSX, Show } from "solid-js";
import { hostsApi, type ImportAnswer, messageOf } from "../api/index.js";

const TEXTAREA = { height: "auto", "min-height": "200px", padding: "10px 12px", resize: "vertical", "font-size": "12px", "line-height": "1.45" } as const;

const sentence = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** Import from an OpenSSH client config: paste ~/.ssh/config, then see what was imported and what was skipped, and why. */
export function ImportDialog(props: { onClose: () => void; onImported: (answer: ImportAnswer) => void }): JSX.Element {
  const [text, setText] = createSignal("");
  const [result, setResult] = createSignal<ImportAnswer>();
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      const answer = await hostsApi.importConfig(text());
      setResult(answer);
      props.onImported(answer);
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open
      title="Import from ~/.ssh/config"
      onClose={props.onClose}
      footer={
        <Show
          when={result()}
          fallback={
            <>
              <button type="button" class="btn btn--ghost" onClick={props.onClose}>
                Cancel
              </button>
              <button type="submit" form="hosts-import" class="btn btn--accent" disabled={busy() || text().trim() === ""}>
                {busy() ? "Importing…" : "Import"}
              </button>
            </>
          }
        >
          <button type="button" class="btn btn--accent" onClick={props.onClose}>
            Done
          </button>
        </Show>
      }
    >
      <Show
        when={result()}
        fallback={
          <form id="hosts-import" class="form" onSubmit={submit}>
            <p>
              Paste your OpenSSH client config. Each <code class="mono">Host</code> entry with a HostName and User becomes an SSH host; wildcard entries and
              those that need more are skipped, with the reason.
            </p>
            <Show when={error()}>
              <p class="form-error" role="alert">
                {error()}
              </p>
            </Show>
            <label class="field">
              <span class="field__label" style={{ color: "var(--an-text)" }}>
                Config file
              </span>
              <textarea
                class="mono"
                style={TEXTAREA}
                value={text()}
                onInput={(e) => setText(e.currentTarget.value)}
                spellcheck={false}
                placeholder={"Host web-1\n  HostName 10.0.0.5\n  User deploy\n  Port 22"}
                autofocus
              />
            </label>
          </form>
        }
      >
        {(r) => (
          <div class="stack" data-testid="import-result" style={{ gap: "18px" }}>
            <section>
              <h3 class="section-title">Imported · {r().imported.length}</h3>
              <Show when={r().imported.length > 0} fallback={<p>Nothing was imported.</p>}>
                <ul class="plain-list" style={{ display: "grid", gap: "8px" }}>
                  <For each={r().imported}>
                    {(h) => (
                      <li data-imported={h.name} style={{ color: "var(--an-text)" }}>
                        <span class="dot dot--success" style={{ display: "inline-block", "margin-right": "8px", "vertical-align": "middle" }} />
                        <strong>{h.name}</strong>{" "}
                        <span class="mono muted">
                          {h.user}@{h.address}:{h.port}
                        </span>
                        <Show when={!h.hasKey && !h.hasPassword}>
                          <div class="cell-sub" style={{ "margin-left": "15px" }}>
                            Add its private key (Edit) before connecting.
                          </div>
                        </Show>
                      </li>
                    )}
                  </For>
                </ul>
              </Show>
            </section>
            <Show when={r().skipped.length > 0}>
              <section>
                <h3 class="section-title">Skipped · {r().skipped.length}</h3>
                <ul class="plain-list" style={{ display: "grid", gap: "8px" }}>
                  <For each={r().skipped}>
                    {(s) => (
                      <li data-skipped={s.entry}>
                        <span class="dot dot--warning" style={{ display: "inline-block", "margin-right": "8px", "vertical-align": "middle" }} />
                        <strong style={{ color: "var(--an-text)" }}>{s.entry}</strong>
                        <Show when={s.line !== undefined}>
                          <span class="muted small"> · line {s.line}</span>
                        </Show>
                        <div class="small" style={{ "margin-left": "15px" }}>
                          {sentence(s.reason)}
                        </div>
                      </li>
                    )}
                  </For>
                </ul>
              </section>
            </Show>
          </div>
        )}
      </Show>
    </Dialog>
  );
}
