export { PANES_LIMIT, type SessionDeps, type SessionInfo, TerminalSessions } from "./terminal-sessions.js";
