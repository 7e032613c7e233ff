import { createTestContext } from "@archnest/sdk/testing";
import { describe, expect, it } from "vitest";
import plugin, { type Hello } from "./server.js";

describe("my-plugin", () => {
  it("greets with the greeting setting and counts visits in plugin storage", async () => {
    const t = await createTestContext(plugin, { id: "my-plugin", permissions: ["storage"], settings: { greeting: "Hi" } });
    await t.request("/hello");
    const res = await t.request("/hello");
    expect(res.status).toBe(200);
    expect((await res.json()) as Hello).toEqual({ message: "Hi from my-plugin", visits: 2 });
  });

  it("answers 404 with a coded error for an unknown route", async () => {
    const t = await createTestContext(plugin, { id: "my-plugin", permissions: ["storage"] });
    const res = await t.request("/nope");
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: "MY_PLUGIN_ERR_NOT_FOUND" });
  });
});
