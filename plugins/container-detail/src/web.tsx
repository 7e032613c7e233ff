export { ContainerInspect } from "./ui/ContainerInspect.js";
