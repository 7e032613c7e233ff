/**
 * Pipelined copying between two open SFTP files. One request in flight moves one block per round trip;
 * OpenSSH's client keeps many in flight on one handle, and so does this: up to `readParallel` positioned
 * reads ahead on the source and `writeParallel` positioned writes behind on the target, so memory stays at
 * the blocks in flight (16 x 255 KiB + 64 x 64 KiB by default, about 8 MiB) whatever the file's size.
 */
import { SdkError } from "../errors/index.js";
import type { SshFileHandle } from "./ssh.js";

/** Options of {@link copyFileRange}. */
export interface CopyFileRangeOptions {
  /** The first byte to copy (default 0): resuming, pass the size the target already has. */
  start?: number;
  /** The byte after the last one to copy: the source's size. */
  end: number;
  /** Bytes per read request (default 255 KiB: one request to OpenSSH, whose limit is 255 KiB of data). */
  readBlock?: number;
  /** Reads in flight at once (default 16). */
  readParallel?: number;
  /** Bytes per write request (default 64 KiB). */
  writeBlock?: number;
  /** Writes in flight at once (default 64). */
  writeParallel?: number;
  /** Stops launching requests; those in flight settle, then the copy rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Called as writes land, with the bytes landed so far in this call (not counting `start`) and the end of
   * the unbroken run of landed bytes (writes land out of order: only bytes before `committed` are sure).
   */
  onProgress?: (written: number, committed: number) => void;
}

/** The error {@link copyFileRange} rejects with: the cause, and how far the target is known to be whole. */
export interface CopyFileRangeError extends Error {
  /** Every byte before this offset has landed on the target (at least `start`): resume from here. */
  committed: number;
}

/**
 * Copies the bytes `start..end` (end exclusive) from one open file to another at the same offsets, with
 * many reads and writes in flight at once, and resolves once every write landed. A source shorter than
 * `end` (it shrank while being copied) rejects with code `SDK_ERR_SOURCE_CHANGED`. Every rejection carries
 * `committed`, the end of the unbroken run of landed bytes, so an interrupted copy resumes there. The
 * caller opens and closes both handles.
 *
 * @example
 * ```ts
 * const [a, b] = [await ctx.ssh.sftp(fromHost), await ctx.ssh.sftp(toHost)];
 * const { size } = await a.stat("/srv/big.iso");
 * const src = await a.open("/srv/big.iso", "r");
 * const dst = await b.open("/backup/big.iso", "w");
 * try {
 *   await copyFileRange(src, dst, { end: size, onProgress: (n) => report(n / size) });
 * } finally {
 *   await Promise.all([src.close(), dst.close()]);
 * }
 * ```
 */
export async function copyFileRange(source: SshFileHandle, target: SshFileHandle, opts: CopyFileRangeOptions): Promise<{ committed: number }> {
  const start = opts.start ?? 0;
  const end = opts.end;
  const readBlock = opts.readBlock ?? 255 * 1024;
  const readParallel = opts.readParallel ?? 16;
  const writeBlock = opts.writeBlock ?? 64 * 1024;
  const writeParallel = opts.writeParallel ?? 64;
  for (const [name, v, min] of [
    ["start", start, 0],
    ["end", end, start],
    ["readBlock", readBlock, 1],
    ["readParallel", readParallel, 1],
    ["writeBlock", writeBlock, 1],
    ["writeParallel", writeParallel, 1],
  ] as const)
    if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`copyFileRange: ${name} must be a whole number, at least ${min}`);

  // Writes in dispatch order; the landed prefix is dropped as it grows so the list stays at the window.
  const blocks: { end: number; done: boolean }[] = [];
  let committed = start;
  const advance = () => {
    while (blocks.length > 0 && (blocks[0] as { done: boolean }).done) committed = (blocks.shift() as { end: number }).end;
  };
  const reads: Promise<Uint8Array>[] = [];
  const writes = new Set<Promise<void>>();
  let nextRead = start;
  let written = 0;
  let failure: unknown;

  const launchRead = () => {
    const length = Math.min(readBlock, end - nextRead);
    const p = handleRead(source, nextRead, length);
    nextRead += length;
    p.catch(() => undefined); // awaited in order below; this only silences the early-rejection warning
    reads.push(p);
  };
  const dispatchWrite = (position: number, data: Uint8Array) => {
    const block = { end: position + data.byteLength, done: false };
    blocks.push(block);
    const p = target.write(position, data).then(
      () => {
        block.done = true;
        written += data.byteLength;
        advance();
        opts.onProgress?.(written, committed);
      },
      (err: unknown) => {
        failure ??= err;
      },
    );
    writes.add(p);
    void p.finally(() => writes.delete(p));
  };

  try {
    let position = start;
    while (position < end) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
      while (reads.length < readParallel && nextRead < end) launchRead();
      const chunk = await (reads.shift() as Promise<Uint8Array>);
      const expected = Math.min(readBlock, end - position);
      for (let off = 0; off < chunk.byteLength; off += writeBlock) {
        while (writes.size >= writeParallel && !failure) await Promise.race(writes);
        if (failure) throw failure;
        if (opts.signal?.aborted) throw opts.signal.reason ?? new Error("aborted");
        dispatchWrite(position + off, chunk.subarray(off, Math.min(off + writeBlock, chunk.byteLength)));
      }
      position += chunk.byteLength;
      if (chunk.byteLength < expected)
        throw new SdkError("SDK_ERR_SOURCE_CHANGED", `the source ended at ${position} bytes, before ${end}: it changed while being copied`);
    }
  } catch (err) {
    failure ??= err;
  }
  await Promise.allSettled([...reads, ...writes]);
  advance();
  if (failure === undefined && opts.signal?.aborted && committed < end) failure = opts.signal.reason ?? new Error("aborted");
  if (failure !== undefined) {
    const error = failure instanceof Error ? failure : new Error(String(failure));
    throw Object.assign(error, { committed }) as CopyFileRangeError;
  }
  return { committed };
}

function handleRead(handle: SshFileHandle, position: number, length: number): Promise<Uint8Array> {
  try {
    return handle.read(position, length);
  } catch (err) {
    return Promise.reject(err);
  }
}
