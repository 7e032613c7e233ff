import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { connect, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { defineErrors } from "@archnest/sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { jsonOf, startSshd, trustHostKey } from "../src/testing/index.js";
import { type SshWorld, startSshWorld } from "./ssh-harness.js";

let w: SshWorld;
let hostId: string;
let http: Server;
let httpPort: number;

beforeAll(async () => {
  w = await startSshWorld();
  hostId = await w.addSshdHost();
  http = createServer((req, res) => res.end(`hello from ${req.url}`));
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", () => r()));
  const addr = http.address();
  httpPort = typeof addr === "object" && addr ? addr.port : 0;
});
afterAll(async () => {
  http?.closeAllConnections();
  await new Promise((r) => http?.close(r));
  await w?.cleanup();
});

/** True when something accepts TCP connections on the port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

/** A plugin whose routes call ctx.ssh and answer the result or the error's code. */
const SSH_ROUTES = `
const state = (globalThis.__sshPluginState ??= {});
ctx.routes.mount({ fetch: async (req) => {
  const url = new URL(req.url);
  const q = Object.fromEntries(url.searchParams);
  try {
    if (url.pathname === "/hosts") return Response.json(await ctx.ssh.hosts());
    if (url.pathname === "/exec") return Response.json(await ctx.ssh.exec(q.host, q.cmd));
    if (url.pathname === "/forward") {
      const t = await ctx.ssh.forwardLocal(q.host, { bindPort: 0, targetHost: "127.0.0.1", targetPort: Number(q.port) });
      state[ctx.plugin.id + ".tunnel"] = t;
      return Response.json({ port: t.port });
    }
    if (url.pathname === "/shell") {
      const sh = await ctx.ssh.shell(q.host, { cols: 80, rows: 24 });
      sh.onClose((info) => { state[ctx.plugin.id + ".shellClosed"] = info.reason; });
      return Response.json({ ok: true });
    }
    if (url.pathname === "/tcp") {
      const stream = await ctx.ssh.openTcp(q.host, { host: "127.0.0.1", port: Number(q.port) });
      stream.on("close", () => { state[ctx.plugin.id + ".tcpClosed"] = true; });
      return Response.json({ ok: true });
    }
    if (url.pathname === "/sftp") {
      const s = await ctx.ssh.sftp(q.host);
      return Response.json({ home: await s.realpath(".") });
    }
    return new Response("not found", { status: 404 });
  } catch (e) {
    return Response.json({ code: e.code, message: e.message }, { status: 500 });
  }
} });`;

async function call(plugin: string, path: string) {
  return jsonOf(await w.api("GET", `/api/plugins/${plugin}${path}`));
}

describe("the SSH service lent to plugins", () => {
  it("gives ctx.ssh to a plugin that declared its permissions, and refuses each member to one that did not", async () => {
    await w.install({ id: "ssh-user", permissions: ["hosts:read", "ssh:exec", "ssh:forward", "ssh:shell", "ssh:sftp"], setup: SSH_ROUTES });
    await w.install({ id: "ssh-none", permissions: ["ssh:exec"], setup: SSH_ROUTES });

    expect(await call("ssh-user", `/exec?host=${hostId}&cmd=echo%20hi`)).toMatchObject({ code: 0, stdout: "hi\n" });
    const hosts = (await call("ssh-user", "/hosts")) as unknown as Record<string, unknown>[];
    expect(hosts).toEqual([
      {
        id: hostId,
        name: "test-sshd",
        address: "127.0.0.1",
        port: w.sshd.port,
        user: w.sshd.user,
        tags: [],
        authMethod: "key",
        fingerprint: w.sshd.hostKeyFingerprint,
      },
    ]);
    expect(JSON.stringify(hosts)).not.toContain("PRIVATE");

    // Declared ssh:exec only: exec works, the rest is refused.
    expect(await call("ssh-none", `/exec?host=${hostId}&cmd=echo%20ok`)).toMatchObject({ stdout: "ok\n" });
    for (const path of [
      "/hosts",
      `/forward?host=${hostId}&port=${httpPort}`,
      `/shell?host=${hostId}`,
      `/sftp?host=${hostId}`,
      `/tcp?host=${hostId}&port=${httpPort}`,
    ])
      expect(await call("ssh-none", path), path).toMatchObject({ code: "SDK_ERR_CAPABILITY_UNDECLARED" });
    expect(await call("ssh-user", `/exec?host=nope&cmd=true`)).toMatchObject({ code: "HOST_ERR_SSH_HOST_NOT_FOUND" });
  });

  it("closes a plugin's tunnels, shells and TCP streams when the plugin is disabled", async () => {
    await w.install({ id: "ssh-owner", permissions: ["ssh:forward", "ssh:shell"], setup: SSH_ROUTES });
    const { port } = (await call("ssh-owner", `/forward?host=${hostId}&port=${httpPort}`)) as { port: number };
    expect(await (await fetch(`http://127.0.0.1:${port}/via-plugin`)).text()).toBe("hello from /via-plugin");
    expect(await call("ssh-owner", `/shell?host=${hostId}`)).toEqual({ ok: true });
    const state = (globalThis as { __sshPluginState?: Record<string, unknown> }).__sshPluginState ?? {};
    expect(await call("ssh-owner", `/tcp?host=${hostId}&port=${httpPort}`)).toEqual({ ok: true });
    expect(state["ssh-owner.shellClosed"]).toBeUndefined();
    expect(state["ssh-owner.tcpClosed"]).toBeUndefined();

    expect((await w.api("POST", "/api/plugins/ssh-owner/disable")).status).toBe(200);
    expect(await listening(port)).toBe(false);
    await vi.waitFor(() => expect(state["ssh-owner.shellClosed"]).toBe("closed"), { timeout: 5000 });
    await vi.waitFor(() => expect(state["ssh-owner.tcpClosed"]).toBe(true), { timeout: 5000 });
  });

  it("forwards a local port to an HTTP server through the SSH host, counts bytes, and stops listening on close()", async () => {
    const tunnel = await w.attached.ssh.service.forwardLocal(hostId, { bindPort: 0, targetHost: "127.0.0.1", targetPort: httpPort });
    expect(tunnel.kind).toBe("local");
    const res = await fetch(`http://127.0.0.1:${tunnel.port}/through`, { headers: { connection: "close" } });
    expect(await res.text()).toBe("hello from /through");
    await vi.waitFor(() => expect(tunnel.stats()).toMatchObject({ totalConnections: 1, connections: 0 }));
    expect(tunnel.stats().bytesIn).toBeGreaterThan(19);
    expect(tunnel.stats().bytesOut).toBeGreaterThan(10);

    // A target nothing listens on: the tunnel stays up and reports the error.
    const dead = await w.attached.ssh.service.forwardLocal(hostId, { bindPort: 0, targetHost: "127.0.0.1", targetPort: 1 });
    const errors: string[] = [];
    dead.onError((e) => errors.push(e.code));
    await fetch(`http://127.0.0.1:${dead.port}/`).catch(() => undefined);
    await vi.waitFor(() => expect(errors).toEqual(["HOST_ERR_SSH_CHANNEL_FAILED"]));
    expect(dead.stats().lastErrorCode).toBe("HOST_ERR_SSH_CHANNEL_FAILED");
    await dead.close();

    await tunnel.close();
    expect(tunnel.closed).toBe(true);
    expect(await listening(tunnel.port)).toBe(false);
    await expect(w.attached.ssh.service.forwardLocal(hostId, { bindPort: httpPort, targetHost: "127.0.0.1", targetPort: 80 })).rejects.toMatchObject({
      code: "HOST_ERR_SSH_FORWARD_FAILED",
    });
  });

  it("forwards a port on the SSH host back to a server here (remote forward) until closed", async () => {
    const tunnel = await w.attached.ssh.service.forwardRemote(hostId, { remoteBindPort: 0, targetHost: "127.0.0.1", targetPort: httpPort });
    expect(tunnel.port).toBeGreaterThan(0);
    // The test sshd runs on this machine, so its side of the forward is reachable here too.
    expect(await (await fetch(`http://127.0.0.1:${tunnel.port}/remote`, { headers: { connection: "close" } })).text()).toBe("hello from /remote");
    expect(tunnel.stats().totalConnections).toBe(1);
    await tunnel.close();
    await vi.waitFor(async () => expect(await listening(tunnel.port)).toBe(false));
  });

  it("opens a shell that echoes, resizes, and stops delivering output while paused", async () => {
    const sh = await w.attached.ssh.service.shell(hostId, { cols: 80, rows: 24 });
    let out = "";
    sh.onData((d) => {
      out += Buffer.from(d).toString("utf8");
    });
    sh.write("echo he''llo\n");
    await vi.waitFor(() => expect(out).toContain("hello"), { timeout: 10_000 });
    sh.resize(120, 40);
    sh.write("stty size\n");
    await vi.waitFor(() => expect(out).toContain("40 120"), { timeout: 10_000 });

    sh.pause();
    const before = out.length;
    sh.write("seq 1 20000; echo DO''NE\n");
    await new Promise((r) => setTimeout(r, 300));
    expect(out.length).toBe(before);
    sh.resume();
    await vi.waitFor(() => expect(out).toContain("20000\r\nDONE"), { timeout: 10_000 });

    const closed = new Promise((r) => sh.onClose(r));
    sh.write("exit 7\n");
    expect(await closed).toEqual({ code: 7, signal: null, reason: "exit" });
    expect(sh.closed).toBe(true);
  });

  it("runs a command on a pty instead of the login shell, and its exit ends the shell with its status", async () => {
    const sh = await w.attached.ssh.service.shell(hostId, {
      cols: 91,
      rows: 33,
      command: "stty size; tty -s && echo on-a-''tty; read line; echo got-$line; exit 5",
    });
    let out = "";
    sh.onData((d) => {
      out += Buffer.from(d).toString("utf8");
    });
    const closed = new Promise((r) => sh.onClose(r));
    await vi.waitFor(() => expect(out).toContain("on-a-tty"), { timeout: 10_000 });
    expect(out).toContain("33 91");
    sh.write("abc\r");
    expect(await closed).toEqual({ code: 5, signal: null, reason: "exit" });
    expect(out).toContain("got-abc");
    expect(sh.closed).toBe(true);
    await expect(w.attached.ssh.service.shell(hostId, { cols: 80, rows: 24, command: "" })).rejects.toMatchObject({ code: "HOST_ERR_VALIDATION" });
  });

  it("works with files over SFTP and maps failures to coded errors with the SFTP status", async () => {
    const sftp = await w.attached.ssh.service.sftp(hostId);
    const base = `${w.sshd.dir}/sftp-area`;
    await sftp.mkdir(base);
    await sftp.writeFile(`${base}/a.txt`, "0123456789");
    expect(Buffer.from(await sftp.readFile(`${base}/a.txt`)).toString()).toBe("0123456789");
    await sftp.rename(`${base}/a.txt`, `${base}/b.txt`);
    await sftp.chmod(`${base}/b.txt`, 0o600);
    expect(await sftp.stat(`${base}/b.txt`)).toMatchObject({ size: 10, type: "file" });
    expect(((await sftp.stat(`${base}/b.txt`)).mode & 0o777).toString(8)).toBe("600");
    expect((await sftp.readdir(base)).map((e) => [e.name, e.type])).toEqual([["b.txt", "file"]]);

    const ranged: Buffer[] = [];
    for await (const c of sftp.createReadStream(`${base}/b.txt`, { start: 2, end: 5 })) ranged.push(c as Buffer);
    expect(Buffer.concat(ranged).toString()).toBe("2345");
    // Resuming an upload: write at an offset without truncating.
    await new Promise<void>((resolve, reject) => {
      const ws = sftp.createWriteStream(`${base}/b.txt`, { flags: "r+", start: 10 });
      ws.on("error", reject);
      ws.on("close", resolve);
      ws.end("abc");
    });
    expect(Buffer.from(await sftp.readFile(`${base}/b.txt`)).toString()).toBe("0123456789abc");

    await expect(sftp.unlink(`${base}/missing`)).rejects.toMatchObject({ code: "HOST_ERR_SFTP_NO_SUCH_FILE", sftpStatus: 2 });
    await expect(sftp.rmdir(base)).rejects.toMatchObject({ code: "HOST_ERR_SFTP_FAILURE", sftpStatus: 4 });
    const streamError = await new Promise<unknown>((resolve) => sftp.createReadStream(`${base}/missing`).on("error", resolve).resume());
    expect(streamError).toMatchObject({ code: "HOST_ERR_SFTP_NO_SUCH_FILE" });
    await expect(sftp.readFile(`${base}/b.txt`, { maxBytes: 4 })).rejects.toMatchObject({ code: "HOST_ERR_SFTP_FAILURE" });
    await sftp.unlink(`${base}/b.txt`);
    await sftp.rmdir(base);
    await sftp.close();
    await expect(sftp.stat(base)).rejects.toMatchObject({ code: "HOST_ERR_SSH_DISCONNECTED" });
  });

  it("reads and writes through an open handle with many requests in flight, in any order, and refuses bad calls with codes", async () => {
    const sftp = await w.attached.ssh.service.sftp(hostId);
    const path = `${w.sshd.dir}/handle.bin`;
    // 3 MiB in 300 KiB blocks: larger than one SFTP request, so the host splits and reassembles them.
    const data = Buffer.alloc(3 * 1024 * 1024);
    for (let i = 0; i < data.length; i += 4) data.writeUInt32BE(i, i);
    const block = 300 * 1024;
    const starts = Array.from({ length: Math.ceil(data.length / block) }, (_, i) => i * block);
    const out = await sftp.open(path, "w");
    // Written last block first, all at once.
    await Promise.all([...starts].reverse().map((s) => out.write(s, data.subarray(s, s + block))));
    await out.close();
    await out.close(); // idempotent
    expect((await sftp.stat(path)).size).toBe(data.length);

    const f = await sftp.open(path, "r");
    const parts = await Promise.all(starts.map((s) => f.read(s, block)));
    expect(Buffer.concat(parts).equals(data)).toBe(true);
    // Short only at the end of the file, empty past it.
    expect((await f.read(data.length - 10, 100)).byteLength).toBe(10);
    expect((await f.read(data.length + 5, 100)).byteLength).toBe(0);
    await expect(f.read(-1, 10)).rejects.toMatchObject({ code: "HOST_ERR_VALIDATION" });
    await expect(f.read(0, 64 * 1024 * 1024)).rejects.toMatchObject({ code: "HOST_ERR_VALIDATION" });
    await f.close();
    await expect(f.read(0, 10)).rejects.toMatchObject({ code: "HOST_ERR_SSH_DISCONNECTED" });

    await expect(sftp.open(path, "wx")).rejects.toMatchObject({ code: "HOST_ERR_SFTP_FAILURE" });
    await expect(sftp.open(`${w.sshd.dir}/missing/x`, "w")).rejects.toMatchObject({ code: "HOST_ERR_SFTP_NO_SUCH_FILE", sftpStatus: 2 });
    await expect(sftp.open(path, "rw" as "r")).rejects.toMatchObject({ code: "HOST_ERR_VALIDATION" });
    await sftp.unlink(path);
    await sftp.close();
  });

  it("sets a file's and a folder's access and modification times (whole seconds), and refuses bad times with a code", async () => {
    const sftp = await w.attached.ssh.service.sftp(hostId);
    const dir = `${w.sshd.dir}/times`;
    await sftp.mkdir(dir);
    await sftp.writeFile(`${dir}/f.txt`, "x");
    await sftp.utimes(`${dir}/f.txt`, Date.UTC(2020, 0, 2, 3, 4, 5, 678), Date.UTC(2019, 5, 6, 7, 8, 9, 999));
    await sftp.utimes(dir, Date.UTC(2021, 0, 1), Date.UTC(2018, 0, 1));
    expect(await sftp.stat(`${dir}/f.txt`)).toMatchObject({ atime: Date.UTC(2020, 0, 2, 3, 4, 5), mtime: Date.UTC(2019, 5, 6, 7, 8, 9) });
    expect((await sftp.stat(dir)).mtime).toBe(Date.UTC(2018, 0, 1));
    await expect(sftp.utimes(`${dir}/f.txt`, Number.NaN, 0)).rejects.toMatchObject({ code: "HOST_ERR_VALIDATION" });
    await expect(sftp.utimes(`${dir}/missing`, 0, 0)).rejects.toMatchObject({ code: "HOST_ERR_SFTP_NO_SUCH_FILE", sftpStatus: 2 });
    await sftp.unlink(`${dir}/f.txt`);
    await sftp.rmdir(dir);
    await sftp.close();
  });

  it("tells hosts:read listeners about added and removed hosts, without credentials", async () => {
    const seen: string[][] = [];
    const sub = w.attached.ssh.service.onHostsChanged((hosts) => seen.push(hosts.map((h) => h.name)));
    const id = await w.addSshdHost("announced");
    await vi.waitFor(() => expect(seen.at(-1)).toContain("announced"));
    expect(JSON.stringify(seen)).not.toContain("PRIVATE");
    expect((await w.api("DELETE", `/api/hosts/${id}`)).status).toBe(204);
    await vi.waitFor(() => expect(seen.at(-1)).not.toContain("announced"));
    sub.dispose();
    const count = seen.length;
    await w.addSshdHost("unheard");
    await new Promise((r) => setTimeout(r, 50));
    expect(seen.length).toBe(count);
  });

  it("puts sessions past the server's MaxSessions on a spare connection, ended when its last session closes", async () => {
    const small = await startSshd({ extraConfig: ["MaxSessions 2"] });
    const res = await w.api("POST", "/api/hosts", { name: "small", address: small.host, port: small.port, user: small.user, privateKey: small.privateKey });
    const id = (await jsonOf(res)).id as string;
    try {
      await trustHostKey(w.t, w.admin, id, small.hostKeyFingerprint);
      const ssh = w.attached.ssh.service;
      const shells = [];
      for (let i = 0; i < 3; i++) shells.push(await ssh.shell(id, { cols: 80, rows: 24 }));
      expect(ssh.connections().filter((c) => c.hostId === id)).toHaveLength(2);
      let out = "";
      shells[2]?.onData((d) => {
        out += Buffer.from(d).toString();
      });
      shells[2]?.write("echo third''-works\n");
      await vi.waitFor(() => expect(out).toContain("third-works"), { timeout: 10_000 });
      shells[2]?.close();
      await vi.waitFor(() => expect(ssh.connections().filter((c) => c.hostId === id)).toHaveLength(1), { timeout: 5000 });
      for (const sh of shells) sh.close();
    } finally {
      expect((await w.api("DELETE", `/api/hosts/${id}`)).status).toBe(204);
      await small.cleanup();
    }
  });

  it("opens a TCP stream from an SSH host (openTcp), names a target it cannot reach, and keeps a router's coded error", async () => {
    const ssh = w.attached.ssh.service;
    const id = await w.addSshdHost("tcp-from");
    try {
      const stream = await ssh.openTcp(id, { host: "127.0.0.1", port: w.sshd.port });
      const banner = await new Promise<string>((resolve) => stream.once("data", (d: Buffer) => resolve(d.toString("latin1"))));
      expect(banner).toMatch(/^SSH-2\.0-OpenSSH/);
      stream.destroy();
      await expect(ssh.openTcp(id, { host: "127.0.0.1", port: 1 })).rejects.toMatchObject({
        code: "HOST_ERR_SSH_CHANNEL_FAILED",
        message: expect.stringContaining("could not open 127.0.0.1:1"),
      });
      // A router's own coded error reaches the caller as it is, not flattened into "unreachable".
      const Refusals = defineErrors("ROUTE_TEST_ERR", { HOP_DOWN: { status: 502, message: "The hop is down." } });
      const router = ssh.registerRouter({
        route: (host) => {
          if (host.id === id) throw Refusals.create("ROUTE_TEST_ERR_HOP_DOWN", "through hop-a (10.0.0.2:22): the server refused the credentials");
          return undefined;
        },
      });
      try {
        ssh.drop(id);
        await vi.waitFor(() => expect(ssh.connections().some((c) => c.hostId === id)).toBe(false), { timeout: 5000 });
        await expect(ssh.exec(id, "true")).rejects.toMatchObject({
          code: "ROUTE_TEST_ERR_HOP_DOWN",
          message: "through hop-a (10.0.0.2:22): the server refused the credentials",
        });
      } finally {
        router.dispose();
      }
    } finally {
      expect((await w.api("DELETE", `/api/hosts/${id}`)).status).toBe(204);
    }
  });

  it("opens a unix socket on the SSH host (openUnix) and a command's stdin and stdout (openExec) as streams, bytes unchanged", async () => {
    const ssh = w.attached.ssh.service;
    const dir = mkdtempSync(join(tmpdir(), "an-unix-"));
    const socketPath = join(dir, "echo.sock");
    // A unix socket server that answers each line upper-cased, as an engine's socket would answer requests.
    const server = createNetServer((c) => c.on("data", (d: Buffer) => c.write(d.toString("latin1").toUpperCase())));
    await new Promise<void>((r) => server.listen(socketPath, r));
    const id = await w.addSshdHost("unix-from");
    try {
      const stream = await ssh.openUnix(id, { socketPath });
      const answer = new Promise<string>((resolve) => stream.once("data", (d: Buffer) => resolve(d.toString("latin1"))));
      stream.write("ping over streamlocal\n");
      expect(await answer).toBe("PING OVER STREAMLOCAL\n");
      stream.destroy();
      await expect(ssh.openUnix(id, { socketPath: join(dir, "missing.sock") })).rejects.toMatchObject({
        code: "HOST_ERR_SSH_CHANNEL_FAILED",
        message: expect.stringContaining("could not open unix:"),
      });
      await expect(ssh.openUnix(id, { socketPath: "relative.sock" })).rejects.toMatchObject({ code: "HOST_ERR_VALIDATION" });

      // Every byte value through cat and back, with no terminal in between to translate any of them.
      const cat = await ssh.openExec(id, "cat");
      const all = Buffer.from(Array.from({ length: 256 * 64 }, (_, i) => i % 256));
      const chunks: Buffer[] = [];
      cat.on("data", (d: Buffer) => chunks.push(d));
      const closed = new Promise<void>((r) => cat.once("close", () => r()));
      cat.end(all);
      await closed;
      expect(Buffer.concat(chunks).equals(all)).toBe(true);
      expect(cat.exitCode).toBe(0);

      const failing = await ssh.openExec(id, "echo 'docker: command not found' >&2; exit 127");
      await new Promise<void>((r) => failing.once("close", () => r()).resume());
      expect(failing.exitCode).toBe(127);
      expect(failing.stderrText).toBe("docker: command not found\n");
    } finally {
      server.close();
      rmSync(dir, { recursive: true, force: true });
      expect((await w.api("DELETE", `/api/hosts/${id}`)).status).toBe(204);
    }
  });

  it("asks registered routers for the connection's stream and stops asking once disposed", async () => {
    const ssh = w.attached.ssh.service;
    const id = await w.addSshdHost("routed");
    const asked: string[] = [];
    const router = ssh.registerRouter({
      route: (host) => {
        asked.push(host.name);
        return connect({ host: "127.0.0.1", port: w.sshd.port });
      },
    });
    expect((await ssh.exec(id, "echo routed")).stdout).toBe("routed\n");
    expect(asked).toEqual(["routed"]);
    router.dispose();
    ssh.drop(id);
    await vi.waitFor(() => expect(ssh.connections().some((c) => c.hostId === id)).toBe(false), { timeout: 5000 });
    expect((await ssh.exec(id, "echo direct")).stdout).toBe("direct\n");
    expect(asked).toEqual(["routed"]);
  });
});
