import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createLogger, requestLogger } from "../log/index.js";
import { HostError, onHostError } from "./index.js";

function app() {
  const lines: string[] = [];
  const log = createLogger({ write: (l) => lines.push(l) });
  const a = new Hono();
  a.use("*", requestLogger(log));
  a.get("/coded", () => {
    throw new HostError("HOST_ERR_RATE_LIMITED", "wait", { headers: { "Retry-After": "7" } });
  });
  a.get("/plain", () => {
    throw new Error("SQLITE_ERROR: no such table users at /srv/secret/path.ts:12");
  });
  a.get("/sdk", () => {
    throw Object.assign(new Error("file hash mismatch: index.js"), { code: "SDK_ERR_FILE_HASH_MISMATCH" });
  });
  a.onError(onHostError(log));
  return { a, lines };
}

describe("onHostError", () => {
  it("answers a HostError with its code, message, status and headers", async () => {
    const res = await app().a.request("/coded");
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await res.json()).toEqual({ error: "HOST_ERR_RATE_LIMITED", message: "wait", requestId: res.headers.get("x-request-id") });
  });

  it("answers anything else with 500 HOST_ERR_INTERNAL without leaking internals, and logs it", async () => {
    const { a, lines } = app();
    const res = await a.request("/plain");
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: "HOST_ERR_INTERNAL", message: expect.any(String), requestId: res.headers.get("x-request-id") });
    expect(lines.join("\n")).toContain(res.headers.get("x-request-id"));
    expect(text).not.toContain("SQLITE");
    expect(text).not.toContain("/srv/secret");
    expect(lines.join("\n")).toContain("SQLITE_ERROR");
  });

  it("passes SDK verification codes through as 422", async () => {
    const res = await app().a.request("/sdk");
    expect(res.status).toBe(422);
    expect(await res.json()).toEqual({
      error: "SDK_ERR_FILE_HASH_MISMATCH",
      message: "file hash mismatch: index.js",
      requestId: res.headers.get("x-request-id"),
    });
  });
});
