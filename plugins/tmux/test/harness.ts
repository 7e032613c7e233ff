/**
 * The tmux plugin as a person meets it: the real host on a loopback port (the web app when asked), the
 * terminal and this plugin built, packed, signed and installed through the plugin API, and a real sshd
 * registered as an SSH host whose sessions keep their tmux server in a folder of the test's own (the
 * host's shared plugin harness). Commands "over plain ssh" go through OpenSSH's client with the sshd's key.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FolderPluginHost, pluginHarness, type TestSshd } from "@archnest/host/testing";
import { buildPlugin } from "@archnest/plugin-cli";

export type PluginHost = FolderPluginHost;

const harness = pluginHarness(new URL("..", import.meta.url), (dir) => buildPlugin(dir, { quiet: true }));
export const { shot } = harness;

/** OpenSSH client options for a test sshd: its key, no known_hosts, no agent or user config. */
export function sshArgs(sshd: TestSshd): string[] {
  return [
    "-F",
    "/dev/null",
    "-i",
    join(sshd.dir, "client_ed25519"),
    "-p",
    String(sshd.port),
    "-o",
    "StrictHostKeyChecking=no",
    "-o",
    "UserKnownHostsFile=/dev/null",
    "-o",
    "LogLevel=ERROR",
    "-o",
    "BatchMode=yes",
    `${sshd.user}@${sshd.host}`,
  ];
}

/** Runs a command on the sshd over plain `ssh`, as a person at a shell would. */
export function ssh(sshd: TestSshd, command: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile("ssh", [...sshArgs(sshd), command], { timeout: 20_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === "number" ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The host with this plugin, its sshd's sessions using a tmux socket folder of this test's own (so other
 * tests' and the machine's tmux servers stay out of sight), and a teardown that ends the tmux server it
 * started before stopping the host.
 */
export async function startPluginHost(opts: { web?: boolean; licensed?: string[]; registry?: boolean } = {}): Promise<PluginHost> {
  const tmuxDir = mkdtempSync(join(tmpdir(), "archnest-tmux-"));
  const h = await harness.startPluginHost({ licensed: ["tmux"], ...opts, sshd: { env: { TMUX_TMPDIR: tmuxDir } } }).catch((err) => {
    rmSync(tmuxDir, { recursive: true, force: true });
    throw err;
  });
  const close = h.close;
  return {
    ...h,
    async close() {
      await ssh(h.sshd, "tmux kill-server 2>/dev/null; true");
      await close();
      rmSync(tmuxDir, { recursive: true, force: true });
    },
  };
}
