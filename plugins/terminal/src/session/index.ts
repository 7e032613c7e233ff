export { ScrollbackRing } from "./scrollback.js";
export {
  DEFAULT_SCROLLBACK_BYTES,
  MAX_DETACHED_PER_USER,
  MAX_VIEWERS,
  PANES_LIMIT,
  type SessionDeps,
  type SessionInfo,
  STALE_AFTER_MS,
  TerminalSessions,
} from "./terminal-sessions.js";
