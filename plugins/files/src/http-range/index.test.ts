import { describe, expect, it } from "vitest";
import { contentDisposition, etagOf, ifRangeMatches, parseRange } from "./index.js";

describe("HTTP ranges", () => {
  it("reads closed, open and suffix ranges, clamping the end to the file", () => {
    expect(parseRange("bytes=0-99", 1000)).toEqual({ kind: "partial", start: 0, end: 99 });
    expect(parseRange("bytes=900-", 1000)).toEqual({ kind: "partial", start: 900, end: 999 });
    expect(parseRange("bytes=-100", 1000)).toEqual({ kind: "partial", start: 900, end: 999 });
    expect(parseRange("bytes=-5000", 1000)).toEqual({ kind: "partial", start: 0, end: 999 });
    expect(parseRange("bytes=990-5000", 1000)).toEqual({ kind: "partial", start: 990, end: 999 });
  });

  it("answers the whole file for no, malformed or multiple ranges, and 416 past the end", () => {
    expect(parseRange(undefined, 10)).toEqual({ kind: "full" });
    expect(parseRange("items=0-1", 10)).toEqual({ kind: "full" });
    expect(parseRange("bytes=0-1,4-5", 10)).toEqual({ kind: "full" });
    expect(parseRange("bytes=5-2", 10)).toEqual({ kind: "full" });
    expect(parseRange("bytes=10-", 10)).toEqual({ kind: "unsatisfiable" });
    expect(parseRange("bytes=-0", 10)).toEqual({ kind: "unsatisfiable" });
  });

  it("applies If-Range only while the validator matches", () => {
    const mtime = Date.UTC(2025, 0, 2, 3, 4, 5);
    const tag = etagOf(1234, mtime);
    expect(ifRangeMatches(tag, tag, mtime)).toBe(true);
    expect(ifRangeMatches('"other"', tag, mtime)).toBe(false);
    expect(ifRangeMatches(new Date(mtime).toUTCString(), tag, mtime)).toBe(true);
    expect(ifRangeMatches(new Date(mtime + 5000).toUTCString(), tag, mtime)).toBe(false);
    expect(ifRangeMatches(undefined, tag, mtime)).toBe(true);
  });

  it("names downloads safely for old and new browsers", () => {
    expect(contentDisposition('rap"port é.txt')).toBe(`attachment; filename="rap_port _.txt"; filename*=UTF-8''rap%22port%20%C3%A9.txt`);
  });
});
