/**
 * Container Exec: a shell in a running container, opened in ArchNest's own terminal. It registers the
 * `docker` shell source with the terminal (`terminal-sessions` service): a session whose host is
 * `docker:<target>` runs `docker exec` on a pseudo-terminal through the Docker plugin's connection to the
 * container's source (`docker-engines` service), so it has the terminal's client, binary protocol, flow
 * control, resize, and its recording and persistence when those modules are there; it works for every
 * source kind. A container without the chosen shell (or any shell) is refused with a clear message before
 * the terminal opens.
 */
import type { Duplex } from "node:stream";
import { DOCKER_ENGINES_SERVICE, type DockerEngines, type DockerExecSession } from "@archnest/docker/service";
import { type Disposable, defineErrors, definePlugin, type SshShell } from "@archnest/sdk/plugin";
import { type ShellSource, TERMINAL_SESSIONS_SERVICE, type TerminalSessionsService } from "@archnest/terminal/service";
import { type ExecTarget, PREFIX, parseTarget } from "./target.js";

export { type ExecTarget, execHostId, parseTarget, SHELLS, type ShellChoice } from "./target.js";

/** The plugin's error catalogue (README, "Errors"); codes are stable and never reused. */
export const ExecErrors = defineErrors("CONTAINER_EXEC_ERR", {
  BAD_TARGET: { status: 400, message: "The container shell's address is not valid.", hint: "Open the shell again from the Docker page." },
  NO_SHELL: {
    status: 409,
    message: "The container has no shell to run (or not the one chosen).",
    hint: "Pick another shell; images built FROM scratch or distroless have none.",
  },
  UNAVAILABLE: { status: 503, message: "The Docker plugin is not running.", hint: "Enable the Docker plugin." },
});

/**
 * Finds the first shell the container has, answering by exit code (10 + its index) so nothing depends on
 * reading a process's output before it is gone; `exec` itself fails (126) when even /bin/sh is missing.
 */
const CANDIDATES = ["/bin/bash", "/usr/bin/bash", "/bin/ash", "/bin/sh"];
const PROBE = `i=10; for s in ${CANDIDATES.join(" ")}; do [ -x $s ] && exit $i; i=$((i+1)); done; exit 1`;

/** Runs a short process and answers its exit code once it ended (polled: its stream may close first). */
async function run(engines: DockerEngines, t: ExecTarget, cmd: string[]): Promise<number | null> {
  const exec = await engines.exec(t.sourceId, t.containerId, { cmd, cols: 80, rows: 5, ...(t.user && { user: t.user }) });
  exec.stream.resume();
  try {
    for (const stopAt = Date.now() + 10_000; Date.now() < stopAt; ) {
      const code = await exec.exitCode();
      if (code !== null) return code;
      await new Promise((r) => setTimeout(r, 25));
    }
    return null;
  } finally {
    exec.stream.destroy();
  }
}

/** Which shell to start: the chosen one if the container has it, else (auto) the first it has. */
async function pickShell(engines: DockerEngines, t: ExecTarget): Promise<string> {
  const code = await run(engines, t, t.shell === "auto" ? ["/bin/sh", "-c", PROBE] : [t.shell, "-c", "exit 0"]);
  if (t.shell !== "auto" && code === 0) return t.shell;
  const found = code !== null ? CANDIDATES[code - 10] : undefined;
  if (t.shell === "auto" && found) return found;
  const why =
    t.shell === "auto" ? "it has no /bin/sh, /bin/ash or /bin/bash" : `it has no ${t.shell}, or ${t.shell} cannot run there (exit ${code ?? "unknown"})`;
  throw ExecErrors.create("CONTAINER_EXEC_ERR_NO_SHELL", `No shell in ${t.name}: ${why}. Images built FROM scratch or distroless have none.`);
}

/** A `docker exec` on a tty as the terminal's shell. */
function execShell(exec: DockerExecSession): SshShell {
  const stream: Duplex = exec.stream;
  let closed = false;
  let paused = false;
  const closeListeners = new Set<(info: { code: number | null; signal: string | null; reason: "exit" | "closed" | "disconnected" }) => void>();
  const end = (reason: "exit" | "closed" | "disconnected") => {
    if (closed) return;
    closed = true;
    void (async () => {
      const code = reason === "closed" ? null : await exec.exitCode().catch(() => null);
      const info = { code, signal: null, reason: reason === "exit" && code === null ? ("disconnected" as const) : reason };
      for (const l of [...closeListeners]) l(info);
    })();
  };
  // A process that ended before this shell was made (its stream already gone) ends it at once.
  if (stream.readableEnded || stream.destroyed) end("exit");
  stream.once("end", () => end("exit"));
  stream.once("close", () => end("exit"));
  stream.once("error", () => end("disconnected"));
  const off = (d: Disposable["dispose"]): Disposable => ({ dispose: d });
  return {
    write: (data) => (closed ? false : stream.write(data)),
    onData(listener) {
      const on = (d: Buffer) => listener(d);
      stream.on("data", on);
      // The exec's stream starts paused so the first output (the prompt) waits for this listener.
      if (!paused) stream.resume();
      return off(() => void stream.off("data", on));
    },
    onClose(listener) {
      closeListeners.add(listener);
      return off(() => void closeListeners.delete(listener));
    },
    resize: (cols, rows) => void exec.resize(cols, rows).catch(() => undefined),
    pause: () => {
      paused = true;
      stream.pause();
    },
    resume: () => {
      paused = false;
      stream.resume();
    },
    get closed() {
      return closed;
    },
    close() {
      if (closed) return;
      end("closed");
      stream.destroy();
    },
  };
}

export default definePlugin({
  setup(ctx) {
    const terminal = ctx.services.consume<TerminalSessionsService>(TERMINAL_SESSIONS_SERVICE);
    if (!terminal) throw new Error("the terminal plugin's terminal-sessions service is not available");
    const engines = (): DockerEngines => {
      const service = ctx.services.consume<DockerEngines>(DOCKER_ENGINES_SERVICE);
      if (!service) throw ExecErrors.create("CONTAINER_EXEC_ERR_UNAVAILABLE");
      return service;
    };
    const targetOf = (value: string): ExecTarget => {
      const t = parseTarget(value);
      if (!t) throw ExecErrors.create("CONTAINER_EXEC_ERR_BAD_TARGET");
      return t;
    };
    const source: ShellSource = {
      prefix: PREFIX,
      async describe(value) {
        const t = targetOf(value);
        const src = (await engines().sources()).find((s) => s.id === t.sourceId);
        if (!src) throw Object.assign(new Error(`No Docker source "${t.sourceId}".`), { code: "DOCKER_ERR_SOURCE_NOT_FOUND" });
        return { name: `${t.name} (container on ${src.name})`, address: src.address, user: t.user || "the image's user" };
      },
      async open(value, { cols, rows, user }) {
        const t = targetOf(value);
        const shell = await pickShell(engines(), t);
        const exec = await engines().exec(t.sourceId, t.containerId, {
          cmd: [shell],
          cols,
          rows,
          env: ["TERM=xterm-256color"],
          ...(t.user && { user: t.user }),
        });
        ctx.log.info("container shell opened", { source: t.sourceId, container: t.name, shell, as: t.user || "image user", by: user.username });
        return execShell(exec);
      },
    };
    const registration = terminal.registerShellSource(source);
    ctx.onDispose(() => registration.dispose());
  },
});
