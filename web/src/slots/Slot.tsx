import { ErrorBoundary, For, type JSX, Show, Suspense } from "solid-js";
import { Dynamic } from "solid-js/web";
import { Icon } from "../ui/Icon.js";
import { type SlotEntry, useSlot } from "./manifest.js";

/**
 * One contribution: lazily loaded, isolated by an error boundary that names the plugin. `props` are what
 * the slot's owner hands every contribution; `inline` suits a line of controls (a toolbar, a table row).
 */
export function SlotItem(props: { entry: SlotEntry; class?: string; props?: Record<string, unknown>; inline?: boolean }): JSX.Element {
  const label = () => `Loading ${props.entry.plugin.name}`;
  return (
    <Dynamic
      component={props.inline ? "span" : "div"}
      class={props.class ?? (props.inline ? "slot-item--inline" : "slot-item")}
      data-slot={props.entry.contribution.slot}
      data-contribution={props.entry.key}
    >
      <ErrorBoundary
        fallback={(error, reset) =>
          props.inline ? (
            <span class="slot-error--inline" role="alert" title={error instanceof Error ? error.message : String(error)}>
              {props.entry.plugin.name} stopped working
            </span>
          ) : (
            <SlotErrorCard pluginName={props.entry.plugin.name} pluginId={props.entry.plugin.id} error={error} reset={reset} />
          )
        }
      >
        <Suspense fallback={props.inline ? undefined : <div class="slot-loading" role="status" aria-busy="true" aria-label={label()} />}>
          <Dynamic
            component={props.entry.Component}
            {...props.props}
            plugin={{ id: props.entry.plugin.id, name: props.entry.plugin.name, version: props.entry.plugin.version }}
            contribution={props.entry.contribution}
          />
        </Suspense>
      </ErrorBoundary>
    </Dynamic>
  );
}

/** The small card a crashing contribution leaves behind; the rest of the page carries on. */
export function SlotErrorCard(props: { pluginName: string; pluginId: string; error: unknown; reset?: () => void }): JSX.Element {
  const message = () => (props.error instanceof Error ? props.error.message : String(props.error));
  return (
    <div class="slot-error" role="alert">
      <div class="slot-error__head">
        <Icon name="alert" />
        <strong>{props.pluginName}</strong>
        <span class="muted">stopped working</span>
      </div>
      <p class="slot-error__msg">{message()}</p>
      <div class="slot-error__actions">
        <Show when={props.reset}>
          {(reset) => (
            <button type="button" class="btn btn--ghost btn--sm" onClick={() => reset()()}>
              Try again
            </button>
          )}
        </Show>
        <a class="btn btn--ghost btn--sm" href={`/settings/plugins#${props.pluginId}`}>
          Manage plugin
        </a>
      </div>
    </div>
  );
}

/**
 * Renders every contribution to a slot, live: contributions appear and disappear as plugins are
 * installed, updated or removed. `fallback` shows when there are none.
 */
export function Slot(props: { name: string; class?: string; itemClass?: string; fallback?: JSX.Element }): JSX.Element {
  const entries = useSlot(props.name);
  return (
    <Show when={entries().length > 0} fallback={props.fallback}>
      <div class={props.class ?? "slot"} data-slot-name={props.name}>
        <For each={entries()}>{(entry) => <SlotItem entry={entry} {...(props.itemClass ? { class: props.itemClass } : {})} />}</For>
      </div>
    </Show>
  );
}
