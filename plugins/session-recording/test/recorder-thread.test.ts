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
    tap.output?.(Buffer.from([...utf8("price: "), ...euro.subarray(0, 1)]));
    tap.output?.(Buffer.from([...euro.subarray(1), ...utf8("5\r\n")]));
    tap.input?.(utf8("secret\r"));
    tap.resize?.(120, 40);
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
    ]);
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
});
