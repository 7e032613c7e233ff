import { describeError, isModuleRequired, Lock, useShell } from "@archnest/sdk/web";
import type { TerminalToolbarProps } from "@archnest/terminal/slots";
import { createEffect, createSignal, type JSX, on, onCleanup, Show } from "solid-js";
import { api, type Recording, type RecordingStatus } from "./api.js";
import { PAGE_CSS } from "./page-css.js";

/**
 * Refreshed this often while the terminal is open: a recording started on another tab, stopped by a full
 * disk or by the session's end, and a license bought in the store all show without a reload.
 */
const REFRESH_MS = 4000;

/** The terminal toolbar's Record toggle for the focused pane's session, or the lock without the license. */
export function RecordToggle(props: TerminalToolbarProps): JSX.Element {
  const shell = useShell();
  const [status, setStatus] = createSignal<RecordingStatus>();
  const [recording, setRecording] = createSignal<Recording | null>(null);
  const [busy, setBusy] = createSignal(false);
  const sessionId = () => props.terminal.sessionId();

  const refresh = async () => {
    try {
      setStatus(await api<RecordingStatus>("/status"));
      const id = sessionId();
      setRecording(id ? (await api<{ recording: Recording | null }>(`/sessions/${encodeURIComponent(id)}/recording`)).recording : null);
    } catch {
      // A failed refresh keeps the last known state; the next one tries again.
    }
  };
  createEffect(on(sessionId, () => void refresh()));
  const timer = setInterval(() => void refresh(), REFRESH_MS);
  onCleanup(() => clearInterval(timer));

  const toggle = async () => {
    const id = sessionId();
    if (!id) return;
    setBusy(true);
    try {
      const path = `/sessions/${encodeURIComponent(id)}/recording`;
      if (recording()) {
        await api(path, { method: "DELETE" });
        setRecording(null);
        shell.notify("Recording saved. Find it under Recordings.", "success");
      } else {
        setRecording((await api<{ recording: Recording }>(path, { method: "POST" })).recording);
      }
    } catch (err) {
      if (isModuleRequired(err)) await refresh();
      else shell.notify(describeError(err), "error");
    } finally {
      setBusy(false);
      props.terminal.focus();
    }
  };

  return (
    <>
      <style>{PAGE_CSS}</style>
      <Show
        when={status()?.refusal}
        fallback={
          <button
            type="button"
            class={`btn btn--sm ${recording() ? "an-rec__record--on" : "btn--ghost"}`}
            data-testid="record-toggle"
            aria-pressed={recording() ? "true" : "false"}
            disabled={busy() || !sessionId() || !props.terminal.connected() || status()?.terminal === false}
            title={recording() ? "Stop recording this session" : "Record this session from now on"}
            onClick={toggle}
          >
            <Show when={recording()}>
              <span class="an-rec__dot" aria-hidden="true" />
            </Show>
            {recording() ? "Stop recording" : "Record"}
          </button>
        }
      >
        {(refusal) => (
          <Lock module={refusal().module} price={refusal().price} variant="inline" label="Record" reason="Recording needs the Session Recording module." />
        )}
      </Show>
    </>
  );
}
