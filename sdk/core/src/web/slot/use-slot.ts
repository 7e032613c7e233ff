import type { Accessor, Component, JSX } from "solid-js";
import { SdkError } from "../../errors/index.js";
import { useShell } from "../shell.js";
import type { SlotProps } from "../slots.js";
import { isSlotDefinition, type SlotDefinition } from "./define-slot.js";

/** What a contribution to the slot `D` receives: the slot's own props and the usual {@link SlotProps}. */
export type ContributionProps<D extends SlotDefinition> = D extends SlotDefinition<infer P> ? P & SlotProps : never;

/** One contribution to a slot, as {@link useSlot} lists it. */
export interface SlotContribution<P extends object = object> {
  /** `<pluginId>:<contributionId>`: stable across versions. */
  readonly key: string;
  readonly plugin: SlotProps["plugin"];
  readonly contribution: SlotProps["contribution"];
  /** The contributed component, loaded from its plugin's web entry on first render. */
  readonly Component: Component<P & SlotProps>;
}

interface SlotOutletBase<P extends object> {
  def: SlotDefinition<P>;
  /** Class of the element around the contributions (the shell's `slot` when left out). */
  class?: string;
  /** Class of the element around each contribution. */
  itemClass?: string;
  /** Shown while nothing contributes to the slot. */
  fallback?: JSX.Element;
  /** Contributions sit in a line of controls (a toolbar, a table row): `span`s and no loading placeholder. */
  inline?: boolean;
}

/** Props of {@link Slot}: `props` is required when the slot's props have required fields. */
export type SlotOutletProps<P extends object> = SlotOutletBase<P> & (Record<never, never> extends P ? { props?: NoInfer<P> } : { props: NoInfer<P> });

function checked<P extends object>(def: SlotDefinition<P>): SlotDefinition<P> {
  if (!isSlotDefinition(def)) {
    throw new SdkError(
      "SDK_ERR_SLOT_NAME_INVALID",
      `A slot was rendered with ${JSON.stringify(def)}, not a definition: make one with defineSlot("area.name@1").`,
    );
  }
  return def;
}

/**
 * The contributions to a slot, live (installs, updates and removals show without a reload), for a page
 * that lays them out itself. Contributions written for another major version of the slot are left out;
 * {@link Slot} names them.
 *
 * @example
 * ```tsx
 * const tabs = useSlot(TerminalTabs);
 * <For each={tabs()}>{(c) => <Tab title={c.contribution.title ?? c.plugin.name}><c.Component {...c} terminal={handle} /></Tab>}</For>
 * ```
 */
export function useSlot<P extends object>(def: SlotDefinition<P>): Accessor<readonly SlotContribution<P>[]> {
  const { name } = checked(def);
  const shell = useShell();
  return () => shell.slotContributions(name) as readonly SlotContribution<P>[];
}

/**
 * Renders every contribution to a slot with `props`, each loaded lazily and isolated by an error boundary
 * that names its plugin. A contribution written for another major version of the slot is not rendered;
 * a short notice names the plugin and both versions instead.
 *
 * @example
 * ```tsx
 * <Slot def={TerminalToolbar} props={{ terminal: handle }} inline />
 * ```
 */
export function Slot<P extends object>(props: SlotOutletProps<P>): JSX.Element {
  checked(props.def);
  return useShell().Slot(props as SlotOutletProps<object>);
}
