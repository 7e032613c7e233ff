/**
 * Tunnel Auto-Start against the real host, the real tunnels plugin and a real OpenSSH sshd: tunnels
 * marked auto-start open when the plugins start; when sshd goes away a remote forward drops and is tried
 * again and again with growing waits, shown on the tunnel, and carries traffic once sshd is back; a
 * tunnel a person stopped stays stopped; and a lapsed license keeps the marks while tunnels fall back to
 * manual start.
 */
import { connect, createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginHost, startPluginHost } from "./harness.js";

interface Tunnel {
  id: string;
  name: string;
  state: string;
  port: number | null;
  autoStart: boolean;
  retry: { attempt: number; at: number } | null;
  lastError: { code: string } | null;
}

let h: PluginHost;
let echo: Server;
let echoPort: number;
const ids: Record<string, string> = {};

const tunnels = (path: string, init?: RequestInit & { json?: unknown }) => h.request(`/api/plugins/tunnels${path}`, init);
const list = async () => (await (await tunnels("/tunnels")).json()) as { tunnels: Tunnel[]; autostart: { available: boolean } };
const tunnel = async (name: string) => (await list()).tunnels.find((t) => t.name === name) as Tunnel;

/** Sends a line through 127.0.0.1:port and reads it back from the echo server behind the tunnel. */
function roundTrip(port: number, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port }, () => s.write(text));
    let got = "";
    s.on("data", (d) => {
      got += d;
      if (got.length >= text.length) {
        s.end();
        resolve(got);
      }
    });
    s.on("error", reject);
    setTimeout(() => {
      s.destroy();
      reject(new Error(`no echo through port ${port}`));
    }, 5000).unref();
  });
}

beforeAll(async () => {
  echo = createServer((s) => s.pipe(s));
  await new Promise<void>((resolve) => echo.listen(0, "127.0.0.1", resolve));
  echoPort = (echo.address() as { port: number }).port;
  h = await startPluginHost({ licensed: ["tunnel-autostart"] });
  // Short waits so a test sees several attempts: 0.2 s first, 1 s at most.
  const settings = await h.request("/api/plugins/tunnel-autostart/settings", {
    method: "PUT",
    json: { values: { firstRetrySeconds: 0.2, maxRetrySeconds: 1 } },
  });
  expect(settings.status).toBe(200);
  for (const [name, kind, autoStart] of [
    ["local-auto", "local", true],
    ["remote-auto", "remote", true],
    ["by-hand", "local", false],
  ] as const) {
    const made = await tunnels("/tunnels", {
      method: "POST",
      json: { name, hostId: h.hostId, kind, bindHost: "127.0.0.1", bindPort: 0, targetHost: "127.0.0.1", targetPort: echoPort },
    });
    expect(made.status).toBe(201);
    ids[name] = ((await made.json()) as Tunnel).id;
    if (autoStart) expect((await tunnels(`/tunnels/${ids[name]}/autostart`, { method: "PUT", json: { enabled: true } })).status).toBe(200);
  }
}, 180_000);

afterAll(async () => {
  await h?.close();
  await new Promise((r) => echo?.close(r));
});

describe("tunnels marked auto-start", () => {
  it("open when the plugins start, without anyone pressing Start, and carry traffic", async () => {
    expect((await list()).autostart.available).toBe(true);
    // A restart of the tunnels plugin (and of this one, which depends on it) is a boot for both.
    expect((await h.request("/api/plugins/tunnels/disable?withDependents=true", { method: "POST" })).status).toBe(200);
    expect((await h.request("/api/plugins/tunnels/enable", { method: "POST" })).status).toBe(200);
    await expect
      .poll(async () => [(await tunnel("local-auto")).state, (await tunnel("remote-auto")).state], { timeout: 20_000 })
      .toEqual(["running", "running"]);
    expect((await tunnel("by-hand")).state).toBe("stopped");
    for (const name of ["local-auto", "remote-auto"]) expect(await roundTrip((await tunnel(name)).port as number, `hello ${name}`)).toBe(`hello ${name}`);
  });

  it("reopen a dropped remote forward with growing, shown retries, and carry traffic again once sshd is back", async () => {
    await h.sshd.stop();
    await expect.poll(async () => (await tunnel("remote-auto")).state, { timeout: 20_000 }).toBe("retrying");
    const first = (await tunnel("remote-auto")).retry;
    expect(first?.attempt).toBeGreaterThanOrEqual(1);
    // Each failed attempt schedules the next: the attempt count grows while sshd is away.
    await expect.poll(async () => (await tunnel("remote-auto")).retry?.attempt ?? 0, { timeout: 20_000 }).toBeGreaterThanOrEqual((first?.attempt ?? 0) + 2);
    const retry = (await tunnel("remote-auto")).retry;
    expect(retry?.at).toBeGreaterThan(Date.now() - 5_000);
    expect(retry?.at).toBeLessThanOrEqual(Date.now() + 1_000 + 100);

    await h.sshd.restart();
    await expect.poll(async () => (await tunnel("remote-auto")).state, { timeout: 20_000 }).toBe("running");
    const back = await tunnel("remote-auto");
    expect(back.retry).toBeNull();
    expect(await roundTrip(back.port as number, "after the drop")).toBe("after the drop");
    // The local forward kept listening and reaches the target over the new SSH connection.
    expect(await roundTrip((await tunnel("local-auto")).port as number, "local after the drop")).toBe("local after the drop");
  });

  it("leave a tunnel a person stopped alone, even across a drop", async () => {
    expect((await tunnels(`/tunnels/${ids["remote-auto"]}/stop`, { method: "POST" })).status).toBe(200);
    await h.sshd.stop();
    await h.sshd.restart();
    // Longer than the longest wait: no attempt came.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await tunnel("remote-auto")).toMatchObject({ state: "stopped", retry: null });
    expect((await tunnels(`/tunnels/${ids["remote-auto"]}/start`, { method: "POST" })).status).toBe(200);
  });
});

describe("when the license lapses", () => {
  it("keeps every auto-start mark, falls back to manual start, and supervises again once it returns", async () => {
    h.entitlements.set([]);
    await expect.poll(async () => (await list()).autostart.available, { timeout: 15_000 }).toBe(false);
    expect((await tunnel("remote-auto")).autoStart).toBe(true);
    const refused = await tunnels(`/tunnels/${ids["by-hand"]}/autostart`, { method: "PUT", json: { enabled: true } });
    expect(refused.status).toBe(402);
    expect(await refused.json()).toMatchObject({ error: "module_required", module: "tunnel-autostart" });

    // Nobody retries now: the dropped remote forward stays failed.
    await h.sshd.stop();
    await expect.poll(async () => (await tunnel("remote-auto")).state, { timeout: 20_000 }).toBe("failed");
    await h.sshd.restart();
    await new Promise((r) => setTimeout(r, 1500));
    expect(await tunnel("remote-auto")).toMatchObject({ state: "failed", retry: null });

    h.entitlements.set(["tunnel-autostart"]);
    await expect.poll(async () => (await list()).autostart.available, { timeout: 15_000 }).toBe(true);
    // Back, it opens what is marked and not running, as at boot.
    await expect.poll(async () => (await tunnel("remote-auto")).state, { timeout: 20_000 }).toBe("running");
    expect(await roundTrip((await tunnel("remote-auto")).port as number, "licensed again")).toBe("licensed again");
  });
});
