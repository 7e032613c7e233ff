import type { Writable } from "node:stream";
import cliProgress from "cli-progress";

/** What a command may touch: its streams, environment and working folder (tests pass their own). */
export interface CliIo {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** A progress reporter that draws a bar on a terminal and stays silent otherwise (or with --json). */
export interface Progress {
  update(done: number, total: number | undefined): void;
  stop(): void;
}

export function progressBar(io: CliIo, label: string, quiet: boolean): Progress {
  if (quiet || !io.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    { format: `${label} [{bar}] {percentage}% | {value}/{total} bytes`, stream: io.stderr as NodeJS.WriteStream, hideCursor: true, clearOnComplete: false },
    cliProgress.Presets.shades_classic,
  );
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total ?? done, 0);
        started = true;
      }
      if (total !== undefined) bar.setTotal(total);
      bar.update(done);
    },
    stop() {
      if (started) bar.stop();
    },
  };
}

export function line(stream: Writable, text = ""): void {
  stream.write(`${text}\n`);
}
