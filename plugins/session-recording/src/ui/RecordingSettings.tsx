import { describeError, Field, useShell } from "@archnest/sdk/web";
import { createResource, createSignal, For, type JSX, Show } from "solid-js";
import { readSettingValues, type SettingValues, saveSettingValues, terminalHosts } from "./api.js";

/** The admin's card: which hosts record every session, whether typed input is recorded, and retention. */
export function RecordingSettings(): JSX.Element {
  const shell = useShell();
  const [values, { mutate }] = createResource(readSettingValues);
  const [hosts] = createResource(() => terminalHosts().catch(() => []));
  const [saving, setSaving] = createSignal(false);

  const chosen = () =>
    new Set(
      (values()?.recordHosts ?? "")
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean),
    );
  const update = (patch: Partial<SettingValues>) => {
    const v = values();
    if (v) mutate({ ...v, ...patch });
  };
  const toggleHost = (id: string, on: boolean) => {
    const next = chosen();
    if (on) next.add(id);
    else next.delete(id);
    update({ recordHosts: [...next].join(",") });
  };
  const save = async (e: Event) => {
    e.preventDefault();
    const v = values();
    if (!v) return;
    setSaving(true);
    try {
      mutate((await saveSettingValues(v)).values);
      shell.notify("Recording settings saved.", "success");
    } catch (err) {
      shell.notify(describeError(err), "error");
    } finally {
      setSaving(false);
    }
  };

  return (
    <section class="card" style={{ padding: "20px", "max-width": "720px" }} data-testid="recording-settings">
      <h2 class="card__title">Recording settings</h2>
      <Show when={values()} fallback={<p class="muted small">Loading…</p>}>
        {(v) => (
          <form class="form" onSubmit={save}>
            <fieldset class="field" style={{ border: "0", padding: "0", margin: "0" }}>
              <legend class="field__label" style={{ padding: "0" }}>
                Record every session on these hosts
              </legend>
              <div class="an-rec__hosts">
                <For each={hosts() ?? []} fallback={<span class="small muted">No SSH hosts yet.</span>}>
                  {(h) => (
                    <label class="check">
                      <input type="checkbox" checked={chosen().has(h.id)} onChange={(e) => toggleHost(h.id, e.currentTarget.checked)} />
                      <span>
                        {h.name} <span class="mono small muted">{h.address}</span>
                      </span>
                    </label>
                  )}
                </For>
              </div>
              <span class="field__hint">Sessions that open on a chosen host are recorded from their first byte.</span>
            </fieldset>
            <div class="field">
              <label class="check">
                <input
                  type="checkbox"
                  checked={v().recordInput}
                  onChange={(e) => update({ recordInput: e.currentTarget.checked })}
                  data-testid="record-input"
                />
                <span>Record typed input too</span>
              </label>
              <p class="warning-note small" role="note">
                Typed input includes passwords typed at sudo, su or ssh prompts: they would be stored in the recordings in clear text, readable by anyone who
                can download them. Leave this off unless you must audit keystrokes.
              </p>
            </div>
            <div class="grid grid--2">
              <Field label="Keep recordings for (days)" hint="0 keeps them forever.">
                <input
                  type="number"
                  min="0"
                  max="3650"
                  value={v().maxAgeDays}
                  onInput={(e) => update({ maxAgeDays: Number(e.currentTarget.value) })}
                  data-testid="max-age"
                />
              </Field>
              <Field label="Keep at most (MiB in total)" hint="The oldest are deleted first. 0 sets no limit.">
                <input
                  type="number"
                  min="0"
                  max="1048576"
                  value={v().maxTotalMiB}
                  onInput={(e) => update({ maxTotalMiB: Number(e.currentTarget.value) })}
                  data-testid="max-total"
                />
              </Field>
            </div>
            <div>
              <button type="submit" class="btn btn--accent" disabled={saving()}>
                Save
              </button>
            </div>
          </form>
        )}
      </Show>
    </section>
  );
}
