import { defineErrors } from "@archnest/sdk/plugin";

/** The Session Recording plugin's error catalogue (README, "Errors"); codes are stable and never reused. */
export const RecordingErrors = defineErrors("RECORDING_ERR", {
  NOT_FOUND: { status: 404, message: "No recording with this id is yours to see.", hint: "Reload the list; it may have been deleted." },
  SESSION_NOT_FOUND: {
    status: 404,
    message: "No open terminal session has this id (it ended, or it is not yours).",
    hint: "Open the terminal again and press Record.",
  },
  ALREADY_RECORDING: { status: 409, message: "This session is being recorded already.", hint: "Stop the recording first." },
  NOT_RECORDING: { status: 409, message: "This session is not being recorded.", hint: "Reload the terminal page." },
  TERMINAL_UNAVAILABLE: {
    status: 503,
    message: "The terminal's session service is not running, so nothing can be recorded.",
    hint: "Enable the Terminal plugin (version 1.0 or later).",
  },
  INTERNAL: { status: 500, message: "The session recording plugin failed to answer.", hint: "See the host log under the request id." },
});

export type RecordingErrorCode = keyof typeof RecordingErrors.table;
