import { describe, expect, it } from "vitest";
import { FailureLimiter } from "./rate-limit.js";

describe("FailureLimiter", () => {
  it("blocks after the limit inside the window and frees the key as failures age out", () => {
    let now = 0;
    const l = new FailureLimiter({ limit: 3, windowMs: 1000, now: () => now });
    for (const at of [0, 100, 200]) {
      now = at;
      expect(l.retryAfterMs("k")).toBe(0);
      l.fail("k");
    }
    expect(l.retryAfterMs("k")).toBe(800);
    expect(l.retryAfterMs("other")).toBe(0);
    now = 1001;
    expect(l.retryAfterMs("k")).toBe(0);
    l.fail("k");
    expect(l.retryAfterMs("k")).toBe(99);
    l.reset("k");
    expect(l.retryAfterMs("k")).toBe(0);
  });

  it("forgets the oldest keys beyond its bound", () => {
    const l = new FailureLimiter({ limit: 1, windowMs: 1000, now: () => 0, maxKeys: 2 });
    l.fail("a");
    l.fail("b");
    l.fail("c");
    expect(l.retryAfterMs("a")).toBe(0);
    expect(l.retryAfterMs("c")).toBeGreaterThan(0);
  });

  it("forgives one failure by its stamp", () => {
    let now = 0;
    const l = new FailureLimiter({ limit: 2, windowMs: 1000, now: () => now });
    l.fail("k");
    now = 1;
    const stamp = l.fail("k");
    expect(l.retryAfterMs("k")).toBeGreaterThan(0);
    l.forgive("k", stamp);
    expect(l.retryAfterMs("k")).toBe(0);
  });
});
