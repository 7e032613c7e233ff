import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { createLogger, requestLogger } from "../log/index.js";
import { errorShape } from "./index.js";

const big = `{"error":"X_ERR_BIG","pad":"${"x".repeat(70 * 1024)}"}`;

function app() {
  const a = new Hono();
  a.use("*", requestLogger(createLogger({ write: () => {} })));
  a.use("*", errorShape());
  a.get("/bare", (c) => c.json({ error: "NOTES_ERR_TEXT" }, 400, { "retry-after": "5" }));
  a.get("/known", (c) => c.json({ error: "HOST_ERR_NOT_FOUND" }, 404));
  a.get("/gate", (c) => c.json({ error: "module_required", module: "tmux", price: "$5", purchaseUrl: "/settings/store#tmux" }, 402));
  a.get("/forged", (c) => c.json({ error: "X_ERR_Y", message: "m", requestId: "someone-elses" }, 409));
  a.get("/ok", (c) => c.json({ error: "not an error: status 200" }));
  a.get("/text", (c) => c.text("Bad Gateway", 502));
  a.get("/big", () => new Response(new Blob([big]).stream(), { status: 500, headers: { "content-type": "application/json" } }));
  return a;
}

describe("errorShape", () => {
  it("completes a bare {error} body with a message and the request id, keeping its status and headers", async () => {
    const res = await app().request("/bare");
    expect(res.status).toBe(400);
    expect(res.headers.get("retry-after")).toBe("5");
    expect(await res.json()).toEqual({ error: "NOTES_ERR_TEXT", message: "NOTES_ERR_TEXT", requestId: res.headers.get("x-request-id") });
    const known = await app().request("/known");
    expect(((await known.json()) as { message: string }).message).toBe("No route answers this method and path.");
  });

  it("keeps the 402 body's own fields and replaces a request id that is not this request's", async () => {
    const gate = await app().request("/gate");
    expect(await gate.json()).toEqual({
      error: "module_required",
      message: expect.stringMatching(/paid module/),
      requestId: gate.headers.get("x-request-id"),
      module: "tmux",
      price: "$5",
      purchaseUrl: "/settings/store#tmux",
    });
    const forged = await app().request("/forged", { headers: { "x-request-id": "trace-00000001" } });
    expect(await forged.json()).toEqual({ error: "X_ERR_Y", message: "m", requestId: "trace-00000001" });
  });

  it("leaves successes, non-JSON errors and oversized bodies as they are", async () => {
    expect(await (await app().request("/ok")).json()).toEqual({ error: "not an error: status 200" });
    expect(await (await app().request("/text")).text()).toBe("Bad Gateway");
    expect(await (await app().request("/big")).text()).toBe(big);
  });
});
