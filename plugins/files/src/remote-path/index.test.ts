import { describe, expect, it } from "vitest";
import { fileName, parseOctalMode, partPath, permissionString, remotePath } from "./index.js";

describe("remote paths", () => {
  it("normalises POSIX paths and refuses NUL bytes and empty paths", () => {
    expect(remotePath("/srv//www/../data/")).toBe("/srv/data/");
    expect(remotePath("notes.txt")).toBe("notes.txt");
    expect(() => remotePath("/a\0b")).toThrow(expect.objectContaining({ code: "FILES_ERR_BAD_REQUEST" }));
    expect(() => remotePath("")).toThrow(expect.objectContaining({ code: "FILES_ERR_BAD_REQUEST" }));
    expect(() => fileName("a/b")).toThrow(expect.objectContaining({ code: "FILES_ERR_BAD_REQUEST" }));
  });

  it("keeps a partial upload hidden beside its target", () => {
    expect(partPath("/home/u/big.iso")).toBe("/home/u/.big.iso.archnest-part");
  });

  it("prints permissions as ls -l does and reads octal modes", () => {
    expect(permissionString(0o755, "directory")).toBe("drwxr-xr-x");
    expect(permissionString(0o4755, "file")).toBe("-rwsr-xr-x");
    expect(permissionString(0o1777, "directory")).toBe("drwxrwxrwt");
    expect(permissionString(0o2640, "file")).toBe("-rw-r-S---");
    expect(parseOctalMode("0755")).toBe(0o755);
    expect(parseOctalMode("0o600")).toBe(0o600);
    expect(() => parseOctalMode("789")).toThrow(expect.objectContaining({ code: "FILES_ERR_BAD_REQUEST" }));
  });
});
