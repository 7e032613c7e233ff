import { describe, expect, it } from "vitest";
import { DockerStreamDemuxer, LineSplitter } from "./demux.js";

const frame = (kind: number, text: string) => {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = kind;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
};

describe("DockerStreamDemuxer", () => {
  it("splits frames cut anywhere, headers included, into stdout and stderr", () => {
    const all = Buffer.concat([frame(1, "hello\n"), frame(2, "oops\n"), frame(1, "bye")]);
    for (let cut = 1; cut < all.length; cut++) {
      const d = new DockerStreamDemuxer();
      const frames = [...d.push(all.subarray(0, cut)), ...d.push(all.subarray(cut))];
      expect(frames.map((f) => [f.stream, f.data.toString()])).toEqual([
        ["stdout", "hello\n"],
        ["stderr", "oops\n"],
        ["stdout", "bye"],
      ]);
      expect(d.buffered).toBe(0);
    }
  });

  it("refuses bytes that are not a multiplexed stream", () => {
    expect(() => new DockerStreamDemuxer().push(Buffer.from("plain text output"))).toThrow(/not a multiplexed Docker stream/);
  });
});

describe("LineSplitter", () => {
  it("joins lines across chunks, decodes UTF-8 split mid-character and drops CR of CRLF", () => {
    const s = new LineSplitter();
    const bytes = Buffer.from("grüße\r\nzwei\ndrei");
    const out = [...s.push(bytes.subarray(0, 3)), ...s.push(bytes.subarray(3, 12)), ...s.push(bytes.subarray(12)), ...s.end()];
    expect(out).toEqual(["grüße", "zwei", "drei"]);
  });

  it("cuts a runaway line into pieces of at most maxLine characters", () => {
    const s = new LineSplitter(4);
    expect(s.push(Buffer.from("abcdefghij"))).toEqual(["abcd", "efgh"]);
    expect(s.end()).toEqual(["ij"]);
  });
});
