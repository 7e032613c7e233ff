import { afterEach, describe, expect, it } from "vitest";
import { createTestHost, setupAdmin, type TestHost } from "../testing/index.js";

const hosts: TestHost[] = [];
afterEach(async () => {
  for (const t of hosts.splice(0)) await t.cleanup();
});

describe("user preferences", () => {
  it("stores JSON per user and key, answers null when unset, and refuses bad keys and oversized values", async () => {
    const t = await createTestHost();
    hosts.push(t);
    const admin = await setupAdmin(t.host);
    const req = (path: string, init: RequestInit = {}) =>
      t.host.app.request(path, { ...init, headers: { ...admin.headers, "content-type": "application/json" } });
    expect(await (await req("/api/prefs/glance.layout")).json()).toEqual({ value: null });
    const layout = { order: ["notes:notes", "docker:containers"], hidden: ["hosts:status"] };
    expect((await req("/api/prefs/glance.layout", { method: "PUT", body: JSON.stringify({ value: layout }) })).status).toBe(200);
    expect(await (await req("/api/prefs/glance.layout")).json()).toEqual({ value: layout });
    expect((await req("/api/prefs/Bad Key!", { method: "PUT", body: JSON.stringify({ value: 1 }) })).status).toBe(400);
    expect((await req("/api/prefs/theme", { method: "PUT", body: JSON.stringify({ value: "x".repeat(70_000) }) })).status).toBe(413);
    expect((await t.host.app.request("/api/prefs/theme")).status).toBe(401);
  });
});
