import { createWriteStream, statSync, type WriteStream } from "node:fs";
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

/** Lines are handed to the file in batches of about this size, or at the end of the event loop turn. */
const BATCH_BYTES = 256 * 1024;
/**
 * Unwritten bytes the stream may hold before the recording gives up: a disk that cannot keep up must not
 * grow the host's memory without bound, and the session itself is never slowed to wait for it.
 */
const MAX_BACKLOG_BYTES = 32 * 1024 * 1024;

/**
 * Records one terminal session to an asciicast v2 file through a buffered append stream. The tap it
 * hands the terminal only formats and queues: file IO happens on the stream, so the terminal never waits
 * for the disk. A write error (a full disk, a removed folder) stops this recording with a log line; the
 * session goes on.
 */
export class SessionRecorder implements Recorder {
  readonly startedAt: number;
  private readonly stream: WriteStream;
  private readonly writer: AsciicastWriter;
  private readonly now: () => number;
  private pending: string[] = [];
  private pendingLength = 0;
  private scheduled = false;
  private written = 0;
  private ending = false;
  private failure: string | undefined;
  private endedCb = false;

  constructor(private readonly opts: SessionRecorderOptions) {
    this.now = opts.now ?? Date.now;
    this.startedAt = this.now();
    this.stream = createWriteStream(opts.file, { flags: "a", highWaterMark: BATCH_BYTES });
    this.stream.on("error", (err) => this.fail(err));
    this.writer = new AsciicastWriter(
      {
        width: opts.meta.cols,
        height: opts.meta.rows,
        timestamp: this.startedAt / 1000,
        title: `${opts.meta.hostName} — ${opts.meta.user.username}`,
        env: { TERM: "xterm-256color" },
      },
      { write: (lines) => this.queue(lines), ...(opts.eventClock && { now: opts.eventClock }) },
    );
  }

  /** Bytes written so far, including what is queued. */
  get bytes(): number {
    return this.written + this.pendingLength;
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
        if (!this.ending) this.writer.output(chunk);
      },
      ...(this.opts.input && {
        input: (chunk: Uint8Array) => {
          if (!this.ending) this.writer.input(chunk);
        },
      }),
      resize: (cols, rows) => {
        if (!this.ending) this.writer.resize(cols, rows);
      },
      closed: () => onClosed(),
    };
  }

  /** Finishes the file; the result arrives through `onEnd` once it is on disk. */
  stop(): void {
    if (this.ending) return;
    this.ending = true;
    this.writer.close();
    this.flush();
    this.stream.end(() => this.finish());
  }

  private queue(lines: string): void {
    this.pending.push(lines);
    // Counted as UTF-16 units here; the exact byte count is taken when the batch is handed to the stream.
    this.pendingLength += lines.length;
    if (this.pendingLength >= BATCH_BYTES) this.flush();
    else if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (this.pending.length === 0 || this.failure) return;
    // Encoded once here: the count and the stream take the same bytes.
    const batch = Buffer.from(this.pending.join(""), "utf8");
    this.pending = [];
    this.pendingLength = 0;
    this.written += batch.length;
    this.stream.write(batch);
    if (this.stream.writableLength > MAX_BACKLOG_BYTES) this.fail(new Error(`the disk is not keeping up (${MAX_BACKLOG_BYTES} bytes waiting)`));
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
    this.pending = [];
    this.pendingLength = 0;
    this.stream.destroy();
    this.finish();
  }

  private finish(): void {
    if (this.endedCb) return;
    this.endedCb = true;
    // After a failure the stream's count may lag what reached the file; the file itself says.
    const bytes = this.failure ? sizeOf(this.opts.file) : this.stream.bytesWritten;
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
