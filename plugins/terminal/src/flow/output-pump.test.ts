import { describe, expect, it } from "vitest";
import { decodeServerFrame } from "../protocol/index.js";
import { OutputPump, type OutputPumpOptions } from "./index.js";

/** A pump with a manual clock and a fake socket whose queue the test controls. */
function harness(opts: Partial<OutputPumpOptions> = {}) {
  const frames: Uint8Array[] = [];
  const events: string[] = [];
  const timers: (() => void)[] = [];
  let buffered = 0;
  const pump = new OutputPump({
    send: (f) => frames.push(f),
    pause: () => events.push("pause"),
    resume: () => events.push("resume"),
    bufferedAmount: () => buffered,
    highWaterBytes: 1000,
    lowWaterBytes: 200,
    maxFrameBytes: 100,
    setTimer: (fn) => timers.push(fn),
    clearTimer: () => timers.splice(0),
    ...opts,
  });
  const output = () => {
    const parts = frames.map((f) => decodeServerFrame(f)).map((f) => (f.type === "output" ? f.data : new Uint8Array(0)));
    return Buffer.concat(parts).toString("latin1");
  };
  return {
    pump,
    frames,
    events,
    output,
    tick: () => {
      for (const t of timers.splice(0)) t();
    },
    setBuffered: (n: number) => {
      buffered = n;
    },
  };
}

const chunk = (n: number, ch = "x") => new TextEncoder().encode(ch.repeat(n));

describe("OutputPump", () => {
  it("sends output after a quiet spell at once, and coalesces bulk output within the window into one frame", () => {
    const h = harness({ maxFrameBytes: 4096, highWaterBytes: 100_000, lowWaterBytes: 1000 });
    h.pump.push(chunk(600, "a"));
    expect(h.frames).toHaveLength(1);
    for (const c of ["b", "c", "d"]) h.pump.push(chunk(100, c));
    expect(h.frames).toHaveLength(1);
    h.tick();
    expect(h.frames).toHaveLength(2);
    expect(h.output()).toBe(`${"a".repeat(600)}${"b".repeat(100)}${"c".repeat(100)}${"d".repeat(100)}`);
    expect(h.pump.stats()).toMatchObject({ unacked: 900, pending: 0, bytesOut: 900, frames: 2 });
    // The window closes once a tick passes without output; the next output leaves at once again.
    h.tick();
    h.pump.push(chunk(1, "e"));
    expect(h.frames).toHaveLength(3);
  });

  it("never batches interactive-sized output, so fast typing echoes at once", () => {
    const h = harness();
    for (const c of ["a", "b", "c", "d"]) {
      h.pump.push(chunk(1, c));
      expect(h.output().endsWith(c)).toBe(true);
    }
    expect(h.frames).toHaveLength(4);
  });

  it("sends at once, in frames of at most maxFrameBytes, when a frame's worth is pending", () => {
    const h = harness();
    h.pump.push(chunk(250));
    expect(h.frames.map((f) => f.byteLength - 1)).toEqual([100, 100, 50]);
    expect(h.output()).toBe("x".repeat(250));
  });

  it("keeps byte order across chunk boundaries", () => {
    const h = harness();
    let expected = "";
    for (let i = 0; i < 60; i++) {
      const s = `${i},`;
      expected += s;
      h.pump.push(new TextEncoder().encode(s));
    }
    h.tick();
    h.pump.ack(h.pump.stats().unacked);
    expect(h.output()).toBe(expected);
  });

  it("pauses the shell at the high-water mark, never lets unacked pass it by more than a frame, and resumes at the low-water mark", () => {
    const h = harness();
    for (let i = 0; i < 30; i++) h.pump.push(chunk(60));
    h.tick();
    const s = h.pump.stats();
    expect(h.events).toEqual(["pause"]);
    expect(s.paused).toBe(true);
    expect(s.unacked).toBeLessThan(1000 + 100);
    expect(s.peakUnacked).toBeLessThan(1000 + 100);
    expect(s.unacked + s.pending).toBe(1800);
    // The browser catches up a little: still above the low-water mark, still paused, more is sent.
    h.pump.ack(500);
    expect(h.events).toEqual(["pause"]);
    expect(h.pump.stats().unacked).toBeLessThan(1100);
    // It catches up with everything: all output is delivered, then the shell resumes.
    while (h.pump.stats().unacked > 0) h.pump.ack(h.pump.stats().unacked);
    expect(h.events).toEqual(["pause", "resume"]);
    expect(h.output()).toBe("x".repeat(1800));
    expect(h.pump.stats()).toMatchObject({ unacked: 0, pending: 0, paused: false, pauses: 1, bytesOut: 1800 });
  });

  it("pauses when the socket's own queue is full and resumes on drain", () => {
    const h = harness();
    h.setBuffered(5000);
    h.pump.push(chunk(10));
    expect(h.events).toEqual(["pause"]);
    h.tick();
    expect(h.frames).toHaveLength(0);
    h.setBuffered(0);
    h.pump.drain();
    expect(h.output()).toBe("x".repeat(10));
    h.pump.ack(10);
    expect(h.events).toEqual(["pause", "resume"]);
  });

  it("leaves bulk output in its window when an ack arrives, so a flood goes out in full frames", () => {
    const h = harness({ maxFrameBytes: 4096, highWaterBytes: 100_000, lowWaterBytes: 1000 });
    h.pump.push(chunk(600, "a"));
    h.pump.push(chunk(1000, "b"));
    // The browser acknowledges the first frame while the window is still open.
    expect(h.pump.ack(600)).toBe("ok");
    h.pump.push(chunk(1000, "c"));
    expect(h.frames).toHaveLength(1);
    h.tick();
    expect(h.frames.map((f) => f.byteLength - 1)).toEqual([600, 2000]);
    expect(h.output()).toBe(`${"a".repeat(600)}${"b".repeat(1000)}${"c".repeat(1000)}`);
  });

  it("reports acks of more than is in flight", () => {
    const h = harness();
    h.pump.push(chunk(10));
    h.tick();
    expect(h.pump.ack(11)).toBe("over-ack");
    expect(h.pump.ack(10)).toBe("ok");
    expect(h.pump.ack(1)).toBe("over-ack");
  });

  it("flush(force) sends everything even when the browser is behind", () => {
    const h = harness();
    h.pump.push(chunk(1500));
    expect(h.pump.stats().pending).toBeGreaterThan(0);
    h.pump.flush(true);
    expect(h.pump.stats().pending).toBe(0);
    expect(h.output()).toHaveLength(1500);
  });

  it("does nothing after dispose", () => {
    const h = harness();
    h.pump.push(chunk(600));
    h.pump.push(chunk(10));
    const sent = h.frames.length;
    expect(h.pump.stats().pending).toBe(10);
    h.pump.dispose();
    h.tick();
    h.pump.push(chunk(10));
    h.pump.flush(true);
    expect(h.frames).toHaveLength(sent);
  });

  it("refuses a low-water mark at or above the high-water mark", () => {
    expect(() => harness({ lowWaterBytes: 1000 })).toThrow(RangeError);
  });
});
