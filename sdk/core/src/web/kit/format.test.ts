import { describe, expect, it } from "vitest";
import { errorDetails } from "./error-details.js";
import { formatBytes, formatDateTime, formatDuration, formatRelativeTime } from "./format.js";

describe("formatBytes", () => {
  it("writes binary units with one decimal below 100 of a unit", () => {
    expect([0, 512, 1536, 150 * 1024, 5 * 1024 ** 3, -2048].map(formatBytes)).toEqual(["0 B", "512 B", "1.5 KiB", "150 KiB", "5.0 GiB", "-2.0 KiB"]);
  });
  it("answers an en dash for a missing or non-finite value", () => {
    expect([null, undefined, Number.NaN, Number.POSITIVE_INFINITY].map(formatBytes)).toEqual(["–", "–", "–", "–"]);
  });
});

describe("formatDuration", () => {
  it("keeps the two largest units", () => {
    expect([0, 45_000, 200_000, 3_600_000, 7_500_000, 3 * 86_400_000 + 4 * 3_600_000].map(formatDuration)).toEqual([
      "0 s",
      "45 s",
      "3 min 20 s",
      "1 h",
      "2 h 5 min",
      "3 d 4 h",
    ]);
  });
});

describe("formatRelativeTime and formatDateTime", () => {
  const now = Date.UTC(2026, 2, 4, 9, 15);
  it("says how long ago or until, in the reader's words", () => {
    expect(formatRelativeTime(now - 5 * 60_000, { now, locale: "en" })).toBe("5 minutes ago");
    expect(formatRelativeTime(new Date(now + 2 * 3_600_000), { now, locale: "en" })).toBe("in 2 hours");
    expect(formatRelativeTime(now - 86_400_000, { now, locale: "en" })).toBe("yesterday");
    expect(formatRelativeTime(now + 47 * 3_600_000, { now, locale: "en" })).toBe("in 2 days");
    expect(formatRelativeTime(now, { now, locale: "en" })).toBe("now");
    expect(formatRelativeTime("not a date", { now })).toBe("–");
  });
  it("writes an absolute time in the given zone", () => {
    expect(formatDateTime(now, { locale: "en-US", timeZone: "UTC" })).toBe("Mar 04, 2026, 09:15 AM");
    expect(formatDateTime(undefined)).toBe("–");
  });
});

describe("errorDetails", () => {
  it("reads the code and request id of an API error or its body", () => {
    const apiError = Object.assign(new Error("No such container"), { code: "DOCKER_ERR_NOT_FOUND", status: 404, body: { requestId: "req-7" } });
    expect(errorDetails(apiError)).toEqual({ message: "No such container", code: "DOCKER_ERR_NOT_FOUND", requestId: "req-7" });
    expect(errorDetails({ error: "HOST_ERR_FORBIDDEN", message: "Admins only", requestId: "r1" })).toEqual({
      message: "Admins only",
      code: "HOST_ERR_FORBIDDEN",
      requestId: "r1",
    });
  });
  it("falls back to a sentence for anything else", () => {
    expect(errorDetails(new Error("boom"))).toEqual({ message: "boom" });
    expect(errorDetails("plain")).toEqual({ message: "plain" });
    expect(errorDetails(undefined)).toEqual({ message: "Something went wrong." });
  });
});
