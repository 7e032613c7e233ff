import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { HostError } from "../errors/index.js";
import { BodyLimits } from "./body-limit.js";

function appWith(limits: BodyLimits) {
  const app = new Hono();
  app.use("*", limits.middleware());
  app.onError((err, c) => (err instanceof HostError ? c.json({ error: err.code }, err.status as 413) : c.json({ error: "other" }, 500)));
  // Reads the whole body, and turns a failed read into a 400 as a careless route would.
  app.all("*", async (c) => {
    try {
      return c.json({ length: (await c.req.arrayBuffer()).byteLength });
    } catch {
      return c.json({ error: "unreadable" }, 400);
    }
  });
  return app;
}

/** A body with no declared length, as a chunked request has. */
function streamOf(bytes: number): RequestInit {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let sent = 0; sent < bytes; sent += 1000) controller.enqueue(new Uint8Array(Math.min(1000, bytes - sent)));
      controller.close();
    },
  });
  return { method: "POST", body, duplex: "half" } as RequestInit;
}

describe("BodyLimits", () => {
  it("caps a body without a length as it is read, whatever the route made of the failed read", async () => {
    const app = appWith(new BodyLimits(5000));
    expect(await (await app.request("/x", streamOf(5000))).json()).toEqual({ length: 5000 });
    const over = await app.request("/x", streamOf(5001));
    expect(over.status).toBe(413);
    expect(await over.json()).toEqual({ error: "HOST_ERR_PAYLOAD_TOO_LARGE" });
  });

  it("refuses a declared length over the cap before reading, and leaves GET alone", async () => {
    const app = appWith(new BodyLimits(10));
    const declared = await app.request("/x", { method: "PUT", headers: { "content-length": "11" }, body: "01234567890" });
    expect(declared.status).toBe(413);
    expect((await app.request("/x")).status).toBe(200);
  });

  it("lets the first rule that answers decide a route's cap and code, and a removed rule stops applying", async () => {
    const limits = new BodyLimits(10);
    const remove = limits.route("POST", "/upload/*", { maxBytes: 100, code: "HOST_ERR_UPLOAD_TOO_LARGE" });
    limits.route("POST", "/upload/small", { maxBytes: 1 });
    const app = appWith(limits);
    expect(await (await app.request("/upload/small", streamOf(50))).json()).toEqual({ length: 50 });
    expect(await (await app.request("/upload/a", streamOf(101))).json()).toEqual({ error: "HOST_ERR_UPLOAD_TOO_LARGE" });
    expect((await app.request("/other", streamOf(11))).status).toBe(413);
    remove();
    expect((await app.request("/upload/small", streamOf(2))).status).toBe(413);
  });
});
