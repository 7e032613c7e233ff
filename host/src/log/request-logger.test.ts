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
});
