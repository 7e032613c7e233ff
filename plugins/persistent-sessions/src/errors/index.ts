import { defineErrors } from "@archnest/sdk/plugin";

/** The Persistent Sessions plugin's error catalogue (README, "Errors"); codes are stable and never reused. */
export const PersistErrors = defineErrors("PERSIST_ERR", {
  SESSION_NOT_FOUND: {
    status: 404,
    message: "No session of yours has this id: it ended already, or it was never yours.",
    hint: "Reload the list.",
  },
  TERMINAL_UNAVAILABLE: {
    status: 503,
    message: "The terminal's session service is not running.",
    hint: "Enable the Terminal plugin in Settings → Plugins.",
  },
});

export type PersistErrorCode = keyof typeof PersistErrors.table;
