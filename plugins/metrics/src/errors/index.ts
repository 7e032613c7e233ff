/**
 * The metrics plugin's error catalogue. Codes are stable and never reused; routes answer
 * `{ error: code, message }` with the status below.
 */
export const METRICS_ERRORS = {
  METRICS_ERR_BAD_REQUEST: { status: 400, fix: "Send the query parameters the route documents (host, range, wait)." },
  METRICS_ERR_HOST_NOT_FOUND: { status: 404, fix: "Pick a host listed in Settings → Integrations → SSH hosts." },
  METRICS_ERR_PROBE_FAILED: { status: 502, fix: "The host could not be reached or the probe command failed; check the host and its credentials." },
  METRICS_ERR_PROBE_PARSE: { status: 502, fix: "The host answered without Linux /proc files or POSIX df; only Linux hosts are measured." },
} as const;

export type MetricsErrorCode = keyof typeof METRICS_ERRORS;

export class MetricsError extends Error {
  readonly code: MetricsErrorCode;
  constructor(code: MetricsErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "MetricsError";
    this.code = code;
  }
  get status(): 400 | 404 | 502 {
    return METRICS_ERRORS[this.code].status;
  }
}
