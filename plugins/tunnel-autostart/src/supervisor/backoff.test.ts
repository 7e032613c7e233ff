import { describe, expect, it } from "vitest";
import { backoffCeiling, backoffDelay } from "./backoff.js";

const opts = { firstMs: 1000, capMs: 60_000 };

describe("backoff with jitter", () => {
  it("doubles the ceiling per attempt from the first wait, up to the cap", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 40].map((n) => backoffCeiling(n, opts))).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
  });

  it("waits between a tenth of and the whole ceiling, as the random source says", () => {
    expect(backoffDelay(3, opts, () => 0)).toBe(400);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(2200);
    expect(backoffDelay(3, opts, () => 0.999999)).toBe(4000);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(10, opts);
      expect(d).toBeGreaterThanOrEqual(6000);
      expect(d).toBeLessThanOrEqual(60_000);
    }
  });

  it("spreads tunnels that dropped together", () => {
    const delays = new Set(Array.from({ length: 50 }, () => backoffDelay(6, opts)));
    expect(delays.size).toBeGreaterThan(25);
  });
});
