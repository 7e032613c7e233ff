export { createTerminal, injectXtermCss, type RendererKind, type TerminalView } from "./create-terminal.js";
export {
  LAYOUT_SLOT,
  type OpenSessionRequest,
  type PaneHandle,
  type PaneProps,
  type TerminalHandle,
  TerminalLayout,
  type TerminalLayoutProps,
  TerminalToolbar,
  type TerminalToolbarProps,
  TOOLBAR_SLOT,
} from "./slots.js";
export { TerminalPage, type TerminalTestHook } from "./TerminalPage.js";
export { sessionUrl, TerminalClient, type TerminalClientOptions, type TerminalClientStats } from "./terminal-client.js";
