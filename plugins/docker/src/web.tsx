/** The Docker plugin's web entry: the /docker page, the Glance widget and the Infrastructure section. */
export { ContainersWidget } from "./ui/ContainersWidget.js";
export { DockerPage } from "./ui/DockerPage.js";
export { DockerSourcesSection } from "./ui/DockerSourcesSection.js";
export { ContainerActionsSlot, ContainerDetailSlot, type ContainerSlotProps } from "./ui/slots.js";
