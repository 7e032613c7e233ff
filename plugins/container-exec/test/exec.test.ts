/**
 * Container shells through the terminal's own session socket against a real dockerd: the first shell the
 * container has, a chosen shell and user, resize reaching the container's tty, the exit code on exit, a
 * clear refusal for a container without a shell (or without the chosen one), the same through an SSH
 * source of Docker over SSH, and nothing without the license.
 */

import type { TestEngine } from "@archnest/docker/testing";
import { openSession, type SessionClient } from "@archnest/terminal/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { execHostId, type ShellChoice } from "../src/server.js";
import { addSource, engineWithContainers, type PluginHost, startPluginHost } from "./harness.js";

let h: PluginHost;
let engine: TestEngine;
let sid: string;
let open: SessionClient[] = [];

beforeAll(async () => {
  [engine, h] = await Promise.all([engineWithContainers(), startPluginHost({ licensed: ["container-exec", "multi-pane-terminal"] })]);
  sid = (await addSource(h, engine)).id;
}, 240_000);

afterEach(() => {
  for (const c of open) c.close();
  open = [];
});

afterAll(async () => {
  await h?.close();
  await engine?.cleanup();
});

async function shell(
  container: string,
  opts: { shell?: ShellChoice; user?: string; source?: string; cols?: number; rows?: number } = {},
): Promise<SessionClient> {
  const hostId = execHostId({ sourceId: opts.source ?? sid, containerId: container, name: container, shell: opts.shell ?? "auto", user: opts.user ?? "" });
  const c = await openSession(h.url, h.admin.cookie, { hostId, cols: opts.cols ?? 80, rows: opts.rows ?? 24 });
  open.push(c);
  return c;
}

const connected = (c: SessionClient) => c.waitForStatus((s) => s.state === "connected", 20_000);

describe("a shell in a container", () => {
  it("opens the first shell the container has, in the terminal's session, and takes input and resizes", async () => {
    const c = await shell("app", { cols: 90, rows: 20 });
    const status = await connected(c);
    expect(status).toMatchObject({ host: { name: "app (container on lab)", address: `unix://${engine.socketPath}` } });
    c.input("echo sum=$((6*7)); readlink -f /proc/$$/exe\r");
    await c.waitForText("sum=42");
    await c.waitForText("/bin/busybox");
    c.input("busybox stty size\r");
    await c.waitForText("20 90");
    c.resize(132, 40);
    c.input("busybox stty size\r");
    await c.waitForText("40 132");
    c.input("exit 3\r");
    expect(await c.waitForStatus((s) => s.state === "closed", 10_000)).toMatchObject({ state: "closed", reason: "exit", exitCode: 3 });
  });

  it("runs the chosen shell as the chosen user", async () => {
    const c0 = await shell("app", { shell: "/bin/sh" });
    await connected(c0);
    c0.close();
    const c = await shell("app", { shell: "/bin/sh", user: "1234:4321" });
    await connected(c);
    c.input("echo me=$(busybox id -u):$(busybox id -g)\r");
    await c.waitForText("me=1234:4321");
  });

  it("says so when the container has no shell, or not the one chosen, before a terminal opens", async () => {
    const none = await shell("distroless");
    expect(await none.waitForStatus((s) => s.state === "error", 20_000)).toMatchObject({
      code: "CONTAINER_EXEC_ERR_NO_SHELL",
      message: expect.stringContaining("No shell in distroless: it has no /bin/sh, /bin/ash or /bin/bash"),
    });
    const bash = await shell("app", { shell: "/bin/bash" });
    expect(await bash.waitForStatus((s) => s.state === "error", 20_000)).toMatchObject({
      code: "CONTAINER_EXEC_ERR_NO_SHELL",
      message: expect.stringContaining("it has no /bin/bash"),
    });
    const gone = await shell("no-such-container");
    expect(await gone.waitForStatus((s) => s.state === "error", 20_000)).toMatchObject({ code: "DOCKER_ERR_NOT_FOUND" });
  });

  it("works the same through an SSH source of Docker over SSH", async () => {
    h.entitlements.set(["container-exec", "multi-pane-terminal", "docker-over-ssh"]);
    await h.install(new URL("../../docker-over-ssh/", import.meta.url));
    const res = await h.request("/api/plugins/docker/sources", {
      method: "POST",
      json: { kind: "ssh", name: "over-ssh", hostId: h.hostId, socketPath: engine.socketPath },
    });
    expect(res.status, await res.clone().text()).toBe(201);
    const overSsh = ((await res.json()) as { id: string }).id;
    const c = await shell("app", { source: overSsh });
    expect(await connected(c)).toMatchObject({ host: { name: "app (container on over-ssh)" } });
    c.input("echo via=ssh-$((40+2))\r");
    await c.waitForText("via=ssh-42");
  });
});

describe("without the license", () => {
  it("opens no container shell", async () => {
    h.entitlements.set(["multi-pane-terminal", "docker-over-ssh"]);
    await expect
      .poll(async () => ((await (await h.request("/api/plugins")).json()) as { id: string; state: string }[]).find((p) => p.id === "container-exec")?.state, {
        timeout: 15_000,
      })
      .not.toBe("active");
    const c = await shell("app");
    const refused = await c.waitForStatus((s) => s.state === "error", 20_000);
    expect(refused.state).toBe("error");
    h.entitlements.set(["container-exec", "multi-pane-terminal", "docker-over-ssh"]);
  });
});
