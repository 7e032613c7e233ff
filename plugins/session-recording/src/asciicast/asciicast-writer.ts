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
  /**
   * Receives the file's bytes in order, a batch at a time: whole lines, one batch or a single longer
   * line per call. The bytes are valid only during the call (the writer reuses its buffer), so the sink
   * writes or copies them before it returns.
   */
  write(bytes: Uint8Array): void;
  /** Milliseconds on a clock that never goes back; `performance.now` by default. */
  now?: () => number;
  /** Bytes gathered before they go to `write`; 1 MiB by default. */
  batchBytes?: number;
}

/**
 * Writes one recording. Output and input are decoded as separate UTF-8 streams, so a character split
 * across two chunks comes out whole in the later event (never as U+FFFD halves), and times never go
 * backwards even if the clock does. Lines are encoded straight into one reused batch buffer: building
 * strings of many lines, then encoding them, cost several times the decoding and escaping.
 *
 * @example
 * ```ts
 * const w = new AsciicastWriter({ width: 80, height: 24, timestamp: 1700000000 }, { write: (b) => writeSync(fd, b) });
 * w.output(bytes);
 * w.close();
 * ```
 */
export class AsciicastWriter {
  private readonly sink: (bytes: Uint8Array) => void;
  private readonly now: () => number;
  private readonly start: number;
  private last = 0;
  private readonly outDecoder = new Utf8Stream();
  private readonly inDecoder = new Utf8Stream();
  private readonly batch: Buffer;
  private used = 0;
  private closed = false;

  constructor(header: AsciicastHeader, opts: AsciicastWriterOptions) {
    this.sink = opts.write;
    this.now = opts.now ?? (() => performance.now());
    this.batch = Buffer.allocUnsafeSlow(opts.batchBytes ?? 1024 * 1024);
    this.start = this.now();
    const line = {
      version: 2,
      width: header.width,
      height: header.height,
      timestamp: Math.floor(header.timestamp),
      env: { TERM: header.env?.TERM ?? "xterm-256color", SHELL: header.env?.SHELL ?? "/bin/bash" },
      ...(header.title !== undefined && { title: header.title }),
    };
    this.line(`${JSON.stringify(line)}\n`);
  }

  /** Bytes written but not yet handed to the sink. */
  get pending(): number {
    return this.used;
  }

  output(chunk: Uint8Array): void {
    this.text("o", this.outDecoder.decode(chunk));
  }

  input(chunk: Uint8Array): void {
    this.text("i", this.inDecoder.decode(chunk));
  }

  resize(cols: number, rows: number): void {
    this.event("r", `${cols}x${rows}`);
  }

  marker(label: string): void {
    this.event("m", label);
  }

  /** Hands what is gathered to the sink. */
  flush(): void {
    if (this.used === 0) return;
    const bytes = this.batch.subarray(0, this.used);
    this.used = 0;
    this.sink(bytes);
  }

  /** Flushes what the decoders still hold (a character cut off at the end), then the batch, and writes nothing after. */
  close(): void {
    if (this.closed) return;
    this.text("o", this.outDecoder.end());
    this.text("i", this.inDecoder.end());
    this.closed = true;
    this.flush();
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
    const head = `[${this.time()}, "${code}", `;
    const json = JSON.stringify(data);
    // At most 3 UTF-8 bytes per UTF-16 unit (the head is ASCII); counted exactly only when that may not fit.
    let size = head.length + 3 * json.length + 2;
    if (this.used + size > this.batch.length) {
      size = head.length + Buffer.byteLength(json, "utf8") + 2;
      if (this.used + size > this.batch.length) this.flush();
      if (size > this.batch.length) {
        this.sink(Buffer.from(`${head}${json}]\n`, "utf8"));
        return;
      }
    }
    this.used += this.batch.write(head, this.used, "latin1");
    this.used += this.batch.write(json, this.used, "utf8");
    this.batch[this.used++] = 0x5d; // ]
    this.batch[this.used++] = 0x0a; // \n
  }

  private line(text: string): void {
    if (this.used + 3 * text.length > this.batch.length) this.flush();
    if (3 * text.length > this.batch.length) this.sink(Buffer.from(text, "utf8"));
    else this.used += this.batch.write(text, this.used, "utf8");
  }
}

/**
 * A UTF-8 byte stream to text, chunk by chunk: the same text as `TextDecoder.decode(chunk, { stream:
 * true })`, at a fifth of its cost. Node's streaming mode leaves the fast decoder; this decodes each chunk
 * whole and carries a character cut off at its end (at most 3 bytes) into the next chunk. Ill-formed bytes
 * become U+FFFD as there (one per maximal subpart); an ill-formed sequence at a chunk's end may come out
 * in the next event instead of this one.
 */
export class Utf8Stream {
  private readonly decoder = new TextDecoder("utf-8");
  private carry: Uint8Array | undefined;

  decode(chunk: Uint8Array): string {
    let bytes = chunk;
    if (this.carry) {
      bytes = new Uint8Array(this.carry.length + chunk.length);
      bytes.set(this.carry);
      bytes.set(chunk, this.carry.length);
      this.carry = undefined;
    }
    const cut = completeLength(bytes);
    if (cut < bytes.length) this.carry = bytes.slice(cut);
    return cut === 0 ? "" : this.decoder.decode(cut === bytes.length ? bytes : bytes.subarray(0, cut));
  }

  /** What is still carried, as U+FFFD. */
  end(): string {
    const carry = this.carry;
    this.carry = undefined;
    return carry ? this.decoder.decode(carry) : "";
  }
}

/** The length of `bytes` without a character cut off at its end: a lead byte whose sequence the end cuts short, and its continuation bytes. */
function completeLength(bytes: Uint8Array): number {
  const n = bytes.length;
  // Back over at most 3 continuation bytes (10xxxxxx) to the byte that leads them.
  for (let i = n - 1; i >= 0 && i >= n - 4; i--) {
    const b = bytes[i] as number;
    if (b < 0x80) return n;
    if (b >= 0xc0) {
      const length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
      return i + length > n ? i : n;
    }
  }
  return n;
}
