export { isNoServer, parseListing, type TmuxClient, type TmuxSession, type TmuxWindow } from "./parse-listing.js";
export {
  attachCommand,
  detachCommand,
  isSessionName,
  isSessionTarget,
  killCommand,
  listCommand,
  NOT_INSTALLED_MARKER,
  newSessionCommand,
  SESSION_NAME,
} from "./tmux-commands.js";
export { type TmuxListing, TmuxOnHost } from "./tmux-on-host.js";
