export { ShellAction } from "./ui/ShellAction.js";
