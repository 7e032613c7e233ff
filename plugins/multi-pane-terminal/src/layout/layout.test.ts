import { describe, expect, it } from "vitest";
import { type Layout, MAX_TABS, newTab, parseLayout, splitFor } from "./index.js";

const grid = (): Layout => {
  const t = newTab({ hostId: "h1" });
  t.split = "grid";
  t.panes.push({ key: "p2", request: { hostId: "h2", command: "tmux attach -t main" } }, { key: "p3" }, { key: "p4" });
  return { version: 1, tabs: [t], active: t.id };
};

describe("parseLayout", () => {
  it("keeps a valid layout as it is, dropping unknown fields", () => {
    const layout = grid();
    expect(parseLayout({ ...layout, extra: 1 })).toEqual(layout);
  });

  it.each([
    ["no tabs", (l: Layout) => ({ ...l, tabs: [] })],
    ["an active tab that does not exist", (l: Layout) => ({ ...l, active: "nope" })],
    ["a grid of two panes", (l: Layout) => ({ ...l, tabs: [{ ...l.tabs[0], panes: l.tabs[0]?.panes.slice(0, 2) }] })],
    ["a splitter past 85 %", (l: Layout) => ({ ...l, tabs: [{ ...l.tabs[0], sizes: { x: 0.9, y: 0.5 } }] })],
    ["a duplicate pane key", (l: Layout) => ({ ...l, tabs: [{ ...l.tabs[0], panes: l.tabs[0]?.panes.map((p) => ({ ...p, key: "same" })) }] })],
    ["a focus outside the tab", (l: Layout) => ({ ...l, tabs: [{ ...l.tabs[0], focus: "elsewhere" }] })],
    ["a title over 64 characters", (l: Layout) => ({ ...l, tabs: [{ ...l.tabs[0], title: "x".repeat(65) }] })],
    [
      "a command over 1024 bytes",
      (l: Layout) => ({
        ...l,
        tabs: [{ ...l.tabs[0], panes: [{ key: "a", request: { hostId: "h", command: "é".repeat(513) } }], split: "single", focus: "a" }],
      }),
    ],
    ["too many tabs", (l: Layout) => ({ ...l, tabs: Array.from({ length: MAX_TABS + 1 }, () => newTab()), active: l.active })],
    ["another version", (l: Layout) => ({ ...l, version: 2 })],
  ])("refuses %s", (_what, change) => {
    expect(parseLayout(change(grid()))).toBeNull();
  });
});

describe("splitFor", () => {
  it("keeps a stacked pair stacked and turns three or four panes into the grid", () => {
    expect(splitFor(1, "grid")).toBe("single");
    expect(splitFor(2, "rows")).toBe("rows");
    expect(splitFor(2, "grid")).toBe("columns");
    expect(splitFor(3, "grid")).toBe("grid");
  });
});
