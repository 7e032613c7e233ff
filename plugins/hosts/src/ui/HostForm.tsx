import { Dialog, isModuleRequired, Lock } from "@archnest/sdk/web";
import { createSignal, type JSX, Show } from "solid-js";
import { type AuthMethod, type HostInput, hostsApi, messageOf, parseTags, type SshHost } from "../api/index.js";

// Grid cells let an input shrink below its intrinsic width only with min-width 0.
const FILL = { width: "100%", "min-width": "0" } as const;
const TEXTAREA = { height: "auto", "min-height": "120px", padding: "10px 12px", resize: "vertical", "font-size": "12px", "line-height": "1.45" } as const;

/**
 * Add or edit an SSH host. Secrets are write-only: the form never shows a stored password, key or
 * passphrase; it says "stored" and sends a secret only when one is typed.
 */
export function HostForm(props: { host?: SshHost; onClose: () => void; onSaved: (host: SshHost) => void }): JSX.Element {
  const h = props.host;
  const [name, setName] = createSignal(h?.name ?? "");
  const [address, setAddress] = createSignal(h?.address ?? "");
  const [port, setPort] = createSignal(String(h?.port ?? 22));
  const [user, setUser] = createSignal(h?.user ?? "");
  const [method, setMethod] = createSignal<AuthMethod>(h?.authMethod ?? "key");
  const [password, setPassword] = createSignal("");
  const [privateKey, setPrivateKey] = createSignal("");
  const [passphrase, setPassphrase] = createSignal("");
  const [tags, setTags] = createSignal(h?.tags.join(", ") ?? "");
  const [error, setError] = createSignal<string>();
  const [locked, setLocked] = createSignal<{ module: string; price: string | undefined; cap: number | undefined }>();
  const [busy, setBusy] = createSignal(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setError(undefined);
    const portNumber = Number(port());
    if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) return setError("The port is a number from 1 to 65535.");
    const input: HostInput = {
      name: name().trim(),
      address: address().trim(),
      port: portNumber,
      user: user().trim(),
      authMethod: method(),
      tags: parseTags(tags()),
    };
    if (method() === "password" && password()) input.password = password();
    if (method() === "key" && privateKey()) {
      input.privateKey = `${privateKey().replace(/\r\n/g, "\n").trim()}\n`;
      input.passphrase = passphrase();
    } else if (method() === "key" && passphrase()) input.passphrase = passphrase();
    setBusy(true);
    try {
      props.onSaved(h ? await hostsApi.update(h.id, input) : await hostsApi.add(input));
    } catch (err) {
      if (isModuleRequired(err)) setLocked({ module: err.module, price: err.price, cap: (err.body as { cap?: number } | undefined)?.cap });
      else setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };

  const stored = (has: boolean | undefined, what: string) => (has ? `stored · type to replace the ${what}` : "");

  return (
    <Dialog
      open
      title={h ? `Edit ${h.name}` : "Add SSH host"}
      onClose={props.onClose}
      footer={
        <>
          <button type="button" class="btn btn--ghost" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" form="hosts-form" class="btn btn--accent" disabled={busy() || locked() !== undefined}>
            {busy() ? "Saving…" : h ? "Save" : "Add host"}
          </button>
        </>
      }
    >
      <form id="hosts-form" class="form" onSubmit={submit} style={{ color: "var(--an-text)" }}>
        <Show when={locked()}>
          {(l) => (
            <Lock
              module={l().module}
              price={l().price}
              reason={`${l().cap === undefined ? "You have reached the free limit of SSH hosts" : `You have ${l().cap} SSH hosts, the free limit`}. Remove one, or unlock any number.`}
            />
          )}
        </Show>
        <Show when={error()}>
          <p class="form-error" role="alert">
            {error()}
          </p>
        </Show>
        <label class="field">
          <span class="field__label">Name</span>
          <input value={name()} onInput={(e) => setName(e.currentTarget.value)} required maxLength={64} placeholder="web-1" autofocus />
        </label>
        <div style={{ display: "grid", "grid-template-columns": "minmax(0, 1fr) 110px", gap: "12px" }}>
          <label class="field">
            <span class="field__label">Address</span>
            <input
              style={FILL}
              value={address()}
              onInput={(e) => setAddress(e.currentTarget.value)}
              required
              maxLength={253}
              placeholder="10.0.0.5 or web-1.example.com"
            />
          </label>
          <label class="field">
            <span class="field__label">Port</span>
            <input style={FILL} value={port()} onInput={(e) => setPort(e.currentTarget.value)} required inputMode="numeric" />
          </label>
        </div>
        <label class="field">
          <span class="field__label">User</span>
          <input value={user()} onInput={(e) => setUser(e.currentTarget.value)} required maxLength={64} placeholder="root" autocomplete="off" />
        </label>
        <fieldset class="field" style={{ border: "0", padding: "0", margin: "0" }}>
          <legend class="field__label" style={{ "margin-bottom": "6px" }}>
            Sign in with
          </legend>
          <div class="row row--tight">
            <label class="check check--plain">
              <input type="radio" name="auth" checked={method() === "key"} onChange={() => setMethod("key")} /> Private key
            </label>
            <label class="check check--plain">
              <input type="radio" name="auth" checked={method() === "password"} onChange={() => setMethod("password")} /> Password
            </label>
          </div>
        </fieldset>
        <Show
          when={method() === "key"}
          fallback={
            <label class="field">
              <span class="field__label">Password</span>
              <input
                type="password"
                value={password()}
                onInput={(e) => setPassword(e.currentTarget.value)}
                required={!h?.hasPassword}
                placeholder={stored(h?.hasPassword, "password")}
                autocomplete="new-password"
              />
              <Show when={h?.hasPassword}>
                <span class="field__hint">A password is stored. Leave empty to keep it.</span>
              </Show>
            </label>
          }
        >
          <label class="field">
            <span class="field__label">Private key</span>
            <textarea
              class="mono"
              style={TEXTAREA}
              value={privateKey()}
              onInput={(e) => setPrivateKey(e.currentTarget.value)}
              required={!h?.hasKey}
              spellcheck={false}
              placeholder={h?.hasKey ? "stored · paste a new key to replace it" : "-----BEGIN OPENSSH PRIVATE KEY-----"}
            />
            <span class="field__hint">
              {h?.hasKey
                ? "A private key is stored. Leave empty to keep it."
                : "Paste the private key file (not the .pub). It is kept encrypted in the vault and never shown again."}
            </span>
          </label>
          <label class="field">
            <span class="field__label">
              Passphrase <span class="muted">(optional)</span>
            </span>
            <input
              type="password"
              value={passphrase()}
              onInput={(e) => setPassphrase(e.currentTarget.value)}
              placeholder={stored(h?.hasPassphrase, "passphrase")}
              autocomplete="new-password"
            />
          </label>
        </Show>
        <label class="field">
          <span class="field__label">
            Tags <span class="muted">(optional)</span>
          </span>
          <input value={tags()} onInput={(e) => setTags(e.currentTarget.value)} placeholder="prod, web" />
          <span class="field__hint">Separate tags with commas.</span>
        </label>
      </form>
    </Dialog>
  );
}
