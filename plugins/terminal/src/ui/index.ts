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
export { TerminalPage } from "./TerminalPage.js";
export { type PaneTools, paneTools, TerminalPane, type TerminalPaneProps, type TerminalTestHook } from "./TerminalPane.js";
export { sessionUrl, TerminalClient, type TerminalClientOptions, type TerminalClientStats } from "./terminal-client.js";
