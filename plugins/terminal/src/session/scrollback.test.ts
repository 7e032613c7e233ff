import { describe, expect, it } from "vitest";
import { ScrollbackRing } from "./scrollback.js";

const bytes = (s: string) => new TextEncoder().encode(s);
const joined = (r: ScrollbackRing) => Buffer.concat(r.snapshot()).toString();

describe("ScrollbackRing", () => {
  it("keeps everything while under its capacity, in order, small and large chunks alike", () => {
    const r = new ScrollbackRing(100_000);
    const big = "B".repeat(10_000);
    for (const c of ["a", "bc", big, "d"]) r.push(bytes(c));
    expect(joined(r)).toBe(`abc${big}d`);
    expect(r.size).toBe(10_004);
  });

  it("keeps the newest bytes, starting after a line break once older ones were dropped", () => {
    const r = new ScrollbackRing(20);
    for (let i = 0; i < 1000; i++) r.push(bytes(`line ${i}\n`));
    expect(r.size).toBe(20);
    expect(joined(r)).toBe("line 998\nline 999\n");
    r.push(bytes("x".repeat(50)));
    expect(joined(r)).toBe("x".repeat(20));
  });

  it("holds a megabyte of one-byte echo in a bounded number of blocks", () => {
    const r = new ScrollbackRing(1024 * 1024);
    for (let i = 0; i < 2 * 1024 * 1024; i++) r.push(bytes("k"));
    expect(r.size).toBe(1024 * 1024);
    expect(r.snapshot().length).toBeLessThanOrEqual(66);
  });

  it("keeps nothing with capacity 0", () => {
    const r = new ScrollbackRing(0);
    r.push(bytes("abc"));
    expect(r.snapshot()).toEqual([]);
  });
});
