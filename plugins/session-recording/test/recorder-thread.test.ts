/**
 * The recorder thread as the installed plugin runs it: the built server file (dist/server.js) loaded as a
 * worker, fed a session's traffic by the main thread's tap, writes a valid asciicast with characters split
 * across chunks whole; stopping the thread closes every file first.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseAsciicast } from "../src/asciicast/index.js";
import { RecorderThread, type RecordingResult } from "../src/recorder/index.js";

const dir = mkdtempSync(join(tmpdir(), "recorder-thread-"));
const log = { debug() {}, info() {}, warn() {}, error() {} };
const meta = { id: "s1", hostId: "h", hostName: "web-1", user: { id: "u", username: "ana", role: "member" as const }, cols: 80, rows: 24, openedAt: 0 };
const utf8 = (s: string) => new TextEncoder().encode(s);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("the recorder thread", () => {
  it("writes what the tap saw, in order, with multi-byte characters whole and input only when asked", async () => {
    const thread = new RecorderThread(new URL("../dist/server.js", import.meta.url), log);
    const file = join(dir, "a.cast");
    let ended: (r: RecordingResult) => void = () => undefined;
    const result = new Promise<RecordingResult>((r) => (ended = r));
    const recorder = thread.factory({ file, meta, input: false, log, onEnd: (r) => ended(r) });
    const tap = recorder.tap(() => undefined);
    const euro = utf8("€");
    // A Node Buffer from the shared pool, as the SSH library hands them over, split inside the character.
    // The halves 30 ms apart: two events (chunks less than 8 ms apart are one), two messages to the thread.
    tap.output?.(Buffer.from([...utf8("price: "), ...euro.subarray(0, 1)]));
    await new Promise((r) => setTimeout(r, 30));
    tap.output?.(Buffer.from([...euro.subarray(1), ...utf8("5\r\n")]));
    tap.input?.(utf8("secret\r"));
    tap.resize?.(120, 40);
    // Chunks right after each other are one event.
    tap.output?.(utf8("$ "));
    tap.output?.(utf8("ls\r\n"));
    recorder.stop();
    const done = await result;
    await thread.dispose();
    const text = readFileSync(file, "utf8");
    expect(done.bytes).toBe(Buffer.byteLength(text));
    expect(done.error).toBeUndefined();
    const cast = parseAsciicast(text);
    expect(cast.header).toMatchObject({ version: 2, width: 80, height: 24 });
    expect(cast.events.map((e) => [e[1], e[2]])).toEqual([
      ["o", "price: "],
      ["o", "€5\r\n"],
      ["r", "120x40"],
      ["o", "$ ls\r\n"],
    ]);
    const [first, second] = cast.events;
    expect((second?.[0] ?? 0) - (first?.[0] ?? 0)).toBeGreaterThanOrEqual(0.02);
  });

  it("closes every file before it stops", async () => {
    const thread = new RecorderThread(new URL("../dist/server.js", import.meta.url), log);
    const results: RecordingResult[] = [];
    for (const name of ["b", "c"]) {
      const r = thread.factory({ file: join(dir, `${name}.cast`), meta, input: true, log, onEnd: (res) => results.push(res) });
      r.tap(() => undefined).input?.(utf8(`typed ${name}\r`));
    }
    await thread.dispose();
    expect(results).toHaveLength(2);
    for (const name of ["b", "c"]) {
      const cast = parseAsciicast(readFileSync(join(dir, `${name}.cast`), "utf8"));
      expect(cast.events.map((e) => [e[1], e[2]])).toEqual([["i", `typed ${name}\r`]]);
    }
  });

  it("ends its recordings, files kept and valid, when the thread falls behind instead of holding the output in memory", async () => {
    // 64 KiB may wait; a turn that sends 1 MiB before the thread can hand anything back is too far ahead.
    const thread = new RecorderThread(new URL("../dist/server.js", import.meta.url), log, 64 * 1024);
    const file = join(dir, "behind.cast");
    const result = new Promise<RecordingResult>((resolve) => {
      const r = thread.factory({ file, meta, input: false, log, onEnd: resolve });
      const tap = r.tap(() => undefined);
      for (let i = 0; i < 64; i++) tap.output?.(utf8(`${"y".repeat(16 * 1024 - 2)}\r\n`));
      expect(r.stopped).toBe(true);
    });
    const done = await result;
    await thread.dispose();
    expect(done.error).toBe("RECORDER_BEHIND");
    const cast = parseAsciicast(readFileSync(file, "utf8"));
    const kept = cast.events.length;
    expect(kept).toBeGreaterThan(0);
    expect(kept).toBeLessThan(64);
    expect(done.bytes).toBe(Buffer.byteLength(readFileSync(file, "utf8")));
  });

  it("records a session longer than may wait at once: the thread hands each batch back once written", async () => {
    const thread = new RecorderThread(new URL("../dist/server.js", import.meta.url), log);
    const file = join(dir, "long.cast");
    let ended: (r: RecordingResult) => void = () => undefined;
    const result = new Promise<RecordingResult>((r) => (ended = r));
    const r = thread.factory({ file, meta, input: false, log, onEnd: (res) => ended(res) });
    const tap = r.tap(() => undefined);
    const line = utf8(`${"z".repeat(4094)}\r\n`);
    // 40 MiB over 320 turns: more than may wait at once (32 MiB), so it only completes if batches come back.
    for (let turn = 0; turn < 320; turn++) {
      for (let i = 0; i < 32; i++) tap.output?.(line);
      await new Promise((resolve) => setImmediate(resolve));
      if (turn % 16 === 15) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    r.stop();
    const done = await result;
    await thread.dispose();
    expect(done.error).toBeUndefined();
    const text = readFileSync(file, "utf8");
    expect(done.bytes).toBe(Buffer.byteLength(text));
    const events = parseAsciicast(text).events;
    expect(events.map((e) => e[2]).join("")).toBe(new TextDecoder().decode(line).repeat(320 * 32));
    // Chunks one right after another are one event of up to 16 KiB: four of these (a few fewer where a batch ends).
    expect(events.length).toBeLessThan((320 * 32) / 3);
    expect(events.every((e) => e[2].length <= 16 * 1024)).toBe(true);
  });
});
