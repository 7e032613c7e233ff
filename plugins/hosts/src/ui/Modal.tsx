import { createEffect, createUniqueId, type JSX, onCleanup, Show } from "solid-js";
import { Portal } from "solid-js/web";

/** A dialog in the shell's `.dialog` style, mounted through a Portal: Escape and a click outside close it. */
export function Modal(props: {
  open: boolean;
  title: string;
  onClose: () => void;
  children: JSX.Element;
  footer?: JSX.Element;
  size?: "sm" | "md";
}): JSX.Element {
  const titleId = createUniqueId();
  let panel: HTMLDivElement | undefined;
  createEffect(() => {
    if (!props.open) return;
    const previous = document.activeElement as HTMLElement | null;
    queueMicrotask(() => (panel?.querySelector<HTMLElement>("[autofocus], input, textarea, select, button:not([disabled])") ?? panel)?.focus());
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Escape") {
        e.preventDefault();
        props.onClose();
      }
    };
    document.addEventListener("keydown", onKey);
    onCleanup(() => {
      document.removeEventListener("keydown", onKey);
      previous?.focus?.();
    });
  });
  return (
    <Show when={props.open}>
      <Portal>
        {/* biome-ignore lint/a11y/useKeyWithClickEvents lint/a11y/noStaticElementInteractions: Escape is the keyboard path, handled on document */}
        <div class="dialog-backdrop" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
          <div
            ref={panel}
            class={`dialog dialog--${props.size ?? "md"}`}
            style={props.size === "sm" ? {} : { "max-width": "600px", "max-height": "calc(100vh - 48px)", display: "flex", "flex-direction": "column" }}
            role="dialog"
            aria-modal="true"
            aria-labelledby={titleId}
            tabIndex={-1}
          >
            <header class="dialog__head">
              <h2 id={titleId}>{props.title}</h2>
            </header>
            <div class="dialog__body" style={{ "overflow-y": "auto" }}>
              {props.children}
            </div>
            <Show when={props.footer}>
              <footer class="dialog__foot">{props.footer}</footer>
            </Show>
          </div>
        </div>
      </Portal>
    </Show>
  );
}
