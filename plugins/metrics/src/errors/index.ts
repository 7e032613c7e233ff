import { defineErrors } from "@archnest/sdk/plugin";

/**
 * The metrics plugin's error catalogue (README, "Errors"). Codes are stable and never reused; routes
 * answer the host's wire shape `{error, message, requestId}` with the status below.
 */
export const MetricsErrors = defineErrors("METRICS_ERR", {
  BAD_REQUEST: {
    status: 400,
    message: "A query parameter is missing or out of range (`host`, `range`, `wait`).",
    hint: "Send the parameters the route documents.",
  },
  HOST_NOT_FOUND: { status: 404, message: "No SSH host has this id.", hint: "Pick a host listed in Settings → Integrations → SSH hosts." },
  PROBE_FAILED: { status: 502, message: "The host could not be reached or the probe command failed.", hint: "Check the host and its credentials." },
  PROBE_PARSE: { status: 502, message: "The host answered without Linux `/proc` files or POSIX `df`.", hint: "Only Linux hosts are measured." },
});

export type MetricsErrorCode = keyof typeof MetricsErrors.table;

export class MetricsError extends MetricsErrors.Error {
  override readonly name: string = "MetricsError";
  constructor(code: MetricsErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}
