import { defineErrors } from "@archnest/sdk/plugin";

/**
 * The tmux plugin's error catalogue (README, "Errors"). Codes are stable and never reused; routes answer
 * the host's wire shape `{error, message, requestId}` with the status below.
 */
export const TmuxErrors = defineErrors("TMUX_ERR", {
  BAD_REQUEST: { status: 400, message: "The request is missing the host or has a malformed body.", hint: "Send ?host=<id> and the body the route documents." },
  BAD_NAME: {
    status: 400,
    message: "A session name is 1 to 64 letters, digits, '_' or '-', and does not start with '-'.",
    hint: "Pick a name such as work or build-2.",
  },
  BAD_CLIENT: { status: 400, message: "A client is named by its terminal device, such as /dev/pts/3.", hint: "Use a tty the session list shows." },
  HOST_NOT_FOUND: { status: 404, message: "No SSH host has this id.", hint: "Pick a host listed in Settings → Integrations → SSH hosts." },
  NOT_INSTALLED: {
    status: 409,
    message: "tmux is not installed on this host.",
    hint: "Install tmux on the host (apt install tmux, dnf install tmux), then refresh.",
  },
  SESSION_NOT_FOUND: { status: 404, message: "No tmux session with this name on the host.", hint: "Refresh the list: it may have ended." },
  SESSION_EXISTS: { status: 409, message: "A tmux session with this name already exists on the host.", hint: "Attach to it, or pick another name." },
  CLIENT_NOT_FOUND: { status: 404, message: "No tmux client on this terminal device.", hint: "Refresh the list: it may have detached." },
  TMUX_FAILED: { status: 502, message: "tmux answered with an error.", hint: "Read the message; check the host's tmux." },
  INTERNAL: { status: 500, message: "The tmux plugin failed unexpectedly.", hint: "Try again; the host log has the details under the request id." },
  SSH: { status: 502, message: "The SSH connection to the host failed.", hint: "Check the host in Settings → Integrations." },
});

export type TmuxErrorCode = keyof typeof TmuxErrors.table;

export class TmuxError extends TmuxErrors.Error {
  override readonly name: string = "TmuxError";
  constructor(code: TmuxErrorCode, message?: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
