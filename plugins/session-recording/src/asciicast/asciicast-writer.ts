/**
 * asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/): a header line of JSON, then one event
 * per line, `[time, code, data]`, time in seconds since the recording started.
 *
 * The writer turns a session's traffic into those lines and hands them to a sink in batches; it never
 * touches a file, so it is tested against the format's rules alone and the recorder owns all IO.
 */

/** The header line's fields the recorder knows. */
export interface AsciicastHeader {
  width: number;
  height: number;
  /** Seconds since the epoch, when the recording started. */
  timestamp: number;
  title?: string;
  env?: { TERM?: string; SHELL?: string };
}

/** The event codes of v2: output, input, resize, marker. */
export type AsciicastCode = "o" | "i" | "r" | "m";

/** One parsed event line. */
export type AsciicastEvent = [time: number, code: AsciicastCode, data: string];

export interface AsciicastWriterOptions {
  /** Receives whole lines (each ending in "\n"), a batch at a time, in order. */
  write(lines: string): void;
  /** Milliseconds on a clock that never goes back; `performance.now` by default. */
  now?: () => number;
}

/**
 * Writes one recording. Output and input are decoded as separate UTF-8 streams, so a character split
 * across two chunks comes out whole in the later event (never as U+FFFD halves), and times never go
 * backwards even if the clock does.
 *
 * @example
 * ```ts
 * const w = new AsciicastWriter({ width: 80, height: 24, timestamp: 1700000000 }, { write: (s) => stream.write(s) });
 * w.output(bytes);
 * w.close();
 * ```
 */
export class AsciicastWriter {
  private readonly sink: (lines: string) => void;
  private readonly now: () => number;
  private readonly start: number;
  private last = 0;
  private readonly outDecoder = new TextDecoder("utf-8");
  private readonly inDecoder = new TextDecoder("utf-8");
  private closed = false;

  constructor(header: AsciicastHeader, opts: AsciicastWriterOptions) {
    this.sink = opts.write;
    this.now = opts.now ?? (() => performance.now());
    this.start = this.now();
    const line = {
      version: 2,
      width: header.width,
      height: header.height,
      timestamp: Math.floor(header.timestamp),
      env: { TERM: header.env?.TERM ?? "xterm-256color", SHELL: header.env?.SHELL ?? "/bin/bash" },
      ...(header.title !== undefined && { title: header.title }),
    };
    this.sink(`${JSON.stringify(line)}\n`);
  }

  output(chunk: Uint8Array): void {
    this.text("o", this.outDecoder.decode(chunk, { stream: true }));
  }

  input(chunk: Uint8Array): void {
    this.text("i", this.inDecoder.decode(chunk, { stream: true }));
  }

  resize(cols: number, rows: number): void {
    this.event("r", `${cols}x${rows}`);
  }

  marker(label: string): void {
    this.event("m", label);
  }

  /** Flushes what the decoders still hold (a character cut off at the end) and writes nothing after. */
  close(): void {
    if (this.closed) return;
    this.text("o", this.outDecoder.decode());
    this.text("i", this.inDecoder.decode());
    this.closed = true;
  }

  /** Seconds since the start, to the microsecond, never less than the previous event's. */
  private time(): number {
    const t = Math.max(this.last, Math.round((this.now() - this.start) * 1000) / 1e6);
    this.last = t;
    return t;
  }

  private text(code: "o" | "i", data: string): void {
    if (data.length > 0) this.event(code, data);
  }

  private event(code: AsciicastCode, data: string): void {
    if (this.closed) return;
    this.sink(`[${this.time()}, "${code}", ${JSON.stringify(data)}]\n`);
  }
}
