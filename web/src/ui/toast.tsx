import { For, type JSX } from "solid-js";
import { createStore, produce } from "solid-js/store";
import { Portal } from "solid-js/web";
import { Icon } from "./Icon.js";

export type ToastTone = "info" | "success" | "error";
interface Toast {
  id: number;
  message: string;
  tone: ToastTone;
}

const [toasts, setToasts] = createStore<Toast[]>([]);
let next = 1;

/** Shows a short notice in the corner for a few seconds (errors a little longer); repeats are shown once. */
export function notify(message: string, tone: ToastTone = "info"): void {
  if (toasts.some((t) => t.message === message && t.tone === tone)) return;
  const id = next++;
  setToasts(produce((t) => t.push({ id, message, tone })));
  setTimeout(() => dismiss(id), tone === "error" ? 10_000 : 4500);
}

function dismiss(id: number): void {
  setToasts((t) => t.filter((x) => x.id !== id));
}

/** Where notices appear; mounted once by the shell. */
export function Toasts(): JSX.Element {
  return (
    <Portal>
      <div class="toasts" role="status" aria-live="polite">
        <For each={toasts}>
          {(t) => (
            <div class={`toast toast--${t.tone}`}>
              <Icon name={t.tone === "error" ? "alert" : t.tone === "success" ? "check" : "sparkle"} />
              <span>{t.message}</span>
              <button type="button" class="icon-btn" aria-label="Dismiss" onClick={() => dismiss(t.id)}>
                <Icon name="x" size={16} />
              </button>
            </div>
          )}
        </For>
      </div>
    </Portal>
  );
}
