import { defineErrors } from "@archnest/sdk/plugin";

/**
 * The terminal plugin's error codes (PROTOCOL.md lists them with the close codes). Status frames carry
 * these, the SSH service's `HOST_ERR_SSH_*` codes, or the host's `module_required`.
 */
export const TerminalErrors = defineErrors("TERMINAL_ERR", {
  BAD_REQUEST: { status: 400, message: "The terminal request is missing a host, or has an invalid size or command.", hint: "Fix the URL." },
  PROTOCOL: { status: 400, message: "The browser sent a malformed frame.", hint: "Fix the client." },
  SSH: { status: 502, message: "The SSH connection failed.", hint: "Check the host in Settings → Integrations." },
  SESSION_NOT_FOUND: {
    status: 404,
    message: "No session of yours has this id: it ended, or it was never yours.",
    hint: "Open a new session; a page falls back to one by itself.",
  },
  TOO_MANY_VIEWERS: {
    status: 429,
    message: "This session already shows on 8 screens, the most one session takes.",
    hint: "Close the session on a screen you no longer watch, or open a new session.",
  },
  INTERNAL: { status: 500, message: "The terminal session failed unexpectedly.", hint: "Reconnect; report it if it repeats." },
});

export type TerminalErrorCode = keyof typeof TerminalErrors.table;

/** WebSocket close codes of a terminal session (RFC 6455 section 7.4 and the 4000-4999 private range). */
export const CLOSE = {
  /** The shell ended (exit, or closed by the browser). */
  normal: 1000,
  /** A malformed binary frame. */
  protocolError: 1002,
  /** A text frame: the protocol is binary only. */
  unsupportedData: 1003,
  /** The request itself is invalid (no host, bad size). */
  policy: 1008,
  /** An unexpected failure inside the plugin. */
  internal: 1011,
  /** `attach` named no session of the caller's; the status frame before it says so. */
  sessionNotFound: 4404,
  /** `attach` named a session already on the most screens it takes; the status frame before it says so. */
  tooManyViewers: 4429,
  /** The browser went silent and the same user opened a new session. */
  stale: 4408,
  /** A free limit is reached; the last status frame names the module that lifts it. */
  moduleRequired: 4402,
  /** The SSH side failed or dropped; the last status frame carries the code. */
  sshFailed: 4502,
} as const;

/** The code and message of anything thrown by the SSH service, without leaking stack traces. */
export function describeSshError(error: unknown): { code: string; message: string } {
  const code = (error as { code?: unknown })?.code;
  const message = error instanceof Error && error.message ? error.message : TerminalErrors.table.TERMINAL_ERR_SSH.message;
  if (typeof code === "string" && /^[A-Z][A-Z0-9_]{2,80}$/.test(code)) return { code, message };
  return { code: "TERMINAL_ERR_SSH", message };
}
