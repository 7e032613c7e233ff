import { describe, expect, it } from "vitest";
import { AsciicastWriter } from "./asciicast-writer.js";
import { parseAsciicast } from "./validate-asciicast.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

function record(clock: number[] = []) {
  let text = "";
  let tick = 0;
  const w = new AsciicastWriter(
    { width: 100, height: 30, timestamp: 1_764_850_000.7, title: "web-1", env: { TERM: "xterm-256color", SHELL: "/bin/zsh" } },
    { write: (s) => (text += s), now: () => clock[Math.min(tick++, clock.length - 1)] ?? 0 },
  );
  return { w, text: () => text };
}

describe("AsciicastWriter", () => {
  it("starts with the v2 header: version, size, whole-second timestamp, env TERM and SHELL, title", () => {
    const { text } = record();
    const lines = text().split("\n");
    expect(lines).toHaveLength(2);
    expect(JSON.parse(lines[0] as string)).toEqual({
      version: 2,
      width: 100,
      height: 30,
      timestamp: 1_764_850_000,
      env: { TERM: "xterm-256color", SHELL: "/bin/zsh" },
      title: "web-1",
    });
  });

  it("writes one valid JSON array per line, with seconds since the start that never decrease", () => {
    // The clock goes back once (a VM pause); the time stays where it was.
    const { w, text } = record([1000, 1500, 2250.5, 1800, 4000]);
    w.output(utf8("a"));
    w.output(utf8("b"));
    w.output(utf8("c"));
    w.output(utf8("d"));
    const { events } = parseAsciicast(text());
    expect(events.map((e) => e[0])).toEqual([0.5, 1.2505, 1.2505, 3]);
    for (const line of text().trimEnd().split("\n")) expect(() => JSON.parse(line)).not.toThrow();
  });

  it("keeps a multi-byte character split across chunks whole, in output and input alike", () => {
    const { w, text } = record();
    const bytes = utf8("é€😀");
    // Every split point, including inside the 4-byte emoji.
    for (let i = 1; i < bytes.length; i++) {
      w.output(bytes.slice(0, i));
      w.output(bytes.slice(i));
      w.input(bytes.slice(0, i));
      w.input(bytes.slice(i));
    }
    const { events } = parseAsciicast(text());
    const out = events.filter((e) => e[1] === "o").map((e) => e[2]);
    const typed = events.filter((e) => e[1] === "i").map((e) => e[2]);
    expect(out.join("")).toBe("é€😀".repeat(bytes.length - 1));
    expect(typed.join("")).toBe(out.join(""));
    expect(out.join("")).not.toContain("\uFFFD");
  });

  it("writes input as 'i' events only when asked to, and a resize as 'r' COLSxROWS", () => {
    const { w, text } = record();
    w.output(utf8("$ "));
    w.resize(132, 43);
    w.marker("stopped");
    const { events } = parseAsciicast(text());
    expect(events.map((e) => [e[1], e[2]])).toEqual([
      ["o", "$ "],
      ["r", "132x43"],
      ["m", "stopped"],
    ]);
    expect(events.some((e) => e[1] === "i")).toBe(false);
  });

  it("escapes control characters so an event never spans lines", () => {
    const { w, text } = record();
    w.output(utf8('\x1b[31mred\x1b[0m\r\n"quoted"\t\\'));
    const lines = text().trimEnd().split("\n");
    expect(lines).toHaveLength(2);
    expect(parseAsciicast(text()).events[0]?.[2]).toBe('\x1b[31mred\x1b[0m\r\n"quoted"\t\\');
  });

  it("flushes a character cut off at the end on close, and writes nothing after", () => {
    const { w, text } = record();
    w.output(utf8("€").slice(0, 2));
    w.close();
    w.output(utf8("late"));
    const { events } = parseAsciicast(text());
    expect(events).toHaveLength(1);
    expect(events[0]?.[2]).toBe("\uFFFD");
  });
});

describe("parseAsciicast", () => {
  it("names every rule a file breaks", () => {
    const bad = ['{"version":1,"width":80,"height":24}', '[1, "o", "x"]', '[0.5, "o", "y"]', '[2, "x", 3]', '[3, "r", "80-24"]', "{oops"].join("\n");
    expect(() => parseAsciicast(bad)).toThrowError(
      /line 1: version is not 2[\s\S]*line 3: the time 0.5 goes back from 1[\s\S]*line 4: unknown event code "x"[\s\S]*line 4: the data is not a string[\s\S]*line 5: a resize's data is COLSxROWS[\s\S]*line 6: not JSON/,
    );
  });
});
