export { createTerminal, injectXtermCss, type RendererKind, type TerminalView } from "./create-terminal.js";
export { TerminalPage, type TerminalTestHook } from "./TerminalPage.js";
export { PANE_SLOT, type TerminalHandle, type TerminalToolbarProps, TOOLBAR_SLOT, ToolbarSlot } from "./ToolbarSlot.js";
export { sessionUrl, TerminalClient, type TerminalClientOptions, type TerminalClientStats } from "./terminal-client.js";
