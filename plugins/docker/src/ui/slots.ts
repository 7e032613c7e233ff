/**
 * The slots the Docker page declares for other plugins: an action in a container's row and a part of its
 * detail (the Container Detail View module fills the latter). The shell renders them.
 */
import { defineSlot } from "@archnest/sdk/web";
import type { ContainerView } from "./api.js";

/** What both slots hand to each contribution, besides the usual slot props. */
export interface ContainerSlotProps {
  source: { id: string; name: string };
  container: ContainerView;
}

/** A control in the container's row, beside Logs and Remove. */
export const ContainerActionsSlot = defineSlot<ContainerSlotProps>("docker.container.actions@1");
/** A part of the container's detail, below the free summary. */
export const ContainerDetailSlot = defineSlot<ContainerSlotProps>("docker.container.detail@1");
