/**
 * Capped exponential backoff with jitter: attempt n waits a random time between a tenth of and all of
 * min(cap, first * 2^(n-1)), so tunnels that dropped together (their host rebooted) do not all knock at
 * the same moment, none retries at once, and none waits longer than the cap.
 */
export interface BackoffOptions {
  /** The ceiling of the first attempt's wait, in ms. */
  firstMs: number;
  /** No wait is longer than this, in ms. */
  capMs: number;
}

/** The ceiling of attempt `attempt`'s wait (1-based), in ms. */
export function backoffCeiling(attempt: number, opts: BackoffOptions): number {
  const exp = Math.min(attempt - 1, 30);
  return Math.min(opts.capMs, opts.firstMs * 2 ** exp);
}

/** The wait before attempt `attempt` (1-based), in ms; `random` returns [0, 1). */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = backoffCeiling(attempt, opts);
  return Math.round(ceiling * (0.1 + 0.9 * random()));
}
