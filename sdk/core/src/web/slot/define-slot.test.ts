import { describe, expect, expectTypeOf, it } from "vitest";
import { isSdkError } from "../../errors/index.js";
import type { SlotProps } from "../slots.js";
import { defineSlot, isSlotDefinition, parseSlotName } from "./define-slot.js";
import type { ContributionProps, SlotOutletProps } from "./use-slot.js";

describe("defineSlot", () => {
  it("splits the versioned name and carries the props type to contributions", () => {
    const Toolbar = defineSlot<{ terminal: { input(data: string): void } }>("terminal.toolbar@1");
    expect(Toolbar).toMatchObject({ kind: "archnest.slot", name: "terminal.toolbar@1", id: "terminal.toolbar", major: 1 });
    expect(isSlotDefinition(Toolbar)).toBe(true);
    expectTypeOf<ContributionProps<typeof Toolbar>>().toEqualTypeOf<{ terminal: { input(data: string): void } } & SlotProps>();
    expectTypeOf<SlotOutletProps<{ terminal: { input(data: string): void } }>["props"]>().toEqualTypeOf<{ terminal: { input(data: string): void } }>();
  });

  it("refuses a name without its major version with SDK_ERR_SLOT_NAME_INVALID", () => {
    for (const bad of ["terminal.toolbar", "terminal.toolbar@0", "Terminal.Toolbar@1", "toolbar@1", "terminal.toolbar@v1"]) {
      let caught: unknown;
      try {
        defineSlot(bad);
      } catch (e) {
        caught = e;
      }
      expect(isSdkError(caught) && caught.code).toBe("SDK_ERR_SLOT_NAME_INVALID");
      expect((caught as Error).message).toContain("terminal.toolbar@1");
    }
    expect(parseSlotName("docker.container.actions@12")).toEqual({ id: "docker.container.actions", major: 12 });
    expect(isSlotDefinition({ kind: "archnest.slot", name: "nope" })).toBe(false);
  });
});
