/**
 * "Shell" in a running container's row on the Docker page (`docker.container.actions@1`): asks which shell
 * and as which user, then opens the terminal on `docker:<target>`, where the container's shell runs in the
 * same terminal as SSH sessions.
 */
import { Dialog, useShell } from "@archnest/sdk/web";
import { createSignal, For, type JSX, Show } from "solid-js";
import { execHostId, SHELLS, type ShellChoice } from "../target.js";

interface Props {
  source: { id: string; name: string };
  container: { id: string; name: string; state: string };
}

const LABELS: Record<ShellChoice, string> = {
  auto: "The first it has (bash, ash, sh)",
  "/bin/bash": "bash",
  "/bin/ash": "ash",
  "/bin/sh": "sh",
};

export function ShellAction(props: Props): JSX.Element {
  const [open, setOpen] = createSignal(false);
  const [shell, setShell] = createSignal<ShellChoice>("auto");
  const [user, setUser] = createSignal("");
  const valid = () => /^[A-Za-z0-9_.-]{0,64}(:[A-Za-z0-9_.-]{1,64})?$/.test(user().trim());
  const go = (e: SubmitEvent) => {
    e.preventDefault();
    if (!valid()) return;
    const host = execHostId({
      sourceId: props.source.id,
      containerId: props.container.id.slice(0, 12),
      name: props.container.name,
      shell: shell(),
      user: user().trim(),
    });
    setOpen(false);
    useShell().navigate(`/terminal?host=${encodeURIComponent(host)}`);
  };
  return (
    <Show when={props.container.state === "running"}>
      <button type="button" class="btn btn--ghost btn--sm" onClick={() => setOpen(true)} aria-label={`Shell in ${props.container.name}`}>
        Shell
      </button>
      <Dialog open={open()} title={`Shell in ${props.container.name}`} onClose={() => setOpen(false)} width="sm">
        <form class="form" onSubmit={go} data-testid="exec-form">
          <label class="field">
            <span class="field__label">Shell</span>
            <select value={shell()} onChange={(e) => setShell(e.currentTarget.value as ShellChoice)} data-testid="exec-shell">
              <For each={SHELLS}>{(s) => <option value={s}>{LABELS[s]}</option>}</For>
            </select>
          </label>
          <label class="field">
            <span class="field__label">User</span>
            <input value={user()} onInput={(e) => setUser(e.currentTarget.value)} placeholder="the image's user" data-testid="exec-user" />
            <span class="field__hint">A name, a uid, or uid:gid, such as root or 1000:1000.</span>
          </label>
          <Show when={!valid()}>
            <p role="alert" class="form-error">
              A user is a name or uid, optionally with :group.
            </p>
          </Show>
          <div class="actions">
            <button type="submit" class="btn btn--accent" disabled={!valid()}>
              Open shell
            </button>
          </div>
        </form>
      </Dialog>
    </Show>
  );
}
