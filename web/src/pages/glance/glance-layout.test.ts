import { describe, expect, it } from "vitest";
import { arrangeWidgets, moveWidget, parseLayout, toggleWidget } from "./glance-layout.js";

const w = (...keys: string[]) => keys.map((key) => ({ key }));

describe("Glance layout", () => {
  it("orders saved widgets first and appends widgets the layout has not seen", () => {
    const { visible } = arrangeWidgets(w("a:1", "b:1", "c:1"), { order: ["c:1", "a:1"], hidden: [] });
    expect(visible.map((x) => x.key)).toEqual(["c:1", "a:1", "b:1"]);
  });

  it("keeps hidden widgets apart", () => {
    const { visible, hidden } = arrangeWidgets(w("a:1", "b:1"), { order: [], hidden: ["a:1"] });
    expect(visible.map((x) => x.key)).toEqual(["b:1"]);
    expect(hidden.map((x) => x.key)).toEqual(["a:1"]);
  });

  it("moves a widget and keeps keys of uninstalled widgets at the end", () => {
    const next = moveWidget(["a", "b", "c"], { order: ["gone", "a"], hidden: [] }, "c", -1);
    expect(next.order).toEqual(["a", "c", "b", "gone"]);
    expect(moveWidget(["a", "b"], { order: [], hidden: [] }, "a", -1).order).toEqual([]);
  });

  it("hides and shows", () => {
    const hidden = toggleWidget({ order: [], hidden: [] }, "a", true);
    expect(hidden.hidden).toEqual(["a"]);
    expect(toggleWidget(hidden, "a", false).hidden).toEqual([]);
  });

  it("cleans a malformed saved value", () => {
    expect(parseLayout({ order: ["a", 3], hidden: "x" })).toEqual({ order: ["a"], hidden: [] });
    expect(parseLayout(null)).toEqual({ order: [], hidden: [] });
  });
});
