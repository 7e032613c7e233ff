import { createSignal, For, type JSX, Show } from "solid-js";
import { api, errorMessage } from "../../api/index.js";
import { catalog } from "../../data/index.js";
import { session } from "../../session/index.js";
import { activeTheme, chooseTheme, themeOptions } from "../../theme/index.js";
import { Badge, Lock, notify } from "../../ui/index.js";

/** The signed-in person: password and theme. */
export function ProfileTab(): JSX.Element {
  return (
    <div class="stack">
      <section class="card">
        <h2 class="card__title">Account</h2>
        <dl class="kv">
          <dt>Username</dt>
          <dd>{session.user()?.username}</dd>
          <dt>Role</dt>
          <dd>
            <Badge tone="accent">{session.user()?.role === "admin" ? "Administrator" : "Member"}</Badge>
          </dd>
        </dl>
      </section>
      <ThemePicker />
      <PasswordForm />
    </div>
  );
}

function ThemePicker(): JSX.Element {
  const installedModules = () => new Set(themeOptions().map((o) => o.plugin?.module));
  const lockedThemes = () => (catalog.read.latest?.modules ?? []).filter((m) => m.slug.startsWith("theme-") && !m.owned && !installedModules().has(m.slug));
  const pick = async (id: string) => {
    try {
      await chooseTheme(id);
    } catch (e) {
      notify(`Could not save the theme: ${errorMessage(e)}`, "error");
    }
  };
  return (
    <section class="card">
      <h2 class="card__title">Theme</h2>
      <p class="muted">Applies at once and follows you to other browsers.</p>
      <fieldset class="theme-grid">
        <legend class="sr-only">Theme</legend>
        <For each={themeOptions()}>
          {(o) => (
            <label class="theme-option" data-theme-id={o.theme.id}>
              <input
                type="radio"
                name="theme"
                class="sr-only"
                value={o.theme.id}
                checked={activeTheme().id === o.theme.id}
                onChange={() => void pick(o.theme.id)}
              />
              <span
                class="theme-swatch"
                style={{
                  background: o.theme.variables["--an-bg"] ?? "#0e1016",
                  "border-color": o.theme.variables["--an-border"] ?? "#252a36",
                }}
              >
                <span style={{ background: o.theme.variables["--an-bg-raised"] ?? "#151821" }} />
                <span style={{ background: o.theme.variables["--an-accent"] ?? "#8b9cff" }} />
              </span>
              <span class="theme-option__name">{o.theme.name}</span>
            </label>
          )}
        </For>
      </fieldset>
      <Show when={lockedThemes().length > 0}>
        <div class="lock-row">
          <For each={lockedThemes()}>{(m) => <Lock module={m.slug} price={m.price} variant="inline" />}</For>
        </div>
      </Show>
    </section>
  );
}

function PasswordForm(): JSX.Element {
  const [current, setCurrent] = createSignal("");
  const [next, setNext] = createSignal("");
  const [confirm, setConfirm] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(undefined);
    if (next().length < 8) return setError("Use at least 8 characters for the new password.");
    if (next() !== confirm()) return setError("The new passwords differ.");
    setBusy(true);
    try {
      await api.changePassword({ currentPassword: current(), newPassword: next() });
      setCurrent("");
      setNext("");
      setConfirm("");
      notify("Password changed.", "success");
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card">
      <h2 class="card__title">Change password</h2>
      <form class="form form--narrow" onSubmit={submit} noValidate>
        <label class="field">
          <span class="field__label">Current password</span>
          <input type="password" autocomplete="current-password" value={current()} onInput={(e) => setCurrent(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span class="field__label">New password</span>
          <input type="password" autocomplete="new-password" value={next()} onInput={(e) => setNext(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span class="field__label">Confirm new password</span>
          <input type="password" autocomplete="new-password" value={confirm()} onInput={(e) => setConfirm(e.currentTarget.value)} />
        </label>
        <Show when={error()}>
          <p class="form-error" role="alert">
            {error()}
          </p>
        </Show>
        <div>
          <button type="submit" class="btn btn--accent" disabled={busy() || !current() || !next()}>
            {busy() ? "Saving…" : "Change password"}
          </button>
        </div>
      </form>
    </section>
  );
}
