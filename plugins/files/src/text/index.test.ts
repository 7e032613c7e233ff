import { describe, expect, it } from "vitest";
import { isText } from "./index.js";

describe("text detection", () => {
  it("accepts UTF-8 text and refuses NUL bytes and invalid UTF-8", () => {
    expect(isText(new TextEncoder().encode("héllo\nworld\n"))).toBe(true);
    expect(isText(new Uint8Array([104, 0, 105]))).toBe(false);
    expect(isText(new Uint8Array([0xff, 0xfe, 0x41]))).toBe(false);
  });
});
