/**
 * The browser side of PROTOCOL.md, free of any UI: opens the session socket, hands output to the
 * renderer, acknowledges what the renderer finished (flow control), sends input, resizes and pings.
 */
import {
  decodeServerFrame,
  encodeAck,
  encodeInput,
  encodePing,
  encodeResize,
  encodeTakeover,
  isValidSize,
  MAX_INPUT_BYTES,
  ProtocolError,
  type TerminalStatus,
} from "../protocol/index.js";

/** Acks leave in batches: every this many bytes, or {@link ACK_DELAY_MS} after the last render. */
const ACK_BATCH_BYTES = 32 * 1024;
const ACK_DELAY_MS = 20;
const PING_EVERY_MS = 3000;

export interface TerminalClientOptions {
  /** `ws(s)://…/api/plugins/terminal/ws/session?hostId=…&cols=…&rows=…` */
  url: string;
  /**
   * Output to render. Call `rendered()` once it is on screen (xterm.js's write callback): only then
   * is it acknowledged, so a slow renderer slows the remote program down instead of piling up bytes.
   */
  onOutput(data: Uint8Array, rendered: () => void): void;
  onStatus(status: TerminalStatus): void;
  /** The socket closed (by either side, or the network). */
  onClose(info: { code: number; reason: string }): void;
  /** Round-trip time of the latest ping, in ms. */
  onLatency?(ms: number): void;
}

/** Counters for the status bar and the tests. */
export interface TerminalClientStats {
  bytesReceived: number;
  bytesAcked: number;
  bytesSent: number;
  frames: number;
}

export class TerminalClient {
  readonly #o: TerminalClientOptions;
  readonly #ws: WebSocket;
  readonly #encoder = new TextEncoder();
  #toAck = 0;
  #ackTimer: ReturnType<typeof setTimeout> | undefined;
  #pingTimer: ReturnType<typeof setInterval> | undefined;
  #closed = false;
  readonly stats: TerminalClientStats = { bytesReceived: 0, bytesAcked: 0, bytesSent: 0, frames: 0 };

  constructor(options: TerminalClientOptions) {
    this.#o = options;
    this.#ws = new WebSocket(options.url);
    this.#ws.binaryType = "arraybuffer";
    this.#ws.addEventListener("open", () => {
      this.ping();
      this.#pingTimer = setInterval(() => this.ping(), PING_EVERY_MS);
    });
    this.#ws.addEventListener("message", (e) => this.#onMessage(e.data));
    this.#ws.addEventListener("close", (e) => this.#onClose(e.code, e.reason));
  }

  /** True while the socket is open. */
  get open(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  /** Sends keystrokes or a paste, split into frames the server accepts. */
  input(data: string | Uint8Array): void {
    const bytes = typeof data === "string" ? this.#encoder.encode(data) : data;
    for (let at = 0; at < bytes.byteLength; at += MAX_INPUT_BYTES) this.#send(encodeInput(bytes.subarray(at, at + MAX_INPUT_BYTES)));
  }

  /** Makes this viewer the session's writer (the other viewers become view-only). */
  takeover(): void {
    this.#send(encodeTakeover());
  }

  resize(cols: number, rows: number): void {
    if (isValidSize(cols, rows)) this.#send(encodeResize(cols, rows));
  }

  /** Sends a ping carrying the send time; the pong gives the round trip. */
  ping(): void {
    const payload = new Uint8Array(8);
    new DataView(payload.buffer).setFloat64(0, performance.now());
    this.#send(encodePing(payload));
  }

  close(): void {
    this.#closed = true;
    this.#stopTimers();
    if (this.#ws.readyState === WebSocket.CONNECTING || this.#ws.readyState === WebSocket.OPEN) this.#ws.close(1000, "closed by the user");
  }

  #send(frame: Uint8Array): void {
    if (this.#ws.readyState !== WebSocket.OPEN) return;
    this.#ws.send(frame);
    this.stats.bytesSent += frame.byteLength;
  }

  #onMessage(data: unknown): void {
    if (!(data instanceof ArrayBuffer)) {
      this.#ws.close(1003, "the terminal protocol is binary");
      return;
    }
    let frame: ReturnType<typeof decodeServerFrame>;
    try {
      frame = decodeServerFrame(new Uint8Array(data));
    } catch (err) {
      this.#ws.close(1002, err instanceof ProtocolError ? err.message : "malformed frame");
      return;
    }
    this.stats.frames += 1;
    switch (frame.type) {
      case "output": {
        const n = frame.data.byteLength;
        this.stats.bytesReceived += n;
        let done = false;
        this.#o.onOutput(frame.data, () => {
          if (done) return;
          done = true;
          this.#rendered(n);
        });
        return;
      }
      case "status":
        this.#o.onStatus(frame.status);
        return;
      case "pong": {
        if (frame.payload.byteLength !== 8) return;
        const sent = new DataView(frame.payload.buffer, frame.payload.byteOffset, 8).getFloat64(0);
        this.#o.onLatency?.(Math.max(0, performance.now() - sent));
        return;
      }
    }
  }

  #rendered(bytes: number): void {
    if (this.#closed) return;
    this.#toAck += bytes;
    if (this.#toAck >= ACK_BATCH_BYTES) this.#flushAck();
    else this.#ackTimer ??= setTimeout(() => this.#flushAck(), ACK_DELAY_MS);
  }

  #flushAck(): void {
    if (this.#ackTimer !== undefined) clearTimeout(this.#ackTimer);
    this.#ackTimer = undefined;
    if (this.#toAck === 0) return;
    const n = this.#toAck;
    this.#toAck = 0;
    this.stats.bytesAcked += n;
    this.#send(encodeAck(n));
  }

  #onClose(code: number, reason: string): void {
    this.#stopTimers();
    this.#o.onClose({ code, reason });
  }

  #stopTimers(): void {
    if (this.#pingTimer !== undefined) clearInterval(this.#pingTimer);
    if (this.#ackTimer !== undefined) clearTimeout(this.#ackTimer);
    this.#pingTimer = undefined;
    this.#ackTimer = undefined;
  }
}

/** What a session URL can ask for besides the host and the size. */
export interface SessionUrlOptions {
  /** Run this on the pty instead of the login shell. */
  command?: string;
  /** Reattach to this session instead of opening a new one. */
  attach?: string;
}

/** The session URL for a host, on the page's own origin. */
export function sessionUrl(location: { protocol: string; host: string }, hostId: string, cols: number, rows: number, options: SessionUrlOptions = {}): string {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  const q = new URLSearchParams({ hostId, cols: String(cols), rows: String(rows) });
  if (options.command) q.set("command", options.command);
  if (options.attach) q.set("attach", options.attach);
  return `${scheme}//${location.host}/api/plugins/terminal/ws/session?${q}`;
}
