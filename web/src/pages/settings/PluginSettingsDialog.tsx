import { createResource, createSignal, For, type JSX, Match, Show, Switch } from "solid-js";
import { api, errorMessage, type SettingSchema } from "../../api/index.js";
import { ApiErrorView, Dialog, notify, Spinner } from "../../ui/index.js";

type Value = string | number | boolean | null;

/** A form built from the settings schema a plugin's manifest declares (`contributes.settings`). */
export function PluginSettingsDialog(props: { plugin: { id: string; name: string }; schema: Record<string, SettingSchema>; onClose: () => void }): JSX.Element {
  const [values, setValues] = createSignal<Record<string, Value>>({});
  const [error, setError] = createSignal<unknown>();
  const [saving, setSaving] = createSignal(false);
  const [loaded] = createResource(async () => {
    const v = (await api.pluginSettings(props.plugin.id)).values;
    setValues(v);
    return v;
  });
  const set = (key: string, value: Value) => setValues((v) => ({ ...v, [key]: value }));
  const save = async (e: SubmitEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(undefined);
    try {
      setValues((await api.savePluginSettings(props.plugin.id, values())).values);
      notify(`${props.plugin.name}: settings saved.`, "success");
      props.onClose();
    } catch (err) {
      setError(err);
    } finally {
      setSaving(false);
    }
  };
  const id = (key: string) => `setting-${props.plugin.id}-${key}`;
  return (
    <Dialog
      open
      title={`${props.plugin.name} settings`}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="btn btn--ghost" onClick={() => props.onClose()}>
            Cancel
          </button>
          <button type="submit" form="plugin-settings" class="btn btn--accent" disabled={saving() || loaded.loading}>
            {saving() ? "Saving…" : "Save"}
          </button>
        </>
      }
    >
      <Show when={!loaded.error} fallback={<p class="form-error">{errorMessage(loaded.error)}</p>}>
        <Show when={!loaded.loading} fallback={<Spinner />}>
          <form id="plugin-settings" class="form" onSubmit={save}>
            <For each={Object.entries(props.schema)}>
              {([key, s]) => (
                <div class="field">
                  <Switch>
                    <Match when={s.type === "boolean"}>
                      <label class="check check--plain">
                        <input type="checkbox" checked={values()[key] === true} onChange={(e) => set(key, e.currentTarget.checked)} />
                        <span>{s.title}</span>
                      </label>
                    </Match>
                    <Match when={s.type !== "boolean"}>
                      <label class="field__label" for={id(key)}>
                        {s.title}
                      </label>
                      <Switch>
                        <Match when={s.type === "enum" && s}>
                          {(e) => (
                            <select id={id(key)} value={String(values()[key] ?? "")} onChange={(ev) => set(key, ev.currentTarget.value)}>
                              <For each={(e() as Extract<SettingSchema, { type: "enum" }>).options}>{(o) => <option value={o}>{o}</option>}</For>
                            </select>
                          )}
                        </Match>
                        <Match when={s.type === "number" && s}>
                          {(n) => (
                            <input
                              id={id(key)}
                              type="number"
                              min={(n() as Extract<SettingSchema, { type: "number" }>).min}
                              max={(n() as Extract<SettingSchema, { type: "number" }>).max}
                              value={String(values()[key] ?? "")}
                              onInput={(ev) => set(key, ev.currentTarget.value === "" ? null : Number(ev.currentTarget.value))}
                            />
                          )}
                        </Match>
                        <Match when={s.type === "string" && s}>
                          {(t) => (
                            <input
                              id={id(key)}
                              maxLength={(t() as Extract<SettingSchema, { type: "string" }>).maxLength}
                              value={String(values()[key] ?? "")}
                              onInput={(ev) => set(key, ev.currentTarget.value)}
                            />
                          )}
                        </Match>
                      </Switch>
                    </Match>
                  </Switch>
                  <Show when={s.description}>
                    <span class="field__hint">{s.description}</span>
                  </Show>
                </div>
              )}
            </For>
            <Show when={error()}>
              <ApiErrorView error={error()} />
            </Show>
          </form>
        </Show>
      </Show>
    </Dialog>
  );
}
