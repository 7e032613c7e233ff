export { createTerminal, injectXtermCss, type RendererKind, type TerminalView } from "./create-terminal.js";
export { PANE_SLOT, type TerminalHandle, TerminalToolbar, type TerminalToolbarProps, TOOLBAR_SLOT } from "./slots.js";
export { TerminalPage, type TerminalTestHook } from "./TerminalPage.js";
export { sessionUrl, TerminalClient, type TerminalClientOptions, type TerminalClientStats } from "./terminal-client.js";
