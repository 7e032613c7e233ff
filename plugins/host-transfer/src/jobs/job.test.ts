import { describe, expect, it } from "vitest";
import { isWithin, numberedName } from "./job.js";

describe("numberedName", () => {
  it("numbers a copy before the extension, keeping double extensions and leading dots", () => {
    expect(numberedName("/srv/report.pdf", 1)).toBe("/srv/report (1).pdf");
    expect(numberedName("/srv/archive.tar.gz", 2)).toBe("/srv/archive (2).tar.gz");
    expect(numberedName("/srv/notes", 1)).toBe("/srv/notes (1)");
    expect(numberedName("/home/a/.bashrc", 1)).toBe("/home/a/.bashrc (1)");
    expect(numberedName("/home/a/.config.json", 3)).toBe("/home/a/.config (3).json");
  });
});

describe("isWithin", () => {
  it("is true for the folder itself and what lies below it, not for a sibling sharing a prefix", () => {
    expect(isWithin("/srv/data", "/srv/data")).toBe(true);
    expect(isWithin("/srv/data/x", "/srv/data")).toBe(true);
    expect(isWithin("/srv/data2", "/srv/data")).toBe(false);
    expect(isWithin("/srv/x", "/")).toBe(true);
  });
});
