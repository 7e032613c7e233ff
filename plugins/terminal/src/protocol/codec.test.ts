import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  decodeClientFrame,
  decodeServerFrame,
  encodeAck,
  encodeInput,
  encodeOutput,
  encodePing,
  encodePong,
  encodeResize,
  encodeStatus,
  MAX_INPUT_BYTES,
  ProtocolError,
} from "./index.js";

const bytes = (...b: number[]) => new Uint8Array(b);

describe("terminal protocol codec", () => {
  it("lays frames out as PROTOCOL.md says: opcode byte, then big-endian fields", () => {
    expect([...encodeInput(new TextEncoder().encode("ls\r"))]).toEqual([0x00, 0x6c, 0x73, 0x0d]);
    expect([...encodeResize(132, 43)]).toEqual([0x01, 0x00, 0x84, 0x00, 0x2b]);
    expect([...encodeAck(65536)]).toEqual([0x02, 0x00, 0x01, 0x00, 0x00]);
    expect([...encodePing(bytes(7, 8))]).toEqual([0x03, 7, 8]);
    expect([...encodeOutput([bytes(1, 2), bytes(3)])]).toEqual([0x00, 1, 2, 3]);
    expect([...encodePong(bytes(9))]).toEqual([0x11, 9]);
    expect(encodeStatus({ state: "closed", reason: "exit", exitCode: 0, message: "bye" })[0]).toBe(0x10);
  });

  it("round-trips every client frame", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 1, maxLength: 300 }),
        fc.integer({ min: 1, max: 1000 }),
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 1, max: 0xffffffff }),
        (data, cols, rows, ack) => {
          expect(decodeClientFrame(encodeInput(data))).toEqual({ type: "input", data });
          expect(decodeClientFrame(encodeResize(cols, rows))).toEqual({ type: "resize", cols, rows });
          expect(decodeClientFrame(encodeAck(ack))).toEqual({ type: "ack", bytes: ack });
          expect(decodeClientFrame(encodePing(data.subarray(0, 32)))).toEqual({ type: "ping", payload: data.subarray(0, 32) });
        },
      ),
    );
  });

  it("round-trips server frames, status documents included", () => {
    const status = {
      state: "error",
      code: "module_required",
      message: "One terminal at a time",
      module: "multi-pane-terminal",
      price: "$5",
      purchaseUrl: "/settings/store#multi-pane-terminal",
    } as const;
    expect(decodeServerFrame(encodeStatus(status))).toEqual({ type: "status", status });
    expect(decodeServerFrame(encodeOutput([bytes(104, 105)]))).toEqual({ type: "output", data: bytes(104, 105) });
    expect(decodeServerFrame(encodePong(bytes(1, 2, 3)))).toEqual({ type: "pong", payload: bytes(1, 2, 3) });
  });

  it.each([
    ["an empty frame", bytes(), "empty frame"],
    ["an unknown opcode", bytes(0x7f, 1), "unknown opcode 0x7f"],
    ["an empty input", bytes(0x00), "input must be"],
    ["a short resize", bytes(0x01, 0, 80, 0), "exactly 4 bytes"],
    ["a long resize", bytes(0x01, 0, 80, 0, 24, 0), "exactly 4 bytes"],
    ["a zero-column resize", bytes(0x01, 0, 0, 0, 24), "terminal size"],
    ["a huge resize", bytes(0x01, 0xff, 0xff, 0xff, 0xff), "terminal size"],
    ["a zero ack", bytes(0x02, 0, 0, 0, 0), "zero bytes"],
    ["a short ack", bytes(0x02, 1), "exactly 4 bytes"],
    ["an oversized ping", new Uint8Array([0x03, ...new Uint8Array(33)]), "at most 32"],
  ])("refuses %s with a ProtocolError", (_name, frame, message) => {
    expect(() => decodeClientFrame(frame)).toThrow(ProtocolError);
    expect(() => decodeClientFrame(frame)).toThrow(message);
  });

  it("refuses oversized input frames and never throws anything but ProtocolError on random bytes", () => {
    expect(() => decodeClientFrame(new Uint8Array(MAX_INPUT_BYTES + 2))).toThrow("input must be");
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (frame) => {
        try {
          decodeClientFrame(frame);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
        try {
          decodeServerFrame(frame);
        } catch (err) {
          expect(err).toBeInstanceOf(ProtocolError);
        }
      }),
    );
  });

  it("refuses status frames that are not a known status document", () => {
    expect(() => decodeServerFrame(bytes(0x10, 0x7b))).toThrow("not JSON");
    expect(() => decodeServerFrame(new Uint8Array([0x10, ...new TextEncoder().encode('{"state":"weird"}')]))).toThrow("no known state");
  });

  it("refuses to encode what the server would refuse", () => {
    expect(() => encodeResize(0, 24)).toThrow(ProtocolError);
    expect(() => encodeAck(0)).toThrow(ProtocolError);
    expect(() => encodeInput(new Uint8Array(0))).toThrow(ProtocolError);
  });
});
