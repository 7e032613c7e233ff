import type { DialogProps } from "@archnest/sdk/web";
import { createEffect, createUniqueId, type JSX, onCleanup, Show } from "solid-js";
import { Portal } from "solid-js/web";

/** The open dialogs, innermost last: only the innermost answers the keyboard. */
const openDialogs: symbol[] = [];

/**
 * A modal dialog rendered through a Portal on top of everything: focus moves into it, Tab stays inside,
 * Escape closes it (the innermost of nested dialogs only), and focus returns where it was. Keys are taken
 * in the capture phase, before a widget that keeps them for itself (a terminal sends Escape to its shell).
 */
export function Dialog(props: DialogProps): JSX.Element {
  const titleId = createUniqueId();
  let panel: HTMLDivElement | undefined;
  createEffect(() => {
    if (!props.open) return;
    const me = Symbol("dialog");
    openDialogs.push(me);
    const previous = document.activeElement as HTMLElement | null;
    queueMicrotask(() => {
      const first = panel?.querySelector<HTMLElement>("[autofocus], input, button:not([disabled]), [href], select, textarea");
      (first ?? panel)?.focus();
    });
    const onKey = (e: KeyboardEvent) => {
      if (openDialogs.at(-1) !== me) return;
      if (e.key === "Escape") {
        e.preventDefault();
        e.stopPropagation();
        props.onClose();
      } else if (e.key === "Tab" && panel) {
        const items = [...panel.querySelectorAll<HTMLElement>("input, button:not([disabled]), [href], select, textarea")];
        const first = items[0];
        const last = items[items.length - 1];
        if (!first || !last) return;
        if (e.shiftKey && document.activeElement === first) {
          e.preventDefault();
          last.focus();
        } else if (!e.shiftKey && document.activeElement === last) {
          e.preventDefault();
          first.focus();
        }
      }
    };
    document.addEventListener("keydown", onKey, true);
    onCleanup(() => {
      document.removeEventListener("keydown", onKey, true);
      openDialogs.splice(openDialogs.indexOf(me), 1);
      previous?.focus?.();
    });
  });
  return (
    <Show when={props.open}>
      <Portal>
        {/* biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: a click outside closes with the mouse; Escape (handled on document) is the keyboard path */}
        <div class="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
          <div
            ref={panel}
            class={`dialog dialog--${props.width ?? "md"} ${props.tone === "danger" ? "dialog--danger" : ""}`}
            role="dialog"
            aria-modal="true"
            aria-labelledby={titleId}
            tabIndex={-1}
          >
            <header class="dialog__head">
              <h2 id={titleId}>{props.title}</h2>
            </header>
            <div class="dialog__body">{props.children}</div>
            <Show when={props.footer}>
              <footer class="dialog__foot">{props.footer}</footer>
            </Show>
          </div>
        </div>
      </Portal>
    </Show>
  );
}
