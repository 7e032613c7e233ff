/**
 * Tunnels against a real OpenSSH sshd on loopback, through the real host over HTTP. The "service behind
 * the SSH host" is an HTTP server this test starts on 127.0.0.1, which the SSH host (same machine)
 * reaches as 127.0.0.1.
 */
import { createServer, type Server } from "node:http";
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type PluginHost, startPluginHost } from "./harness.js";

let h: PluginHost;
let web: Server;
let webPort: number;
const BODY = "x".repeat(10_000);

beforeAll(async () => {
  h = await startPluginHost();
  web = createServer((req, res) => {
    let n = 0;
    req.on("data", (c: Buffer) => {
      n += c.length;
    });
    req.on("end", () => res.end(req.method === "POST" ? `got ${n}` : BODY));
  });
  await new Promise<void>((r) => web.listen(0, "127.0.0.1", () => r()));
  webPort = (web.address() as { port: number }).port;
});
afterAll(async () => {
  await h?.close();
  await new Promise((r) => web?.close(r));
});

const json = (body: unknown) => ({ method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json" } });

/** Resolves "refused" when nothing listens on the port, "open" when something accepts. */
function probe(port: number): Promise<"open" | "refused"> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.once("connect", () => {
      s.destroy();
      resolve("open");
    });
    s.once("error", () => resolve("refused"));
  });
}

describe("tunnels against a real sshd", () => {
  it("reaches an HTTP server behind the SSH host through a local forward, counts bytes, and stopping closes the port", async () => {
    const created = await h.api("/tunnels", json({ name: "web", hostId: h.hostId, kind: "local", bindPort: 0, targetHost: "127.0.0.1", targetPort: webPort }));
    expect(created.status).toBe(201);
    const { id } = (await created.json()) as { id: string };

    const started = await h.api(`/tunnels/${id}/start`, { method: "POST" });
    expect(started.status).toBe(200);
    const running = (await started.json()) as { state: string; port: number };
    expect(running.state).toBe("running");
    expect(running.port).toBeGreaterThan(0);

    const res = await fetch(`http://127.0.0.1:${running.port}/`);
    expect(await res.text()).toBe(BODY);
    const upload = await fetch(`http://127.0.0.1:${running.port}/`, { method: "POST", body: "y".repeat(5000) });
    expect(await upload.text()).toBe("got 5000");

    const view = (await (await h.api(`/tunnels/${id}`)).json()) as { bytesIn: number; bytesOut: number; totalConnections: number; state: string };
    expect(view.state).toBe("running");
    expect(view.bytesIn).toBeGreaterThan(BODY.length);
    expect(view.bytesOut).toBeGreaterThan(5000);
    expect(view.totalConnections).toBeGreaterThanOrEqual(1);

    const listed = (await (await h.api("/tunnels")).json()) as { tunnels: { id: string; state: string }[]; autostart: { available: boolean } };
    expect(listed.tunnels.find((t) => t.id === id)?.state).toBe("running");
    expect(listed.autostart.available).toBe(false);

    const stopped = await h.api(`/tunnels/${id}/stop`, { method: "POST" });
    expect(((await stopped.json()) as { state: string }).state).toBe("stopped");
    expect(await probe(running.port)).toBe("refused");
    // Counters of the last run stay visible after a stop.
    const after = (await (await h.api(`/tunnels/${id}`)).json()) as { bytesIn: number };
    expect(after.bytesIn).toBe(view.bytesIn);
  });

  it("says why a tunnel cannot start: the local port is taken", async () => {
    const busy = createServer();
    await new Promise<void>((r) => busy.listen(0, "127.0.0.1", () => r()));
    const port = (busy.address() as { port: number }).port;
    try {
      const { id } = (await (
        await h.api("/tunnels", json({ name: "clash", hostId: h.hostId, kind: "local", bindPort: port, targetHost: "127.0.0.1", targetPort: webPort }))
      ).json()) as {
        id: string;
      };
      const res = await h.api(`/tunnels/${id}/start`, { method: "POST" });
      expect(res.status).toBe(502);
      expect(await res.json()).toMatchObject({ error: "TUNNELS_ERR_START_FAILED", reason: "HOST_ERR_SSH_FORWARD_FAILED" });
      const view = (await (await h.api(`/tunnels/${id}`)).json()) as { state: string; lastError: { code: string } | null };
      expect(view.state).toBe("failed");
      expect(view.lastError?.code).toBe("HOST_ERR_SSH_FORWARD_FAILED");
    } finally {
      await new Promise((r) => busy.close(r));
    }
  });

  it("forwards a port on the SSH host back to a service here (remote forward)", async () => {
    const { id } = (await (
      await h.api("/tunnels", json({ name: "back", hostId: h.hostId, kind: "remote", bindPort: 0, targetHost: "127.0.0.1", targetPort: webPort }))
    ).json()) as {
      id: string;
    };
    const started = (await (await h.api(`/tunnels/${id}/start`, { method: "POST" })).json()) as { state: string; port: number };
    expect(started.state).toBe("running");
    // The SSH host is this machine: its loopback port leads back through ArchNest to the web server.
    expect(await (await fetch(`http://127.0.0.1:${started.port}/`)).text()).toBe(BODY);
    await h.api(`/tunnels/${id}/stop`, { method: "POST" });
    expect(await probe(started.port)).toBe("refused");
  });

  it("refuses auto-start without the tunnel-autostart module, naming it", async () => {
    const { id } = (await (
      await h.api("/tunnels", json({ name: "auto", hostId: h.hostId, kind: "local", bindPort: 0, targetHost: "127.0.0.1", targetPort: webPort }))
    ).json()) as {
      id: string;
    };
    const res = await h.api(`/tunnels/${id}/autostart`, { method: "PUT", body: JSON.stringify({ enabled: true }) });
    expect(res.status).toBe(402);
    expect(await res.json()).toMatchObject({ error: "module_required", module: "tunnel-autostart" });
    expect((await h.api("/tunnels", json({ name: "", hostId: h.hostId, kind: "local", bindPort: 0, targetHost: "x", targetPort: 1 }))).status).toBe(400);
    expect((await h.api("/tunnels", json({ name: "n", hostId: "nope", kind: "local", bindPort: 0, targetHost: "x", targetPort: 1 }))).status).toBe(400);
  });
});
