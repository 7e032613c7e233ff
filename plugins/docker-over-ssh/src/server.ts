/**
 * Docker over SSH: the `ssh` transport of the Docker plugin. A source of kind `ssh` names an SSH host of
 * this install and the engine's socket on it; each engine connection is a stream over that host's pooled
 * SSH connection (so through its jump hosts too), either the socket itself forwarded (stream-local
 * forwarding) or the docker CLI's `docker system dial-stdio`, as `docker -H ssh://` does, for servers that
 * forbid forwarding. No TCP port is exposed on the host.
 *
 * Without the license the plugin stays loaded (`unlicensed: "read-only"`): SSH sources stay listed and
 * their containers readable, while the Docker plugin answers changes to them with this module's 402.
 */
import { Duplex } from "node:stream";
import { DOCKER_TRANSPORTS_SERVICE, type DockerSshTarget, type DockerTransports } from "@archnest/docker/service";
import { defineErrors, definePlugin, isSshError, type PluginContext, type SshExecStream } from "@archnest/sdk/plugin";

export const MODULE = "docker-over-ssh";

/** The plugin's error catalogue (README, "Errors"); codes are stable and never reused. */
export const DockerSshErrors = defineErrors("DOCKER_SSH_ERR", {
  CLI_FAILED: {
    status: 502,
    message: "`docker system dial-stdio` failed on the SSH host (no docker CLI there, or it cannot reach the engine's socket).",
    hint: "Install the docker CLI on the host, check the socket path and that the SSH user may use it, or reach the socket by forwarding.",
  },
  TIMEOUT: { status: 504, message: "The engine's connection over SSH did not open in time.", hint: "Check the SSH host and its engine." },
});

/** Quotes a word for a POSIX shell. */
function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The command's stream as the engine's connection: bytes pass as they are, and a command that exits with
 * a failure ends the connection with an error quoting what it wrote to standard error, so the page says
 * "docker: command not found" rather than "socket hang up".
 */
function cliConnection(exec: SshExecStream, host: string): Duplex {
  const conn = new Duplex({
    write(chunk, _enc, done) {
      exec.write(chunk, done);
    },
    final(done) {
      exec.end();
      done();
    },
    read() {
      exec.resume();
    },
    destroy(err, done) {
      exec.destroy();
      done(err);
    },
  });
  exec.on("data", (d: Buffer) => {
    if (!conn.push(d)) exec.pause();
  });
  exec.once("close", () => {
    const code = exec.exitCode;
    if (code !== null && code !== 0) {
      const why = exec.stderrText.trim().split("\n").slice(-3).join(" ").slice(0, 500);
      conn.destroy(DockerSshErrors.create("DOCKER_SSH_ERR_CLI_FAILED", `docker system dial-stdio on ${host} exited with ${code}${why ? `: ${why}` : ""}.`));
    } else conn.push(null);
  });
  return conn;
}

/** Opens one engine connection for a source, within `timeoutMs`. */
export async function connectEngine(ssh: PluginContext["ssh"], target: DockerSshTarget, timeoutMs: number): Promise<Duplex> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  const timedOut = (err: unknown) =>
    controller.signal.aborted ? DockerSshErrors.create("DOCKER_SSH_ERR_TIMEOUT", `The engine's connection over SSH did not open within ${timeoutMs} ms.`) : err;
  try {
    if (target.via !== "cli") {
      try {
        return await ssh.openUnix(target.hostId, { socketPath: target.socketPath, signal: controller.signal });
      } catch (err) {
        // The server refused the forward (AllowStreamLocalForwarding no, or no such socket): `auto` tries the CLI.
        if (target.via === "socket" || !isSshError(err) || err.code !== "HOST_ERR_SSH_CHANNEL_FAILED") throw timedOut(err);
      }
    }
    const command = `docker -H ${shellQuote(`unix://${target.socketPath}`)} system dial-stdio`;
    const exec = await ssh.openExec(target.hostId, command, { signal: controller.signal }).catch((err: unknown) => {
      throw timedOut(err);
    });
    return cliConnection(exec, target.hostName);
  } finally {
    clearTimeout(timer);
  }
}

export default definePlugin({
  setup(ctx) {
    const transports = ctx.services.consume<DockerTransports>(DOCKER_TRANSPORTS_SERVICE);
    if (!transports) {
      ctx.log.warn("the Docker plugin's docker-transports service is not available; SSH sources stay unreachable");
      return;
    }
    const registration = transports.register({
      kind: "ssh",
      module: MODULE,
      targets: async () => (await ctx.ssh.hosts()).map((h) => ({ id: h.id, name: h.name, address: `${h.user}@${h.address}:${h.port}` })),
      connect: (target, { timeoutMs }) => connectEngine(ctx.ssh, target, timeoutMs),
    });
    ctx.onDispose(() => registration.dispose());
  },
});
