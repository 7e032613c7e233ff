import { describe, expect, it } from "vitest";
import { AsciicastWriter, Utf8Stream } from "./asciicast-writer.js";
import { parseAsciicast } from "./validate-asciicast.js";

const utf8 = (s: string) => new TextEncoder().encode(s);

function record(clock: number[] = [], batchBytes?: number) {
  const written: Buffer[] = [];
  let tick = 0;
  const w = new AsciicastWriter(
    { width: 100, height: 30, timestamp: 1_764_850_000.7, title: "web-1", env: { TERM: "xterm-256color", SHELL: "/bin/zsh" } },
    {
      // The writer reuses its buffer after the call: the sink copies.
      write: (bytes) => written.push(Buffer.from(bytes)),
      now: () => clock[Math.min(tick++, clock.length - 1)] ?? 0,
      ...(batchBytes !== undefined && { batchBytes }),
    },
  );
  return {
    w,
    written,
    text: () => {
      w.flush();
      return Buffer.concat(written).toString("utf8");
    },
  };
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

describe("AsciicastWriter's batches", () => {
  it("hands the sink whole lines in batches of at most batchBytes, a longer line alone, and the same bytes a line at a time would be", () => {
    const { w, written, text } = record([], 256);
    const chunks = ["$ ls\r\n", "é".repeat(20), "x".repeat(300), '\x1b[1m"bold"\x1b[0m\r\n', "€".repeat(50)];
    for (const c of chunks) w.output(utf8(c));
    w.close();
    const all = text();
    // What the file holds is the header and one JSON line per chunk, however the batches fell.
    const expected = chunks.map((c) => `[0, "o", ${JSON.stringify(c)}]\n`).join("");
    expect(all.slice(all.indexOf("\n") + 1)).toBe(expected);
    for (const batch of written) expect(batch.toString("utf8").endsWith("\n")).toBe(true);
    const long = written.filter((b) => b.length > 256);
    expect(long.map((b) => b.toString("utf8"))).toEqual([`[0, "o", ${JSON.stringify("x".repeat(300))}]\n`]);
    expect(written.length).toBeGreaterThan(2);
  });

  it("counts what it holds until a flush, and reuses its buffer after the sink returns", () => {
    const seen: Uint8Array[] = [];
    const w = new AsciicastWriter({ width: 80, height: 24, timestamp: 0 }, { write: (b) => seen.push(b), now: () => 0 });
    const header = w.pending;
    expect(header).toBeGreaterThan(0);
    w.output(utf8("abc"));
    expect(w.pending).toBe(header + Buffer.byteLength('[0, "o", "abc"]\n'));
    w.flush();
    expect(w.pending).toBe(0);
    w.output(utf8("zzz"));
    w.flush();
    // The second batch was written over the first's bytes: a sink that keeps the view sees them change.
    expect(
      Buffer.from(seen[0] as Uint8Array)
        .toString("utf8")
        .startsWith('[0, "o", "zzz"]'),
    ).toBe(true);
  });
});

describe("Utf8Stream", () => {
  it("gives the text TextDecoder's streaming mode gives, for well- and ill-formed bytes cut anywhere", () => {
    // Bytes that matter to UTF-8's rules (leads, continuations at each range's edges, never-valid bytes)
    // and any byte, in 4000 seeded runs cut at random places.
    const special = [0x41, 0x22, 0x5c, 0x0a, 0x1b, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff];
    let seed = 42;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    for (let run = 0; run < 4000; run++) {
      const length = Math.floor(random() * 40);
      const bytes = Uint8Array.from({ length }, () =>
        random() < 0.6 ? (special[Math.floor(random() * special.length)] as number) : Math.floor(random() * 256),
      );
      const cuts = [0, ...Array.from({ length: 4 }, () => Math.floor(random() * length)).sort((a, b) => a - b), length];
      const reference = new TextDecoder();
      const stream = new Utf8Stream();
      let want = "";
      let got = "";
      for (let k = 0; k + 1 < cuts.length; k++) {
        const chunk = bytes.subarray(cuts[k], cuts[k + 1]);
        want += reference.decode(chunk, { stream: true });
        got += stream.decode(chunk);
      }
      want += reference.decode();
      got += stream.end();
      if (got !== want)
        expect({ bytes: Buffer.from(bytes).toString("hex"), cuts, got }).toEqual({ bytes: Buffer.from(bytes).toString("hex"), cuts, got: want });
    }
  });

  it("carries a character cut at a chunk's end, and nothing more", () => {
    const stream = new Utf8Stream();
    const emoji = utf8("ab😀");
    expect(stream.decode(emoji.subarray(0, 4))).toBe("ab");
    expect(stream.decode(emoji.subarray(4, 5))).toBe("");
    expect(stream.decode(emoji.subarray(5))).toBe("😀");
    expect(stream.end()).toBe("");
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
