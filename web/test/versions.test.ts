import { describe, expect, it } from "vitest";
import { newerVersion } from "../src/data/versions.js";

describe("newerVersion (the update badge)", () => {
  it("orders releases and prereleases as semver does", () => {
    expect(newerVersion("1.10.0", "1.9.3")).toBe(true);
    expect(newerVersion("1.0.0", "1.0.0-rc.2")).toBe(true);
    expect(newerVersion("1.0.0-rc.2", "1.0.0-rc.1")).toBe(true);
    expect(newerVersion("1.0.0-rc.1", "1.0.0")).toBe(false);
    expect(newerVersion("2.0.0", "2.0.0")).toBe(false);
  });

  it("offers no update for a version it cannot read", () => {
    expect(newerVersion("latest", "1.0.0")).toBe(false);
    expect(newerVersion("1.0.1", "")).toBe(false);
  });
});
