import { defineErrors } from "@archnest/sdk/plugin";

/**
 * The tunnels plugin's error catalogue. Codes are stable and never reused; routes answer the host's wire
 * shape `{error, message, requestId}` (plus `reason`, the SSH code, when the SSH service refused).
 */
export const TunnelsErrors = defineErrors("TUNNELS_ERR", {
  VALIDATION: { status: 400, message: "A field of the tunnel is missing or invalid.", hint: "Correct the field the message names." },
  NOT_FOUND: { status: 404, message: "No tunnel has this id.", hint: "The tunnel was deleted; reload the list." },
  HOST_NOT_FOUND: {
    status: 400,
    message: "The tunnel names an SSH host that does not exist.",
    hint: "Pick an SSH host that exists in Settings → Integrations.",
  },
  RUNNING: { status: 409, message: "The tunnel is running and cannot be edited.", hint: "Stop the tunnel before editing it." },
  AUTOSTART_UNAVAILABLE: {
    status: 409,
    message: "Auto-start needs the Tunnel Auto-Start plugin running.",
    hint: "Install it from the Module Store (Settings → Store), or enable it in Settings → Plugins.",
  },
  START_FAILED: {
    status: 502,
    message: "The tunnel could not start.",
    hint: "Read `reason` and the message: the port may be in use, the host unreachable, or remote forwarding disabled on the server.",
  },
});

export type TunnelsErrorCode = keyof typeof TunnelsErrors.table;

export class TunnelsError extends TunnelsErrors.Error {
  override readonly name: string = "TunnelsError";
  /** The SSH service's code when it refused (HOST_ERR_SSH_FORWARD_FAILED, ...). */
  readonly reason: string | undefined;
  constructor(code: TunnelsErrorCode, message: string, reason?: string) {
    super(code, message, { extra: reason ? { reason } : {} });
    this.reason = reason;
  }
  toJSON() {
    return { error: this.code, message: this.message, ...(this.reason && { reason: this.reason }) };
  }
}
