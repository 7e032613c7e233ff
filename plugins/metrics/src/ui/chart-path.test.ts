import { describe, expect, it } from "vitest";
import { areaPath, linePath } from "./chart-path.js";

describe("chart paths", () => {
  it("breaks the line where the host was down", () => {
    const d = linePath(
      [
        [0, 10],
        [1, 20],
        [2, null],
        [3, 30],
      ],
      (t) => t * 10,
      (v) => 100 - v,
    );
    expect(d).toBe("M0.0,90.0L10.0,80.0M30.0,70.0");
  });

  it("fills only runs of two or more points down to the baseline", () => {
    const d = areaPath(
      [
        [0, 10],
        [1, 20],
        [2, null],
        [3, 30],
      ],
      (t) => t * 10,
      (v) => 100 - v,
      100,
    );
    expect(d).toBe("M0.0,100L0.0,90.0L10.0,80.0L10.0,100Z");
  });
});
