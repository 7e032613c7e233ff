/**
 * The slot runtime the shell lends plugins through `@archnest/sdk/web` (`Slot`, `useSlot`): one manifest,
 * one loader and one error boundary per contribution for the shell's slots and for the slots plugins
 * declare on their own pages.
 */
import { parseSlotName, type SlotContribution, type SlotOutletProps } from "@archnest/sdk/web";
import { For, type JSX, Show } from "solid-js";
import { Dynamic } from "solid-js/web";
import { type SlotEntry, useOtherVersions, useSlot } from "./manifest.js";
import { SlotItem } from "./Slot.js";

// One view per entry, so a page's <For> over useSlot keeps its contributions mounted across manifest changes.
const views = new WeakMap<SlotEntry, SlotContribution>();

function toContribution(e: SlotEntry): SlotContribution {
  let view = views.get(e);
  if (!view) {
    view = {
      key: e.key,
      plugin: { id: e.plugin.id, name: e.plugin.name, version: e.plugin.version },
      contribution: { id: e.contribution.id, slot: e.contribution.slot, ...(e.contribution.title !== undefined && { title: e.contribution.title }) },
      Component: e.Component as SlotContribution["Component"],
    };
    views.set(e, view);
  }
  return view;
}

/** The contributions to one versioned slot name, for `useSlot` (reactive: read it inside a computation). */
export function slotContributions(name: string): readonly SlotContribution[] {
  return useSlot(name)().map(toContribution);
}

/** Why a contribution to another major of the slot is not shown, and whose update fixes it. */
export function versionNotice(entry: SlotEntry, rendered: string): string {
  const theirs = parseSlotName(entry.contribution.slot)?.major ?? 0;
  const ours = parseSlotName(rendered)?.major ?? 0;
  const who = `${entry.plugin.name} ${entry.plugin.version}`;
  const fix = theirs > ours ? "Update the plugin that owns this page to show it." : `Update ${entry.plugin.name} to show it here.`;
  return `${who} contributes to ${entry.contribution.slot}, but this page shows ${rendered}. ${fix}`;
}

/** `<Slot def props/>` of `@archnest/sdk/web`. */
export function SlotOutlet(props: SlotOutletProps<object>): JSX.Element {
  const entries = useSlot(props.def.name);
  const mismatched = useOtherVersions(props.def.name);
  const slotProps = () => (props as { props?: Record<string, unknown> }).props;
  return (
    <Show when={entries().length > 0 || mismatched().length > 0} fallback={props.fallback}>
      <Dynamic component={props.inline ? "span" : "div"} class={props.class ?? (props.inline ? "slot--inline" : "slot")} data-slot-name={props.def.name}>
        <For each={entries()}>
          {(entry) => (
            <SlotItem entry={entry} props={slotProps() ?? {}} inline={props.inline ?? false} {...(props.itemClass ? { class: props.itemClass } : {})} />
          )}
        </For>
        <For each={mismatched()}>
          {(entry) => (
            <Dynamic
              component={props.inline ? "span" : "p"}
              class={props.inline ? "slot-notice slot-notice--inline" : "slot-notice"}
              role="note"
              data-slot-version-mismatch={entry.key}
              title={versionNotice(entry, props.def.name)}
            >
              {props.inline ? `${entry.plugin.name}: needs ${entry.contribution.slot}` : versionNotice(entry, props.def.name)}
            </Dynamic>
          )}
        </For>
      </Dynamic>
    </Show>
  );
}
