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

/** A batch's bytes: more output sends several; a chunk larger than this goes alone. */
const BATCH_BYTES = 256 * 1024;
/**
 * A batch that is not full goes this long after its first event. Waking the thread for every turn of a
 * busy session cost more than the formatting; a recording is read only after it ends (stop sends at once).
 */
const SEND_AFTER_MS = 20;
/** Events a batch's index holds. */
const BATCH_EVENTS = 1024;
/** Batches the thread handed back that are kept for reuse. */
const POOL = 8;
/**
 * Bytes sent to the thread and not yet handed back. Past this the thread (or the disk under it) is not
 * keeping up: its recordings end with an error rather than grow the host's memory without bound, and
 * the sessions are never slowed to wait for them.
 */
const MAX_IN_FLIGHT = 32 * 1024 * 1024;

/** The flag in `workerData` that makes a load of the plugin's server file serve recorders. */
export const RECORDER_THREAD_FLAG = "archnestSessionRecorder";

/** Output, input, resize (its size in the data: cols then rows, two u16). */
type Code = 0 | 1 | 2;
/**
 * Output (or input) chunks of one recording less than this apart are written as one event, at the first
 * one's time. Playback cannot show the difference (a frame lasts 16 ms), and a busy session's 1–4 KiB
 * chunks cost the thread less as a few large events: formatting is paid per event.
 */
const MERGE_MS = 8;
/**
 * A merged event's most bytes. Larger ones cost more than they save: their strings are past V8's
 * large-object size, each one mapped and unmapped.
 */
const MERGE_BYTES = 16 * 1024;
/** Numbers per event in a batch's index: recording id, code, time, offset and length in the batch's bytes. */
const FIELDS = 5;
/**
 * A batch of events: their bytes copied one after another into one buffer, and an index of numbers. Two
 * transferred buffers per batch, however many chunks: structured cloning an array of small buffers (and
 * transferring each) cost the host's thread more than the copy itself. The thread hands both back once
 * the events are written (`free`), so the same few buffers go round and nothing is allocated per batch.
 */
type Batch = { index: Float64Array<ArrayBuffer>; bytes: Uint8Array<ArrayBuffer> };
type ToThread =
  | { op: "open"; id: number; opts: Pick<SessionRecorderOptions, "file" | "meta" | "input">; at: number }
  | ({ op: "events"; count: number; used: number } & Batch)
  | { op: "stop"; id: number; error?: string };
type FromThread =
  | { op: "ended"; id: number; result: RecordingResult }
  | ({ op: "free"; used: number } & Batch)
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
      for (let i = 0; i < m.count; ) {
        const base = i * FIELDS;
        const id = index[base] as number;
        const code = index[base + 1];
        const at = index[base + 2] as number;
        const offset = index[base + 3] as number;
        let end = offset + (index[base + 4] as number);
        // The same recording's next chunks of the same kind within MERGE_MS, up to MERGE_BYTES: their bytes
        // follow on in the batch, so they are one event over one view.
        for (i++; i < m.count && code !== 2; i++) {
          const next = i * FIELDS;
          if (index[next] !== id || index[next + 1] !== code || (index[next + 2] as number) - at > MERGE_MS || index[next + 3] !== end) break;
          if (end - offset + (index[next + 4] as number) > MERGE_BYTES) break;
          end += index[next + 4] as number;
        }
        const r = recorders.get(id);
        if (!r) continue;
        const data = bytes.subarray(offset, end);
        r.clock.at = at;
        if (code === 0) r.tap.output?.(data);
        else if (code === 1) r.tap.input?.(data);
        else {
          const size = new DataView(data.buffer, data.byteOffset, 4);
          r.tap.resize?.(size.getUint16(0), size.getUint16(2));
        }
      }
      // Every event is in a writer's batch now (decoded, copied): the buffers go back for reuse.
      port.postMessage({ op: "free", index, bytes, used: m.used } satisfies FromThread, [index.buffer, bytes.buffer]);
    } else recorders.get(m.id)?.recorder.stop(m.error);
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

  stop(error?: string): void {
    if (this.done) return;
    this.done = true;
    this.thread.stop(this.id, error);
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
 * message per {@link BATCH_BYTES} (or {@link SEND_AFTER_MS} after the first), their bytes in one buffer
 * and an index, both transferred, and handed back for reuse once written. If the thread dies, its
 * recordings end with an error (files kept) and the next recording starts a new one.
 */
export class RecorderThread {
  private worker: Worker | undefined;
  private readonly live = new Map<number, ThreadRecorder>();
  private nextId = 1;
  // The batch being filled: the chunks' bytes, copied in as they come (the chunk may be a view of a pool the
  // terminal keeps using), and their index. Sent when full or SEND_AFTER_MS after its first event.
  private batch: Batch | undefined;
  private used = 0;
  private count = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly pool: Batch[] = [];
  private inFlight = 0;

  constructor(
    private readonly script: URL,
    private readonly log: PluginLogger,
    /** Bytes waiting for the thread that end its recordings; {@link MAX_IN_FLIGHT} by default. */
    private readonly maxInFlight = MAX_IN_FLIGHT,
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
    if (length > BATCH_BYTES) {
      // Alone, in buffers of its own size (not kept for reuse).
      this.flush();
      this.batch = { index: new Float64Array(FIELDS), bytes: new Uint8Array(length) };
    } else if (this.used + length > BATCH_BYTES || this.count === BATCH_EVENTS) this.flush();
    this.batch ??= this.pool.pop() ?? { index: new Float64Array(FIELDS * BATCH_EVENTS), bytes: new Uint8Array(BATCH_BYTES) };
    const { index, bytes } = this.batch;
    bytes.set(data, this.used);
    const base = this.count * FIELDS;
    index[base] = id;
    index[base + 1] = code;
    index[base + 2] = performance.now();
    index[base + 3] = this.used;
    index[base + 4] = length;
    this.count++;
    this.used += length;
    if (length > BATCH_BYTES) this.flush();
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), SEND_AFTER_MS);
    this.timer.unref();
  }

  stop(id: number, error?: string): void {
    this.flush();
    this.worker?.postMessage({ op: "stop", id, ...(error !== undefined && { error }) } satisfies ToThread);
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
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch;
    if (!batch || this.count === 0) return;
    const { count, used } = this;
    this.batch = undefined;
    this.used = 0;
    this.count = 0;
    if (!this.worker) return;
    this.worker.postMessage({ op: "events", ...batch, count, used } satisfies ToThread, [batch.index.buffer, batch.bytes.buffer]);
    this.inFlight += used;
    if (this.inFlight > this.maxInFlight) this.behind();
  }

  /** A batch came back written. */
  private freed(batch: Batch, used: number): void {
    this.inFlight -= used;
    if (batch.bytes.byteLength === BATCH_BYTES && this.pool.length < POOL) this.pool.push({ index: batch.index, bytes: batch.bytes });
  }

  /** The thread is more than `maxInFlight` bytes behind: its recordings end (what reached the files stays). */
  private behind(): void {
    if (this.live.size === 0) return;
    this.log.error("the recorder thread is not keeping up; its recordings end here, their files kept", { waitingBytes: this.inFlight });
    for (const r of [...this.live.values()]) r.stop("RECORDER_BEHIND");
  }

  private start(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(this.script, { workerData: { [RECORDER_THREAD_FLAG]: true } });
    worker.unref();
    worker.on("message", (m: FromThread) => {
      if (m.op === "free") this.freed(m, m.used);
      else if (m.op === "log") this.log[m.level](m.message, m.fields);
      else {
        const r = this.live.get(m.id);
        this.live.delete(m.id);
        r?.ended(m.result);
      }
    });
    const lost = (why: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.inFlight = 0;
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
