import type { Terminal } from "@xterm/xterm";
import { describe, expect, it } from "vitest";
import type { ParsedAsciicast } from "../../asciicast/index.js";
import { CastPlayer, playbackTimes } from "./cast-player.js";

const cast: ParsedAsciicast = {
  header: { version: 2, width: 80, height: 24 },
  events: [
    [0.5, "o", "one\\r\\n"],
    [1, "r", "100x30"],
    [601, "o", "after lunch\\r\\n"],
    [601.5, "o", "end"],
  ],
};

/** The part of xterm.js the player drives, recording what it was told. */
function fakeTerminal() {
  const calls: string[] = [];
  const term = {
    write: (data: string) => void calls.push(`write ${data}`),
    resize: (cols: number, rows: number) => void calls.push(`resize ${cols}x${rows}`),
    reset: () => void calls.push("reset"),
  };
  return { term: term as unknown as Terminal, calls };
}

describe("the player's clock", () => {
  it("shortens pauses over 2 s to 2 s and keeps shorter ones", () => {
    expect(playbackTimes(cast.events)).toEqual([0.5, 1, 3, 3.5]);
  });
});

describe("CastPlayer", () => {
  it("seeks forward by writing what happened up to then, resizes included, and back by rebuilding from the start", () => {
    const { term, calls } = fakeTerminal();
    const player = new CastPlayer(term, cast);
    expect(player.duration).toBe(3.5);
    calls.length = 0;
    player.seek(1);
    expect(calls).toEqual(["write one\\r\\n", "resize 100x30"]);
    calls.length = 0;
    player.seek(3.5);
    expect(calls).toEqual(["write after lunch\\r\\nend"]);
    calls.length = 0;
    player.seek(0.6);
    expect(calls).toEqual(["reset", "resize 80x24", "write one\\r\\n"]);
    expect(player.time).toBe(0.6);
  });

  it("keeps the speed between 0.5x and 4x", () => {
    const player = new CastPlayer(fakeTerminal().term, cast);
    player.setSpeed(8);
    expect(player.speed).toBe(4);
    player.setSpeed(0.1);
    expect(player.speed).toBe(0.5);
  });
});
