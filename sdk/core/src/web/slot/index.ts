export { defineSlot, isSlotDefinition, parseSlotName, type SlotDefinition } from "./define-slot.js";
export { type ContributionProps, Slot, type SlotContribution, type SlotOutletProps, useSlot } from "./use-slot.js";
