/**
 * The Docker log and attach stream format for containers without a TTY: frames of an 8-byte header
 * (byte 0 the stream: 0 stdin, 1 stdout, 2 stderr; bytes 4-7 the payload size, big-endian) followed by
 * the payload (Engine API reference, "Attach to a container", stream format). Chunks from the socket cut
 * frames anywhere, headers included, so the demuxer keeps what it has not finished.
 */

export type LogStream = "stdin" | "stdout" | "stderr";

const STREAMS: Record<number, LogStream> = { 0: "stdin", 1: "stdout", 2: "stderr" };
const HEADER = 8;

export interface LogFrame {
  stream: LogStream;
  data: Buffer;
}

/** Splits a multiplexed Docker stream into frames, across chunk boundaries. */
export class DockerStreamDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  /** Feeds one chunk; returns the frames it completed. A header with an unknown stream byte is an error. */
  push(chunk: Uint8Array): LogFrame[] {
    this.pending = this.pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([this.pending, chunk]);
    const frames: LogFrame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER) {
      const kind = this.pending[offset] as number;
      const stream = STREAMS[kind];
      if (!stream || this.pending[offset + 1] !== 0 || this.pending[offset + 2] !== 0 || this.pending[offset + 3] !== 0) {
        throw new Error(`not a multiplexed Docker stream (header byte ${kind} at offset ${offset})`);
      }
      const size = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - HEADER < size) break;
      frames.push({ stream, data: this.pending.subarray(offset + HEADER, offset + HEADER + size) });
      offset += HEADER + size;
    }
    // Copy the rest so frames already handed out never alias a buffer that keeps growing.
    this.pending = offset === 0 ? this.pending : Buffer.from(this.pending.subarray(offset));
    return frames;
  }

  /** Bytes of an unfinished frame still held. */
  get buffered(): number {
    return this.pending.length;
  }
}

/**
 * Turns a byte stream into lines: UTF-8 decoded across chunk boundaries, `\r\n` and `\n` both end a
 * line, and a line longer than `maxLine` characters is cut into pieces so one runaway line cannot grow
 * memory without bound.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder("utf-8");
  private carry = "";

  constructor(private readonly maxLine = 16_384) {}

  push(chunk: Uint8Array): string[] {
    const text = this.carry + this.decoder.decode(chunk, { stream: true });
    const parts = text.split("\n");
    this.carry = parts.pop() ?? "";
    const lines: string[] = [];
    for (const p of parts) this.emit(p.endsWith("\r") ? p.slice(0, -1) : p, lines);
    while (this.carry.length > this.maxLine) {
      lines.push(this.carry.slice(0, this.maxLine));
      this.carry = this.carry.slice(this.maxLine);
    }
    return lines;
  }

  /** What is left when the stream ends (a last line without a newline). */
  end(): string[] {
    const rest = this.carry + this.decoder.decode();
    this.carry = "";
    const lines: string[] = [];
    if (rest) this.emit(rest.endsWith("\r") ? rest.slice(0, -1) : rest, lines);
    return lines;
  }

  private emit(line: string, into: string[]): void {
    for (let i = 0; i < line.length; i += this.maxLine) into.push(line.slice(i, i + this.maxLine));
    if (line.length === 0) into.push("");
  }
}
