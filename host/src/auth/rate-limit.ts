export interface FailureLimiterOptions {
  /** Failures allowed inside the window; the next attempt is refused. */
  limit: number;
  windowMs: number;
  now?: () => number;
  /** Bound on remembered keys so a spray of usernames cannot grow memory without end. */
  maxKeys?: number;
}

/** Counts failures per key in a sliding window, in memory (one host process owns its logins). */
export class FailureLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #limit: number;
  readonly #windowMs: number;
  readonly #now: () => number;
  readonly #maxKeys: number;

  constructor(options: FailureLimiterOptions) {
    this.#limit = options.limit;
    this.#windowMs = options.windowMs;
    this.#now = options.now ?? Date.now;
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  #recent(key: string): number[] {
    const since = this.#now() - this.#windowMs;
    const list = (this.#failures.get(key) ?? []).filter((t) => t > since);
    if (list.length === 0) this.#failures.delete(key);
    else this.#failures.set(key, list);
    return list;
  }

  /** Failures of `key` inside the window (at most the limit: older ones are not kept). */
  failures(key: string): number {
    return this.#recent(key).length;
  }

  /** Milliseconds until `key` may try again; 0 when it may try now. */
  retryAfterMs(key: string): number {
    const list = this.#recent(key);
    if (list.length < this.#limit) return 0;
    // The attempt is allowed again once enough old failures have left the window.
    const oldestBlocking = list[list.length - this.#limit] as number;
    return Math.max(1, oldestBlocking + this.#windowMs - this.#now());
  }

  /** Records a failure; returns its stamp so a pessimistically counted attempt can be forgiven. */
  fail(key: string): number {
    const list = this.#recent(key);
    const stamp = this.#now();
    list.push(stamp);
    this.#failures.delete(key);
    this.#failures.set(key, list.slice(-this.#limit));
    // Maps iterate in insertion order: drop the least recently failed keys first.
    while (this.#failures.size > this.#maxKeys) {
      const first = this.#failures.keys().next();
      if (first.done) break;
      this.#failures.delete(first.value);
    }
    return stamp;
  }

  /** Removes one failure recorded at `stamp` (an attempt counted before its outcome was known, that succeeded). */
  forgive(key: string, stamp: number): void {
    const list = this.#failures.get(key);
    const at = list?.indexOf(stamp) ?? -1;
    if (!list || at < 0) return;
    list.splice(at, 1);
    if (list.length === 0) this.#failures.delete(key);
  }

  reset(key: string): void {
    this.#failures.delete(key);
  }
}
