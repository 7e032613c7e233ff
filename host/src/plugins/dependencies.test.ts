import { describe, expect, it } from "vitest";
import { activationOrder, activeDependents, type DependencyNode, unmetDependencies } from "./dependencies.js";

const node = (id: string, version: string, dependencies: Record<string, string> = {}, active = true): DependencyNode => ({ id, version, active, dependencies });

describe("plugin dependencies", () => {
  it("reports every unmet requirement at once", () => {
    const installed = new Map([
      ["old", node("old", "1.0.0")],
      ["off", node("off", "2.0.0", {}, false)],
    ]);
    const problems = unmetDependencies(node("x", "1.0.0", { old: "^2.0.0", off: "^2.0.0", gone: "^1.0.0" }), installed);
    expect(problems).toEqual(["old@^2.0.0 is needed, 1.0.0 is installed", "off is installed but not active", "gone@^1.0.0 is not installed"]);
  });

  it("orders dependencies before dependents and isolates cycles", () => {
    const { order, cycles } = activationOrder([
      node("c", "1.0.0", { b: "*" }),
      node("b", "1.0.0", { a: "*" }),
      node("a", "1.0.0"),
      node("x", "1.0.0", { y: "*" }),
      node("y", "1.0.0", { x: "*" }),
    ]);
    expect(order).toEqual(["a", "b", "c"]);
    expect(cycles.get("x")).toEqual(["x", "y", "x"]);
    expect(cycles.get("y")).toEqual(["y", "x", "y"]);
  });

  it("finds the active plugins that depend on one, through others too, the nearest first", () => {
    const nodes = [
      node("terminal", "1.0.0"),
      node("tmux", "1.0.0", { terminal: "^1.0.0" }),
      node("recording", "1.0.0", { terminal: "^1.0.0" }),
      node("tmux-extra", "1.0.0", { tmux: "*" }),
      node("stopped", "1.0.0", { terminal: "*" }, false),
      node("cycle", "1.0.0", { terminal: "*", "cycle-2": "*" }),
      node("cycle-2", "1.0.0", { cycle: "*" }),
    ];
    expect(activeDependents("terminal", nodes)).toEqual(["tmux", "recording", "cycle", "tmux-extra", "cycle-2"]);
    expect(activeDependents("tmux", nodes)).toEqual(["tmux-extra"]);
    expect(activeDependents("tmux-extra", nodes)).toEqual([]);
  });
});
