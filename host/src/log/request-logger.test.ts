import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createLogger, type Logger, requestIdFrom, requestLogger } from "./index.js";

function app() {
  const lines: Record<string, unknown>[] = [];
  const log = createLogger({ write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
  const a = new Hono<{ Variables: { requestId: string; log: Logger } }>();
  a.use("*", requestLogger(log));
  a.get("/x", (c) => {
    c.get("log").info("inside");
    return c.text(c.get("requestId"));
  });
  return { a, lines };
}

describe("request logging", () => {
  it("reuses a safe incoming x-request-id and echoes it on the response and in every line", async () => {
    const { a, lines } = app();
    const res = await a.request("/x?token=abc", { headers: { "x-request-id": "abc-12345678" } });
    expect(res.headers.get("x-request-id")).toBe("abc-12345678");
    expect(await res.text()).toBe("abc-12345678");
    expect(lines.map((l) => l.requestId)).toEqual(["abc-12345678", "abc-12345678"]);
    const done = lines.find((l) => l.msg === "request");
    expect(done).toMatchObject({ method: "GET", path: "/x", status: 200 });
    expect(JSON.stringify(lines)).not.toContain("token=abc");
  });

  it("replaces an unsafe incoming id with a fresh one", async () => {
    const { a } = app();
    for (const bad of ["a b {json} injected", "x".repeat(500), "<script>alert(1)</script>", "short"]) {
      const res = await a.request("/x", { headers: { "x-request-id": bad } });
      const id = res.headers.get("x-request-id");
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(requestIdFrom(undefined)).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("writes the request line only when the level admits it, and binds the request id in children too", async () => {
    const lines: Record<string, unknown>[] = [];
    const log = createLogger({ level: "warn", write: (l) => lines.push(JSON.parse(l) as Record<string, unknown>) });
    const a = new Hono<{ Variables: { requestId: string; log: Logger } }>();
    a.use("*", requestLogger(log));
    a.get("/ok", (c) => c.text("ok"));
    a.get("/warn", (c) => {
      expect(c.get("log").level).toBe("warn");
      c.get("log").child({ step: "check" }).warn("careful", { password: "hunter2" });
      return c.text("warned");
    });
    a.get("/boom", (c) => c.text("failed", 503));
    await a.request("/ok", { headers: { "x-request-id": "quiet-12345678" } });
    expect(lines).toEqual([]);
    await a.request("/warn", { headers: { "x-request-id": "warn-12345678" } });
    expect(lines).toEqual([expect.objectContaining({ level: "warn", msg: "careful", requestId: "warn-12345678", step: "check", password: "[redacted]" })]);
    await a.request("/boom", { headers: { "x-request-id": "boom-12345678" } });
    expect(lines[1]).toMatchObject({ level: "error", msg: "request", requestId: "boom-12345678", status: 503, path: "/boom" });
    expect(lines).toHaveLength(2);
  });
});
