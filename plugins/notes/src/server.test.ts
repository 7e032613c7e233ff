import { createTestContext } from "@archnest/sdk/testing";
import { describe, expect, it } from "vitest";
import plugin from "./server.js";

describe("notes plugin", () => {
  it("stores notes in plugin storage, newest first, and serves the title setting", async () => {
    const t = await createTestContext(plugin, { id: "notes", permissions: ["storage"], settings: { title: "Ops notes", maxNotes: 50 } });
    for (const text of ["rotate certs", "patch db"]) {
      const res = await t.request("/notes", { method: "POST", body: JSON.stringify({ text }), headers: { "content-type": "application/json" } });
      expect(res.status).toBe(201);
    }
    const body = (await (await t.request("/notes")).json()) as { title: string; notes: { text: string }[] };
    expect(body.title).toBe("Ops notes");
    expect(body.notes.map((n) => n.text)).toEqual(["patch db", "rotate certs"]);
    expect(t.storage.size).toBe(2);
  });

  it("keeps at most maxNotes, dropping the oldest", async () => {
    const t = await createTestContext(plugin, { id: "notes", permissions: ["storage"], settings: { title: "Notes", maxNotes: 2 } });
    for (const text of ["a", "b", "c"]) {
      await t.request("/notes", { method: "POST", body: JSON.stringify({ text }) });
      await new Promise((r) => setTimeout(r, 2));
    }
    const body = (await (await t.request("/notes")).json()) as { notes: { text: string }[] };
    expect(body.notes.map((n) => n.text)).toEqual(["c", "b"]);
  });

  it("refuses empty notes and reports deleting an unknown note", async () => {
    const t = await createTestContext(plugin, { id: "notes", permissions: ["storage"], settings: { maxNotes: 5 } });
    expect((await t.request("/notes", { method: "POST", body: JSON.stringify({ text: "  " }) })).status).toBe(400);
    expect((await t.request("/notes/nope", { method: "DELETE" })).status).toBe(404);
  });

  it("fails with a coded error when storage was not declared", async () => {
    const t = await createTestContext(plugin, { id: "notes", permissions: [] });
    const res = await t.request("/notes");
    expect(res.status).toBe(500);
    await expect(t.ctx.storage.list("")).rejects.toMatchObject({ code: "SDK_ERR_CAPABILITY_UNDECLARED" });
  });

  it("leaves nothing registered after dispose", async () => {
    const t = await createTestContext(plugin, { id: "notes", permissions: ["storage"] });
    expect(await t.dispose()).toBe(1);
    await expect(t.request("/notes")).rejects.toMatchObject({ code: "SDK_ERR_PLUGIN_DEFINITION" });
  });
});
