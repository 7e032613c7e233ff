import { createSignal, type JSX, Show } from "solid-js";
import { errorMessage } from "../../api/index.js";
import { navigate } from "../../router/index.js";
import { createAdmin, signIn } from "../../session/index.js";

/** The setup code from a `?setup=<code>` link, which `npm start` prints beside the URL. */
function setupCodeFromLink(): string {
  return new URLSearchParams(window.location.search).get("setup")?.trim() ?? "";
}

/** First-run setup (create the admin) and sign-in share one calm card. */
export function AuthPage(props: { mode: "setup" | "login" }): JSX.Element {
  const [setupCode, setSetupCode] = createSignal(setupCodeFromLink());
  const [username, setUsername] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [confirm, setConfirm] = createSignal("");
  const [error, setError] = createSignal<string>();
  const [busy, setBusy] = createSignal(false);
  const setup = () => props.mode === "setup";

  const submit = async (e: SubmitEvent) => {
    e.preventDefault();
    setError(undefined);
    if (setup() && password().length < 8) return setError("Use at least 8 characters for the password.");
    if (setup() && password() !== confirm()) return setError("The two passwords differ.");
    if (setup() && !setupCode().trim()) return setError("Enter the setup code from the host's log.");
    setBusy(true);
    try {
      const credentials = { username: username().trim(), password: password() };
      if (setup()) {
        await createAdmin({ ...credentials, setupCode: setupCode().trim() });
        navigate("/", { replace: true });
      } else await signIn(credentials);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div class="auth">
      <main class="auth__card" id="main">
        <div class="auth__brand">
          <svg class="brand__mark brand__mark--lg" viewBox="0 0 32 32" aria-hidden="true">
            <rect width="32" height="32" rx="8" />
            <path d="M8 21.5 16 9l8 12.5M11.5 21.5h9" />
          </svg>
          <span>ArchNest</span>
        </div>
        <h1>{setup() ? "Welcome to ArchNest" : "Sign in"}</h1>
        <p class="muted auth__lead">
          {setup() ? "Create the administrator account. You will use it to sign in and to manage plugins and licenses." : "Sign in to your ArchNest dashboard."}
        </p>
        <form class="form" onSubmit={submit} noValidate>
          <Show when={setup()}>
            <div class="field">
              <label class="field__label" for="auth-setup-code">
                Setup code
              </label>
              <input
                id="auth-setup-code"
                name="setupCode"
                autocomplete="off"
                spellcheck={false}
                required
                aria-describedby="auth-setup-code-hint"
                value={setupCode()}
                onInput={(e) => setSetupCode(e.currentTarget.value)}
                autofocus={!setupCode()}
              />
              <span class="field__hint" id="auth-setup-code-hint">
                The host printed it in its log when it started; it is also in the file <code>setup-code</code> in its data folder.
              </span>
            </div>
          </Show>
          <label class="field">
            <span class="field__label">Username</span>
            <input
              name="username"
              autocomplete="username"
              required
              value={username()}
              onInput={(e) => setUsername(e.currentTarget.value)}
              autofocus={!setup() || Boolean(setupCode())}
            />
          </label>
          <div class="field">
            <label class="field__label" for="auth-password">
              Password
            </label>
            <input
              id="auth-password"
              name="password"
              type="password"
              autocomplete={setup() ? "new-password" : "current-password"}
              required
              aria-describedby={setup() ? "auth-password-hint" : undefined}
              value={password()}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
            <Show when={setup()}>
              <span class="field__hint" id="auth-password-hint">
                At least 8 characters.
              </span>
            </Show>
          </div>
          <Show when={setup()}>
            <label class="field">
              <span class="field__label">Confirm password</span>
              <input name="confirm" type="password" autocomplete="new-password" required value={confirm()} onInput={(e) => setConfirm(e.currentTarget.value)} />
            </label>
          </Show>
          <Show when={error()}>
            <p class="form-error" role="alert">
              {error()}
            </p>
          </Show>
          <button type="submit" class="btn btn--accent btn--block" disabled={busy() || !username().trim() || !password() || (setup() && !setupCode().trim())}>
            {busy() ? "One moment…" : setup() ? "Create admin and continue" : "Sign in"}
          </button>
        </form>
      </main>
      <p class="auth__foot muted">Self-hosted infrastructure dashboard</p>
    </div>
  );
}
