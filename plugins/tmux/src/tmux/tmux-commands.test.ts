import { describe, expect, it } from "vitest";
import { parseListing } from "./parse-listing.js";
import { attachCommand, detachCommand, exactTarget, FIELD, isSessionName, killCommand, newSessionCommand, shellQuote } from "./tmux-commands.js";

describe("tmux commands", () => {
  it("accepts tmux-safe names and refuses anything a shell or tmux would read differently", () => {
    for (const ok of ["work", "build-2", "a_b", "0", "n".repeat(64)]) expect(isSessionName(ok), ok).toBe(true);
    for (const bad of ["", "-t", "a b", "a.b", "a:b", "a;b", "$(id)", "a'b", "é", "a\nb", "n".repeat(65)]) expect(isSessionName(bad), bad).toBe(false);
  });

  it("quotes and targets exactly, and refuses to build a command from an unchecked value", () => {
    expect(shellQuote("it's")).toBe(`'it'\\''s'`);
    expect(exactTarget("work")).toBe("'=work'");
    expect(exactTarget("$12")).toBe("'$12'");
    expect(attachCommand("work")).toBe("tmux -u attach-session -t '=work'");
    expect(killCommand("work")).toContain("tmux kill-session -t '=work'");
    expect(detachCommand("work", "/dev/pts/3")).toContain("tmux detach-client -t '/dev/pts/3'");
    expect(() => newSessionCommand("a;b")).toThrow(TypeError);
    expect(() => killCommand("$(id)")).toThrow(TypeError);
    expect(() => detachCommand("work", "/dev/pts/1;id")).toThrow(TypeError);
  });

  it("joins windows and clients to their session by id, whatever the names hold", () => {
    const line = (...f: string[]) => f.join(FIELD);
    const out = [
      line("S", "$1", "b|c", "10", "1", "20", "1"),
      line("S", "$0", "a", "5", "1", "6", "2"),
      line("W", "$0", "1", "logs", "1", "2"),
      line("W", "$0", "0", "x\\037y", "0", "1"),
      line("W", "$1", "0", "sh", "1", "1"),
      line("C", "$1", "/dev/pts/4", "80", "24", "30", "xterm"),
      "a shell greeting",
    ].join("\n");
    expect(parseListing(out)).toEqual([
      {
        id: "$0",
        name: "a",
        created: 5000,
        attached: 0,
        activity: 6000,
        windows: [
          { index: 0, name: "x\\037y", active: false, panes: 1 },
          { index: 1, name: "logs", active: true, panes: 2 },
        ],
        clients: [],
      },
      {
        id: "$1",
        name: "b|c",
        created: 10000,
        attached: 1,
        activity: 20000,
        windows: [{ index: 0, name: "sh", active: true, panes: 1 }],
        clients: [{ tty: "/dev/pts/4", cols: 80, rows: 24, since: 30000, term: "xterm" }],
      },
    ]);
  });
});
