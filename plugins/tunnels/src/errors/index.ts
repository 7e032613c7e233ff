/**
 * The tunnels plugin's error catalogue. Codes are stable and never reused; routes answer
 * `{ error: code, message }` (plus `reason`, the SSH code, when the SSH service refused).
 */
export const TUNNELS_ERRORS = {
  TUNNELS_ERR_VALIDATION: { status: 400, fix: "Correct the field the message names." },
  TUNNELS_ERR_NOT_FOUND: { status: 404, fix: "The tunnel was deleted; reload the list." },
  TUNNELS_ERR_HOST_NOT_FOUND: { status: 400, fix: "Pick an SSH host that exists in Settings → Integrations." },
  TUNNELS_ERR_RUNNING: { status: 409, fix: "Stop the tunnel before editing it." },
  TUNNELS_ERR_START_FAILED: {
    status: 502,
    fix: "Read `reason` and the message: the port may be in use, the host unreachable, or remote forwarding disabled on the server.",
  },
} as const;

export type TunnelsErrorCode = keyof typeof TUNNELS_ERRORS;

export class TunnelsError extends Error {
  readonly code: TunnelsErrorCode;
  /** The SSH service's code when it refused (HOST_ERR_SSH_FORWARD_FAILED, ...). */
  readonly reason: string | undefined;
  constructor(code: TunnelsErrorCode, message: string, reason?: string) {
    super(message);
    this.name = "TunnelsError";
    this.code = code;
    this.reason = reason;
  }
  get status() {
    return TUNNELS_ERRORS[this.code].status;
  }
  toJSON() {
    return { error: this.code, message: this.message, ...(this.reason && { reason: this.reason }) };
  }
}
