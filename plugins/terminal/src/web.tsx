/** The terminal's web entry: the page the manifest contributes at /terminal, and the types its slots pass. */
export { type TerminalHandle, TerminalPage, TerminalToolbar, type TerminalToolbarProps } from "./ui/index.js";
