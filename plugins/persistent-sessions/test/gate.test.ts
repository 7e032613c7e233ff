/**
 * The module as it is sold: published to a real registry with the terminal it depends on, installed
 * locked, its API answering the 402 body and no session kept, then bought through the registry's
 * development checkout and working at once, without a restart.
 */
import { lastSession, openSession, type SessionClient } from "@archnest/terminal/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginHost, startPluginHost } from "./harness.js";

let h: PluginHost;

beforeAll(async () => {
  h = await startPluginHost({ registry: true });
}, 240_000);

afterAll(async () => {
  await h?.close();
});

async function openAndLeave(): Promise<{ id: string; persistent: boolean | undefined }> {
  const c: SessionClient = await openSession(h.url, h.admin.cookie, { hostId: h.hostId });
  const s = await c.waitForStatus((x) => x.state === "session");
  c.close();
  await c.closed;
  return { id: (s as { id: string }).id, persistent: lastSession(c)?.persistent };
}

async function terminalSessionIds(): Promise<string[]> {
  const res = await fetch(`${h.url}/api/plugins/terminal/sessions`, { headers: { cookie: h.admin.cookie } });
  return ((await res.json()) as { sessions: { id: string }[] }).sessions.map((s) => s.id);
}

describe("the persistent-sessions module", () => {
  it("is locked without its license and unlocks live when bought through the development checkout", async () => {
    const plugins = (await (await h.request("/api/plugins")).json()) as { id: string; state: string }[];
    expect(plugins.find((p) => p.id === "persistent-sessions")?.state).toBe("locked");
    expect(plugins.find((p) => p.id === "terminal")?.state).toBe("active");

    const locked = await h.api("/sessions");
    expect(locked.status).toBe(402);
    expect(await locked.json()).toMatchObject({ error: "module_required", module: "persistent-sessions", price: expect.stringMatching(/^\$/) });
    expect((await h.api("/sessions/anything", { method: "DELETE", headers: h.admin.headers })).status).toBe(402);

    const before = await openAndLeave();
    expect(before.persistent).toBe(false);
    await expect.poll(terminalSessionIds).not.toContain(before.id);

    await h.buy("persistent-sessions");
    expect(((await (await h.request("/api/plugins")).json()) as { id: string; state: string }[]).find((p) => p.id === "persistent-sessions")?.state).toBe(
      "active",
    );
    expect((await h.api("/sessions")).status).toBe(200);
    const after = await openAndLeave();
    expect(after.persistent).toBe(true);
    expect(await terminalSessionIds()).toContain(after.id);
    const listed = (await (await h.api("/sessions")).json()) as { sessions: { id: string; state: string }[] };
    expect(listed.sessions.find((s) => s.id === after.id)).toMatchObject({ state: "detached" });
  });
});
