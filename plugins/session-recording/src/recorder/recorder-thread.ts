/**
 * Recording off the terminal's thread. Turning 100 MB of output into asciicast (UTF-8 decoding, JSON
 * escaping, encoding, writing) costs over a second of CPU; done in the host's event loop it would slow
 * every terminal on the host. The tap on the main thread only copies each chunk and notes its time; a
 * worker thread running this same file formats and writes it with {@link SessionRecorder}.
 */
import { type MessagePort, Worker } from "node:worker_threads";
import type { PluginLogger } from "@archnest/sdk/plugin";
import type { SessionTap } from "@archnest/terminal/service";
import { type Recorder, type RecorderFactory, type RecordingResult, SessionRecorder, type SessionRecorderOptions } from "./session-recorder.js";

/** A turn's batch buffer starts at this size, grows as needed, and the next starts at most at the max. */
const BATCH_START = 64 * 1024;
const BATCH_MAX = 4 * 1024 * 1024;

/** The flag in `workerData` that makes a load of the plugin's server file serve recorders. */
export const RECORDER_THREAD_FLAG = "archnestSessionRecorder";

/** Output, input, resize (its size in the data: cols then rows, two u16). */
type Code = 0 | 1 | 2;
/** Numbers per event in a batch's index: recording id, code, time, offset and length in the batch's bytes. */
const FIELDS = 5;
/**
 * One event-loop turn's events: their bytes copied one after another into one buffer, and an index of
 * numbers. Two transferred buffers per turn, however many chunks: structured cloning an array of small
 * buffers (and transferring each) cost the host's thread more than the copy itself.
 */
type ToThread =
  | { op: "open"; id: number; opts: Pick<SessionRecorderOptions, "file" | "meta" | "input">; at: number }
  | { op: "events"; index: Float64Array; bytes: Uint8Array; count: number }
  | { op: "stop"; id: number };
type FromThread =
  | { op: "ended"; id: number; result: RecordingResult }
  | { op: "log"; level: "info" | "warn" | "error"; message: string; fields: Record<string, unknown> };

/** The worker's side: one {@link SessionRecorder} per recording, fed the events with the times they happened. */
export function serveRecorders(port: MessagePort): void {
  const recorders = new Map<number, { recorder: SessionRecorder; tap: SessionTap; clock: { at: number } }>();
  const send = (m: FromThread) => port.postMessage(m);
  const log =
    (level: "info" | "warn" | "error") =>
    (message: string, fields: Record<string, unknown> = {}) =>
      send({ op: "log", level, message, fields });
  const logger: PluginLogger = { debug() {}, info: log("info"), warn: log("warn"), error: log("error") };
  port.on("message", (m: ToThread) => {
    if (m.op === "open") {
      const clock = { at: m.at };
      const recorder = new SessionRecorder({
        ...m.opts,
        log: logger,
        eventClock: () => clock.at,
        onEnd: (result) => {
          recorders.delete(m.id);
          send({ op: "ended", id: m.id, result });
        },
      });
      recorders.set(m.id, { recorder, tap: recorder.tap(() => undefined), clock });
    } else if (m.op === "events") {
      const { index, bytes } = m;
      for (let i = 0; i < m.count; i++) {
        const base = i * FIELDS;
        const r = recorders.get(index[base] as number);
        if (!r) continue;
        const code = index[base + 1];
        const offset = index[base + 3] as number;
        const data = bytes.subarray(offset, offset + (index[base + 4] as number));
        r.clock.at = index[base + 2] as number;
        if (code === 0) r.tap.output?.(data);
        else if (code === 1) r.tap.input?.(data);
        else {
          const size = new DataView(data.buffer, data.byteOffset, 4);
          r.tap.resize?.(size.getUint16(0), size.getUint16(2));
        }
      }
    } else recorders.get(m.id)?.recorder.stop();
  });
}

/** One recording as the main thread sees it: its tap queues copies of the traffic for the recorder thread. */
class ThreadRecorder implements Recorder {
  readonly startedAt = Date.now();
  private sent = 0;
  private done = false;

  constructor(
    private readonly thread: RecorderThread,
    readonly id: number,
    readonly opts: SessionRecorderOptions,
  ) {}

  get bytes(): number {
    return this.sent;
  }

  get stopped(): boolean {
    return this.done;
  }

  tap(onClosed: () => void): SessionTap {
    return {
      marker: "recording",
      output: (chunk) => this.push(0, chunk),
      ...(this.opts.input && { input: (chunk: Uint8Array) => this.push(1, chunk) }),
      resize: (cols, rows) => {
        const size = new Uint8Array(4);
        const view = new DataView(size.buffer);
        view.setUint16(0, Math.max(0, Math.min(65535, cols)));
        view.setUint16(2, Math.max(0, Math.min(65535, rows)));
        this.push(2, size);
      },
      closed: () => onClosed(),
    };
  }

  stop(): void {
    if (this.done) return;
    this.done = true;
    this.thread.stop(this.id);
  }

  /** The thread ended it (its file closed, or a write error). */
  ended(result: RecordingResult): void {
    this.done = true;
    this.opts.onEnd(result);
  }

  private push(code: Code, data: Uint8Array): void {
    if (this.done) return;
    if (code !== 2) this.sent += data.byteLength;
    this.thread.queue(this.id, code, data);
  }
}

/**
 * The recorder thread of a plugin instance, started with the first recording. Events are sent in one
 * message per event-loop turn: their bytes in one buffer and an index, both transferred, not copied again. If the thread dies,
 * its recordings end with an error (files kept) and the next recording starts a new one.
 */
export class RecorderThread {
  private worker: Worker | undefined;
  private readonly live = new Map<number, ThreadRecorder>();
  private nextId = 1;
  // This turn's batch: the chunks' bytes, copied in as they come (the chunk may be a view of a pool the
  // terminal keeps using), and their index. Both are handed over, and new ones made, at the turn's end.
  private bytes = new Uint8Array(BATCH_START);
  private used = 0;
  private index = new Float64Array(FIELDS * 64);
  private count = 0;
  private scheduled = false;

  constructor(
    private readonly script: URL,
    private readonly log: PluginLogger,
  ) {}

  /** The factory the recordings service uses. */
  readonly factory: RecorderFactory = (opts) => {
    const worker = this.start();
    const r = new ThreadRecorder(this, this.nextId++, opts);
    this.live.set(r.id, r);
    worker.postMessage({ op: "open", id: r.id, opts: { file: opts.file, meta: opts.meta, input: opts.input }, at: performance.now() } satisfies ToThread);
    return r;
  };

  queue(id: number, code: Code, data: Uint8Array): void {
    const length = data.byteLength;
    if (this.used + length > this.bytes.byteLength) {
      const grown = new Uint8Array(Math.max(this.bytes.byteLength * 2, this.used + length));
      grown.set(this.bytes.subarray(0, this.used));
      this.bytes = grown;
    }
    this.bytes.set(data, this.used);
    if ((this.count + 1) * FIELDS > this.index.length) {
      const grown = new Float64Array(this.index.length * 2);
      grown.set(this.index);
      this.index = grown;
    }
    const base = this.count * FIELDS;
    this.index[base] = id;
    this.index[base + 1] = code;
    this.index[base + 2] = performance.now();
    this.index[base + 3] = this.used;
    this.index[base + 4] = length;
    this.count++;
    this.used += length;
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.flush());
  }

  stop(id: number): void {
    this.flush();
    this.worker?.postMessage({ op: "stop", id } satisfies ToThread);
  }

  /** Stops every recording (their files closed), then the thread. */
  async dispose(): Promise<void> {
    const worker = this.worker;
    if (!worker) return;
    for (const r of [...this.live.values()]) r.stop();
    const deadline = Date.now() + 5000;
    while (this.live.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    this.worker = undefined;
    await worker.terminate();
  }

  private flush(): void {
    this.scheduled = false;
    if (this.count === 0) return;
    const { index, bytes, count, used } = this;
    // The next batch starts at about this one's size: a busy session's turns are alike.
    this.bytes = new Uint8Array(Math.min(BATCH_MAX, Math.max(BATCH_START, used)));
    this.index = new Float64Array(Math.max(FIELDS * 64, index.length));
    this.used = 0;
    this.count = 0;
    if (!this.worker) return;
    this.worker.postMessage({ op: "events", index, bytes: bytes.subarray(0, used), count } satisfies ToThread, [index.buffer, bytes.buffer]);
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: { [RECORDER_THREAD_FLAG]: true } });
    worker.unref();
    worker.on("message", (m: FromThread) => {
      if (m.op === "log") this.log[m.level](m.message, m.fields);
      else {
        const r = this.live.get(m.id);
        this.live.delete(m.id);
        r?.ended(m.result);
      }
    });
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.log.error("the recorder thread stopped; its recordings end here, their files kept", { error: why });
      for (const r of [...this.live.values()]) r.ended({ durationMs: Date.now() - r.startedAt, bytes: r.bytes, error: "RECORDER_THREAD_STOPPED" });
      this.live.clear();
    };
    worker.on("error", (err) => lost(String(err)));
    worker.on("exit", (code) => lost(`exit ${code}`));
    this.worker = worker;
    return worker;
  }
}
