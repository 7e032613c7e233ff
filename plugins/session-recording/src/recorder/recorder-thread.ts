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

/** The flag in `workerData` that makes a load of the plugin's server file serve recorders. */
export const RECORDER_THREAD_FLAG = "archnestSessionRecorder";

/** Output, input, resize ("COLSxROWS"). */
type Code = 0 | 1 | 2;
type Event = [id: number, code: Code, at: number, data: Uint8Array | string];
type ToThread =
  | { op: "open"; id: number; opts: Pick<SessionRecorderOptions, "file" | "meta" | "input">; at: number }
  | { op: "events"; events: Event[] }
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
      for (const [id, code, at, data] of m.events) {
        const r = recorders.get(id);
        if (!r) continue;
        r.clock.at = at;
        if (code === 0) r.tap.output?.(data as Uint8Array);
        else if (code === 1) r.tap.input?.(data as Uint8Array);
        else {
          const [cols, rows] = String(data).split("x").map(Number);
          r.tap.resize?.(cols ?? 0, rows ?? 0);
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
      resize: (cols, rows) => this.push(2, `${cols}x${rows}`),
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

  private push(code: Code, data: Uint8Array | string): void {
    if (this.done) return;
    // A copy in its own ArrayBuffer, which is transferred to the thread: the chunk may be a Node Buffer,
    // whose slice() is a view of a shared pool that must never be transferred (or reused under us).
    const copy = typeof data === "string" ? data : new Uint8Array(data);
    if (typeof copy !== "string") this.sent += copy.byteLength;
    this.thread.queue([this.id, code, performance.now(), copy]);
  }
}

/**
 * The recorder thread of a plugin instance, started with the first recording. Events are sent in one
 * message per event-loop turn, their buffers transferred rather than copied again. If the thread dies,
 * its recordings end with an error (files kept) and the next recording starts a new one.
 */
export class RecorderThread {
  private worker: Worker | undefined;
  private readonly live = new Map<number, ThreadRecorder>();
  private nextId = 1;
  private pending: Event[] = [];
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

  queue(event: Event): void {
    this.pending.push(event);
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
    if (this.pending.length === 0 || !this.worker) return;
    const events = this.pending;
    this.pending = [];
    const transfer = events.flatMap((e) => (typeof e[3] === "string" ? [] : [e[3].buffer as ArrayBuffer]));
    this.worker.postMessage({ op: "events", events } satisfies ToThread, transfer);
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
