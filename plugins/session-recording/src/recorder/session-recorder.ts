import { closeSync, openSync, statSync, writeSync } from "node:fs";
import type { PluginLogger } from "@archnest/sdk/plugin";
import type { SessionMeta, SessionTap } from "@archnest/terminal/service";
import { AsciicastWriter } from "../asciicast/index.js";

/** How a recording ended. */
export interface RecordingResult {
  durationMs: number;
  /** Bytes written to the file. */
  bytes: number;
  /** Set when a write error stopped it; what was written before stays in the file. */
  error?: string;
}

export interface SessionRecorderOptions {
  file: string;
  meta: SessionMeta;
  /** Write typed input ("i" events) too. */
  input: boolean;
  log: PluginLogger;
  /** Called once, after the file is closed. */
  onEnd(result: RecordingResult): void;
  /** Wall clock in ms (the header's timestamp, the duration). */
  now?: () => number;
  /** When each event happened, in ms on a monotonic clock; `performance.now` by default. */
  eventClock?: () => number;
}

/** What the recordings service drives, in this thread ({@link SessionRecorder}) or in the recorder thread. */
export interface Recorder {
  readonly startedAt: number;
  /** Bytes written so far (or handed to the recorder thread). */
  readonly bytes: number;
  readonly stopped: boolean;
  tap(onClosed: () => void): SessionTap;
  stop(): void;
}

/** Makes the recorder of one recording. */
export type RecorderFactory = (opts: SessionRecorderOptions) => Recorder;

/**
 * Records one terminal session to an asciicast v2 file. Lines are encoded into a batch buffer and written
 * with a plain write(2) when the batch is full or at the end of the event-loop turn, so a busy session
 * costs a few large writes and no copies or allocations per chunk. The writes are synchronous: the
 * plugin runs recorders in its recorder thread (recorder-thread.ts), where waiting for the disk
 * holds up no terminal. A write error (a full disk, a removed folder) stops this recording with a log
 * line; the session goes on.
 */
export class SessionRecorder implements Recorder {
  readonly startedAt: number;
  private readonly writer: AsciicastWriter;
  private readonly now: () => number;
  private fd: number | undefined;
  private scheduled = false;
  private written = 0;
  private ending = false;
  private failure: string | undefined;
  private endedCb = false;

  constructor(private readonly opts: SessionRecorderOptions) {
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    try {
      this.fd = openSync(opts.file, "a");
    } catch (err) {
      // Reported after the constructor returns, as a write error is: the caller has its handle by then.
      setImmediate(() => this.fail(err as Error));
    }
    this.writer = new AsciicastWriter(
      {
        width: opts.meta.cols,
        height: opts.meta.rows,
        timestamp: this.startedAt / 1000,
        title: `${opts.meta.hostName} — ${opts.meta.user.username}`,
        env: { TERM: "xterm-256color" },
      },
      { write: (bytes) => this.write(bytes), ...(opts.eventClock && { now: opts.eventClock }) },
    );
  }

  /** Bytes written so far, including what is gathered for the next write. */
  get bytes(): number {
    return this.written + this.writer.pending;
  }

  /** True once stopped (by a call to stop, the session's end or a write error). */
  get stopped(): boolean {
    return this.ending;
  }

  /** The tap to attach to the session. */
  tap(onClosed: () => void): SessionTap {
    return {
      marker: "recording",
      output: (chunk) => {
        if (this.ending) return;
        this.writer.output(chunk);
        this.schedule();
      },
      ...(this.opts.input && {
        input: (chunk: Uint8Array) => {
          if (this.ending) return;
          this.writer.input(chunk);
          this.schedule();
        },
      }),
      resize: (cols, rows) => {
        if (this.ending) return;
        this.writer.resize(cols, rows);
        this.schedule();
      },
      closed: () => onClosed(),
    };
  }

  /**
   * Finishes the file; the result arrives through `onEnd` once it is closed. `error` ends it as failed
   * (the recorder thread falling behind): what was written stays.
   */
  stop(error?: string): void {
    if (this.ending) return;
    this.ending = true;
    this.writer.close();
    this.closeFile();
    if (error !== undefined && !this.failure) {
      this.failure = error;
      this.opts.log.error("recording stopped; the session goes on", { session: this.opts.meta.id, file: this.opts.file, error });
    }
    setImmediate(() => this.finish());
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.ending) this.writer.flush();
    });
  }

  private write(bytes: Uint8Array): void {
    if (this.failure || this.fd === undefined) return;
    try {
      for (let at = 0; at < bytes.length; ) at += writeSync(this.fd, bytes, at);
      this.written += bytes.length;
    } catch (err) {
      this.fail(err as Error);
    }
  }

  private fail(err: Error): void {
    if (this.failure) return;
    this.failure = (err as NodeJS.ErrnoException).code ?? err.message;
    this.opts.log.error("recording stopped: writing its file failed; the session goes on", {
      session: this.opts.meta.id,
      file: this.opts.file,
      error: err.message,
    });
    this.ending = true;
    this.closeFile();
    this.finish();
  }

  private closeFile(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // Nothing more can reach the file; what it holds is the recording.
    }
  }

  private finish(): void {
    if (this.endedCb) return;
    this.endedCb = true;
    // After a failure the count may be ahead of or behind what reached the file; the file itself says.
    const bytes = this.failure ? sizeOf(this.opts.file) : this.written;
    this.opts.onEnd({ durationMs: Math.max(0, this.now() - this.startedAt), bytes, ...(this.failure && { error: this.failure }) });
  }
}

/** The size of a file, 0 when it cannot be read (the folder is gone, or it never was created). */
function sizeOf(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}
