import { describe, expect, it } from "vitest";
import { createTestContext } from "../testing/index.js";
import { definePlugin, isSshError, type PluginContext } from "./index.js";

describe("ctx.ssh in the test context", () => {
  const capture = () => {
    let ctx: PluginContext | undefined;
    const plugin = definePlugin({
      setup(c) {
        ctx = c;
      },
    });
    return { plugin, get: () => ctx as PluginContext };
  };

  it("refuses every member without its permission with SDK_ERR_CAPABILITY_UNDECLARED", async () => {
    const p = capture();
    await createTestContext(p.plugin, {
      permissions: ["storage"],
      ssh: { exec: async () => ({ code: 0, signal: null, stdout: "", stderr: "", truncated: false }) },
    });
    const ssh = p.get().ssh;
    const calls: [string, () => unknown][] = [
      ["hosts:read", () => ssh.hosts()],
      ["hosts:read", () => ssh.onHostsChanged(() => undefined)],
      ["ssh:exec", () => ssh.exec("h", "true")],
      ["ssh:shell", () => ssh.shell("h", { cols: 80, rows: 24 })],
      ["ssh:sftp", () => ssh.sftp("h")],
      ["ssh:forward", () => ssh.forwardLocal("h", { bindPort: 0, targetHost: "127.0.0.1", targetPort: 80 })],
      ["ssh:forward", () => ssh.forwardRemote("h", { remoteBindPort: 0, targetHost: "127.0.0.1", targetPort: 80 })],
      ["ssh:route", () => ssh.registerRouter({ route: () => undefined })],
      ["ssh:forward", () => ssh.openTcp("h", { host: "10.0.0.2", port: 22 })],
    ];
    for (const [permission, call] of calls) {
      const err = await Promise.resolve()
        .then(call)
        .then(
          () => undefined,
          (e: unknown) => e,
        );
      expect(err, permission).toMatchObject({ code: "SDK_ERR_CAPABILITY_UNDECLARED" });
      expect((err as Error).message).toContain(permission);
    }
  });

  it("delegates to the given implementation once permitted, disposes subscriptions with the context, and names what is missing", async () => {
    const p = capture();
    let listeners = 0;
    const t = await createTestContext(p.plugin, {
      permissions: ["hosts:read", "ssh:exec", "ssh:sftp"],
      ssh: {
        hosts: async () => [{ id: "h1", name: "one", address: "10.0.0.1", port: 22, user: "u", tags: [], authMethod: "key", fingerprint: null }],
        exec: async (_h, command) => ({ code: 0, signal: null, stdout: `ran ${command}`, stderr: "", truncated: false }),
        onHostsChanged: () => {
          listeners += 1;
          return {
            dispose: () => {
              listeners -= 1;
            },
          };
        },
      },
    });
    const ssh = p.get().ssh;
    expect((await ssh.hosts()).map((h) => h.name)).toEqual(["one"]);
    expect((await ssh.exec("h1", "uptime")).stdout).toBe("ran uptime");
    ssh.onHostsChanged(() => undefined);
    expect(listeners).toBe(1);
    await expect(ssh.sftp("h1")).rejects.toMatchObject({ code: "SDK_ERR_SERVICE_UNAVAILABLE" });
    await t.dispose();
    expect(listeners).toBe(0);
  });
});

describe("isSshError", () => {
  it("recognises the host's SSH and SFTP codes and nothing else", () => {
    const coded = (code: string) => Object.assign(new Error("x"), { code });
    expect(isSshError(coded("HOST_ERR_SSH_UNREACHABLE"))).toBe(true);
    expect(isSshError(coded("HOST_ERR_SFTP_NO_SUCH_FILE"))).toBe(true);
    expect(isSshError(coded("HOST_ERR_HOST_KEY_CHANGED"))).toBe(true);
    expect(isSshError(coded("HOST_ERR_HOST_KEY_UNTRUSTED"))).toBe(true);
    expect(isSshError(coded("HOST_ERR_PLUGIN_NOT_FOUND"))).toBe(false);
    expect(isSshError(coded("SDK_ERR_CAPABILITY_UNDECLARED"))).toBe(false);
    expect(isSshError({ code: "HOST_ERR_SSH_UNREACHABLE" })).toBe(false);
    expect(isSshError(new Error("plain"))).toBe(false);
  });
});
