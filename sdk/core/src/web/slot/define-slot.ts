import { SdkError } from "../../errors/index.js";

/** `<area>.<name>@<major>`: the same rule the manifest schema applies to `contributes.slots[].slot`. */
const SLOT_NAME = /^([a-z][a-z0-9-]*(?:\.[a-z][a-z0-9-]*)+)@([1-9][0-9]*)$/;

/**
 * A typed slot: its versioned name and, as a type only, the props it hands to every contribution on top
 * of {@link SlotProps}. Made by {@link defineSlot}; the same definition serves the plugin that renders the
 * slot and the plugins that contribute to it.
 */
export interface SlotDefinition<P extends object = object> {
  readonly kind: "archnest.slot";
  /** The versioned name, as manifests write it: `terminal.toolbar@1`. */
  readonly name: string;
  /** The name without its version: `terminal.toolbar`. */
  readonly id: string;
  /** The major version: a breaking change to `P` gets a new one. */
  readonly major: number;
  /** Never set: carries `P` for the type checker. */
  readonly "~props"?: P;
}

/** Splits a versioned slot name; `undefined` when it is not one. */
export function parseSlotName(name: string): { id: string; major: number } | undefined {
  const m = SLOT_NAME.exec(name);
  return m?.[1] && m[2] ? { id: m[1], major: Number(m[2]) } : undefined;
}

/**
 * Defines a slot other plugins can fill. The name carries the major version of the props (`@1`); when
 * they change in a breaking way, define `@2` and keep rendering `@1` for the plugins not yet updated.
 * List the name in the manifest's `archnest.contributes.declares`. Throws `SDK_ERR_SLOT_NAME_INVALID`
 * for a name without a version.
 *
 * @example
 * ```ts
 * export interface ToolbarProps { terminal: { input(data: string): void } }
 * export const TerminalToolbar = defineSlot<ToolbarProps>("terminal.toolbar@1");
 * ```
 */
export function defineSlot<P extends object = Record<never, never>>(name: string): SlotDefinition<P> {
  const parsed = typeof name === "string" ? parseSlotName(name) : undefined;
  if (!parsed) {
    throw new SdkError(
      "SDK_ERR_SLOT_NAME_INVALID",
      `${JSON.stringify(name)} is not a versioned slot name: write it as <area>.<name>@<major>, such as "terminal.toolbar@1".`,
    );
  }
  return Object.freeze({ kind: "archnest.slot", name, id: parsed.id, major: parsed.major });
}

/** True for a value made by {@link defineSlot} (in this copy of the SDK or another). */
export function isSlotDefinition(value: unknown): value is SlotDefinition {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Partial<Record<keyof SlotDefinition, unknown>>;
  return v.kind === "archnest.slot" && typeof v.name === "string" && parseSlotName(v.name) !== undefined;
}
