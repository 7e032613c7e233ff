/**
 * Server-side output path of one terminal session: coalesces the shell's output into frames and keeps
 * the bytes in flight bounded (docs/architecture.md section 5).
 *
 * Coalescing: output after a quiet spell leaves at once (a keystroke's echo is never delayed), then a
 * window of `coalesceMs` opens; once more than a few hundred bytes went out in it, what arrives inside
 * it leaves as one frame when it ends (or as soon as `maxFrameBytes` are pending), and the window stays
 * open while output keeps coming. A busy shell thus costs one WebSocket message per few milliseconds
 * instead of one per write, while typing stays unbatched.
 *
 * Flow control: `unacked` counts output bytes sent but not yet acknowledged by the browser, which acks
 * after xterm.js has parsed them. When `unacked + pending` reaches the high-water mark (or the socket's
 * own send queue does) the shell is paused, so the SSH window fills and the remote side stops writing.
 * Frames go out only while `unacked` is below the high-water mark, which bounds `unacked` by the
 * high-water mark plus one frame. The shell resumes once everything in flight falls to the low-water mark.
 */
import { encodeOutput } from "../protocol/index.js";

/**
 * Output smaller than this within one window is sent at once even while the window is open: a person
 * typing fast gets every echo immediately, and only bulk output is batched.
 */
const INTERACTIVE_BYTES = 512;

/** Defaults: 1 MiB in flight is ~2 s of xterm.js parsing on a slow machine and plenty for a fast one. */
export const FLOW_DEFAULTS = {
  highWaterBytes: 1024 * 1024,
  lowWaterBytes: 256 * 1024,
  maxFrameBytes: 64 * 1024,
  coalesceMs: 5,
} as const;

export interface OutputPumpOptions {
  /** Sends one encoded frame on the socket. */
  send(frame: Uint8Array): void;
  /** Stops reading from the shell (SSH flow control). */
  pause(): void;
  /** Reads from the shell again. */
  resume(): void;
  /** The socket's queued bytes. */
  bufferedAmount(): number;
  highWaterBytes?: number;
  lowWaterBytes?: number;
  maxFrameBytes?: number;
  coalesceMs?: number;
  /** Timers, injectable for tests. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** Counters of one session's output path (served to the UI and asserted by the tests). */
export interface OutputStats {
  /** Bytes sent and not yet acknowledged. */
  unacked: number;
  /** Bytes received from the shell and not yet sent. */
  pending: number;
  /** The highest `unacked` seen. */
  peakUnacked: number;
  /** The highest `unacked + pending` seen: what this session ever held for a slow browser. */
  peakHeld: number;
  /** True while the shell is paused. */
  paused: boolean;
  /** How many times the shell was paused. */
  pauses: number;
  /** Output bytes sent, and in how many frames. */
  bytesOut: number;
  frames: number;
}

/** What {@link OutputPump.ack} made of an acknowledgement. */
export type AckResult = "ok" | "over-ack";

export class OutputPump {
  readonly #o: Required<Omit<OutputPumpOptions, "setTimer" | "clearTimer">> & Pick<OutputPumpOptions, "setTimer" | "clearTimer">;
  #chunks: Uint8Array[] = [];
  #pending = 0;
  #unacked = 0;
  #peakUnacked = 0;
  #peakHeld = 0;
  #paused = false;
  #pauses = 0;
  #bytesOut = 0;
  #frames = 0;
  #timer: unknown;
  /** Bytes sent since the current coalescing window opened. */
  #windowBytes = 0;
  /** Output is pending because the browser or the socket had no room (not because a window is open). */
  #blocked = false;
  #disposed = false;

  constructor(options: OutputPumpOptions) {
    this.#o = { ...FLOW_DEFAULTS, ...options };
    if (this.#o.lowWaterBytes >= this.#o.highWaterBytes) throw new RangeError("lowWaterBytes must be below highWaterBytes");
  }

  /** Output from the shell. */
  push(chunk: Uint8Array): void {
    if (this.#disposed || chunk.byteLength === 0) return;
    this.#chunks.push(chunk);
    this.#pending += chunk.byteLength;
    this.#track();
    if (this.#timer === undefined) {
      // Leading edge: nothing went out for a while, so this goes now and opens a window.
      this.#windowBytes = 0;
      this.#send(false);
      this.#openWindow();
    } else if (this.#pending >= this.#o.maxFrameBytes || this.#windowBytes + this.#pending <= INTERACTIVE_BYTES) {
      // A full frame waits for nobody; interactive-sized traffic (echo of fast typing) would only gain latency.
      this.#send(false);
    }
    this.#maybePause();
  }

  /**
   * The browser rendered `bytes` more output. More than is in flight is a broken or hostile client:
   * the caller closes the session.
   */
  ack(bytes: number): AckResult {
    if (bytes > this.#unacked) return "over-ack";
    this.#unacked -= bytes;
    // Only output held back for room leaves now: output waiting for its window to close would leave as a
    // short frame, and under a flood the browser acks every 32 KiB (one more frame per ack).
    if (this.#blocked) this.#send(false);
    this.#maybeResume();
    return "ok";
  }

  /** The socket's send queue drained. */
  drain(): void {
    if (this.#blocked) this.#send(false);
    this.#maybeResume();
  }

  /**
   * Sends what is pending, in frames of at most `maxFrameBytes`, while the browser has room. `force`
   * sends everything regardless (the last output before the session ends).
   */
  flush(force = false): void {
    this.#clearTimer();
    this.#send(force);
  }

  #send(force: boolean): void {
    if (this.#disposed) return;
    while (this.#pending > 0 && (force || this.#roomToSend())) {
      const size = Math.min(this.#pending, this.#o.maxFrameBytes);
      this.#o.send(encodeOutput(this.#take(size), size));
      this.#pending -= size;
      this.#windowBytes += size;
      this.#unacked += size;
      this.#bytesOut += size;
      this.#frames += 1;
      this.#track();
    }
    // Left-over output (the browser is behind) goes out when an ack or a drain makes room.
    this.#blocked = this.#pending > 0;
  }

  stats(): OutputStats {
    return {
      unacked: this.#unacked,
      pending: this.#pending,
      peakUnacked: this.#peakUnacked,
      peakHeld: this.#peakHeld,
      paused: this.#paused,
      pauses: this.#pauses,
      bytesOut: this.#bytesOut,
      frames: this.#frames,
    };
  }

  /** Drops pending output and timers; later calls do nothing. */
  dispose(): void {
    this.#clearTimer();
    this.#disposed = true;
    this.#chunks = [];
    this.#pending = 0;
    this.#blocked = false;
  }

  #roomToSend(): boolean {
    return this.#unacked < this.#o.highWaterBytes && this.#o.bufferedAmount() < this.#o.highWaterBytes;
  }

  #openWindow(): void {
    this.#timer = this.#setTimer(() => {
      this.#timer = undefined;
      if (this.#pending === 0 || this.#disposed) return;
      this.#windowBytes = 0;
      this.#send(false);
      // Still busy: keep batching.
      this.#openWindow();
    }, this.#o.coalesceMs);
  }

  /** Removes exactly `size` bytes from the front of the pending chunks. */
  #take(size: number): Uint8Array[] {
    const out: Uint8Array[] = [];
    let need = size;
    while (need > 0) {
      const head = this.#chunks[0];
      if (!head) break;
      if (head.byteLength <= need) {
        out.push(head);
        this.#chunks.shift();
        need -= head.byteLength;
      } else {
        out.push(head.subarray(0, need));
        this.#chunks[0] = head.subarray(need);
        need = 0;
      }
    }
    return out;
  }

  #maybePause(): void {
    if (this.#paused || this.#disposed) return;
    const held = this.#unacked + this.#pending;
    if (held >= this.#o.highWaterBytes || this.#o.bufferedAmount() >= this.#o.highWaterBytes) {
      this.#paused = true;
      this.#pauses += 1;
      this.#o.pause();
    }
  }

  #maybeResume(): void {
    if (!this.#paused || this.#disposed) return;
    const held = this.#unacked + this.#pending;
    if (held <= this.#o.lowWaterBytes && this.#o.bufferedAmount() <= this.#o.lowWaterBytes) {
      this.#paused = false;
      this.#o.resume();
    }
  }

  #track(): void {
    if (this.#unacked > this.#peakUnacked) this.#peakUnacked = this.#unacked;
    const held = this.#unacked + this.#pending;
    if (held > this.#peakHeld) this.#peakHeld = held;
  }

  #setTimer(fn: () => void, ms: number): unknown {
    return this.#o.setTimer ? this.#o.setTimer(fn, ms) : setTimeout(fn, ms);
  }

  #clearTimer(): void {
    if (this.#timer === undefined) return;
    if (this.#o.clearTimer) this.#o.clearTimer(this.#timer);
    else clearTimeout(this.#timer as ReturnType<typeof setTimeout>);
    this.#timer = undefined;
  }
}
