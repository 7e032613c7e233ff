import { ApiError } from "@archnest/sdk/web";
import { describe, expect, it } from "vitest";
import { keyChangeOf, messageOf, parseTags } from "./index.js";

describe("keyChangeOf", () => {
  it("reads both fingerprints of a changed host key from the error details", () => {
    const err = new ApiError(409, "HOST_ERR_HOST_KEY_CHANGED", "the host key of lab changed", {
      error: "HOST_ERR_HOST_KEY_CHANGED",
      details: ["trusted: SHA256:old+key/A", "presented: SHA256:new+key/B"],
    });
    expect(keyChangeOf(err)).toEqual({ trusted: "SHA256:old+key/A", presented: "SHA256:new+key/B" });
  });

  it("is undefined for other errors and for details without both fingerprints", () => {
    expect(keyChangeOf(new ApiError(502, "HOST_ERR_SSH_UNREACHABLE", "refused", { details: ["trusted: SHA256:a", "presented: SHA256:b"] }))).toBeUndefined();
    expect(keyChangeOf(new ApiError(409, "HOST_ERR_HOST_KEY_CHANGED", "changed", { details: ["trusted: SHA256:a"] }))).toBeUndefined();
    expect(keyChangeOf(new Error("plain"))).toBeUndefined();
  });
});

describe("parseTags", () => {
  it("splits on commas, trims, and drops blanks and repeats", () => {
    expect(parseTags(" prod, web ,, prod,db ")).toEqual(["prod", "web", "db"]);
    expect(parseTags("  ")).toEqual([]);
  });
});

describe("messageOf", () => {
  it("starts the kernel's message with a capital letter", () => {
    expect(messageOf(new ApiError(502, "HOST_ERR_SSH_UNREACHABLE", "connection refused", undefined))).toBe("Connection refused");
  });
});
