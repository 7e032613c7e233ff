/**
 * The output a session keeps for a viewer that joins later (a reload, a second tab, a reattach): the
 * newest `capacity` bytes, the oldest dropped first. Large chunks are kept by reference (the shell never
 * reuses them, and the output pump keeps them the same way); small ones (echo, a prompt) are copied into
 * shared blocks, so a megabyte of keystroke echo costs a few dozen objects rather than a million.
 */

/** Chunks below this size are copied into a block instead of kept by reference. */
const SMALL_CHUNK = 4096;
const BLOCK_BYTES = 16 * 1024;

export class ScrollbackRing {
  readonly #capacity: number;
  #chunks: Uint8Array[] = [];
  /** Index of the oldest chunk still kept (chunks before it are dropped; compacted now and then). */
  #head = 0;
  #bytes = 0;
  /** The block small chunks are appended to, and how much of it is used. */
  #block: Uint8Array | undefined;
  #blockUsed = 0;
  #dropped = false;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) throw new RangeError("capacity must be a non-negative integer");
    this.#capacity = capacity;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** Bytes kept now. */
  get size(): number {
    return this.#bytes;
  }

  push(chunk: Uint8Array): void {
    if (this.#capacity === 0 || chunk.byteLength === 0) return;
    if (chunk.byteLength >= this.#capacity) {
      this.#chunks = [chunk.subarray(chunk.byteLength - this.#capacity)];
      this.#head = 0;
      this.#bytes = this.#capacity;
      this.#block = undefined;
      this.#dropped = true;
      return;
    }
    if (chunk.byteLength < SMALL_CHUNK) this.#append(chunk);
    else {
      this.#seal();
      this.#chunks.push(chunk);
    }
    this.#bytes += chunk.byteLength;
    this.#trim();
  }

  /**
   * The kept output, oldest first. When older output was dropped, it starts after the first line break
   * in the kept bytes (when there is one early on), so a replay does not begin in the middle of a line
   * or of an escape sequence.
   */
  snapshot(): Uint8Array[] {
    const out: Uint8Array[] = [];
    for (let i = this.#head; i < this.#chunks.length; i++) {
      const c = this.#chunks[i] as Uint8Array;
      out.push(c === this.#block ? c.subarray(0, this.#blockUsed) : c);
    }
    const first = out[0];
    if (this.#dropped && first) {
      const lf = first.subarray(0, SMALL_CHUNK).indexOf(0x0a);
      if (lf >= 0) out[0] = first.subarray(lf + 1);
    }
    return out.filter((c) => c.byteLength > 0);
  }

  clear(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#bytes = 0;
    this.#block = undefined;
  }

  /** The block being filled is done: the list keeps only its used part. */
  #seal(): void {
    if (!this.#block) return;
    const at = this.#chunks.lastIndexOf(this.#block);
    if (at >= 0) this.#chunks[at] = this.#block.subarray(0, this.#blockUsed);
    this.#block = undefined;
  }

  #append(chunk: Uint8Array): void {
    if (this.#block && this.#blockUsed + chunk.byteLength > this.#block.byteLength) this.#seal();
    if (!this.#block) {
      this.#block = new Uint8Array(Math.max(BLOCK_BYTES, chunk.byteLength));
      this.#blockUsed = 0;
      this.#chunks.push(this.#block);
    }
    this.#block.set(chunk, this.#blockUsed);
    this.#blockUsed += chunk.byteLength;
  }

  /** Drops the oldest bytes beyond the capacity. */
  #trim(): void {
    while (this.#bytes > this.#capacity) {
      const head = this.#chunks[this.#head] as Uint8Array;
      const used = head === this.#block ? this.#blockUsed : head.byteLength;
      const excess = this.#bytes - this.#capacity;
      this.#dropped = true;
      if (used <= excess) {
        this.#chunks[this.#head] = EMPTY;
        this.#head += 1;
        this.#bytes -= used;
        if (head === this.#block) this.#block = undefined;
      } else {
        // The head keeps its newest bytes. A block being filled is copied out so appends stay simple.
        const kept = head.subarray(excess, used);
        this.#chunks[this.#head] = head === this.#block ? kept.slice() : kept;
        if (head === this.#block) this.#block = undefined;
        this.#bytes -= excess;
      }
    }
    if (this.#head > 64 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}

const EMPTY = new Uint8Array(0);
