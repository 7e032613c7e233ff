import { defineErrors } from "@archnest/sdk/plugin";

/** The Jump-Host Chaining plugin's error catalogue (README, "Errors"); codes are stable and never reused. */
export const JumpErrors = defineErrors("JUMP_HOST_ERR", {
  HOP_FAILED: {
    status: 502,
    message:
      "A jump host on the way to the SSH host failed: it is unreachable, refused the credentials, its host key is not trusted or changed, or it cannot reach the next address.",
    hint: "The message names the hop and `details` carry its underlying code: fix that host (Test it in Settings → Integrations → SSH hosts, trust its key) or choose another jump host.",
  },
  HOP_MISSING: {
    status: 409,
    message: "The SSH host jumps through a host that was removed, so it is not connected at all rather than directly.",
    hint: "Choose another jump host for it on the Jump hosts page, or clear its jump host to connect directly.",
  },
  CYCLE: {
    status: 409,
    message: "The jump host chain would loop back to a host already in it.",
    hint: "Choose a jump host that does not itself jump through this host.",
  },
  TOO_DEEP: {
    status: 409,
    message: "The jump host chain would be longer than 8 hops.",
    hint: "Shorten the chain: jump through a host closer to the target.",
  },
  HOST_NOT_FOUND: {
    status: 404,
    message: "No SSH host has this id.",
    hint: "Reload the list: the host may have been removed.",
  },
  FORBIDDEN: {
    status: 403,
    message: "Only an admin can change how hosts are reached.",
    hint: "Ask an admin to set the jump host.",
  },
  BAD_REQUEST: {
    status: 400,
    message: "The request is not valid.",
    hint: 'Send the fields the API documents (README, "HTTP API").',
  },
});

export type JumpErrorCode = keyof typeof JumpErrors.table;
