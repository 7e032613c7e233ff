/**
 * Pipelined SFTP transfers. A plain SFTP stream keeps one request in flight, so on any link its speed is
 * one block per round trip; OpenSSH's own client keeps many requests in flight on one handle. Here one
 * handle is opened per transfer and many positioned reads or writes run on it at once, while the HTTP side
 * still sees one ordered stream and memory stays at the blocks in flight (READ_PARALLEL x READ_BLOCK
 * reading, WRITE_PARALLEL x WRITE_BLOCK writing). The sizes were tuned with bench/sftp.bench.mjs; a read
 * block fits in one request to OpenSSH (its limit is 255 KiB of data), so no block is split in two.
 */
import type { SshFileHandle, SshSftp } from "@archnest/sdk/plugin";

export const READ_BLOCK = 255 * 1024;
export const READ_PARALLEL = 16;
export const WRITE_BLOCK = 64 * 1024;
export const WRITE_PARALLEL = 64;

/**
 * The bytes `start..end` (inclusive) of a file opened for reading, in order, with up to READ_PARALLEL blocks read ahead.
 * A file that shrank while being read ends the stream early (the HTTP layer then sees fewer bytes than it
 * announced and aborts the response). Cancelling the stream stops launching reads; reads already in flight
 * finish and are dropped. The stream owns the handle: `onDone` runs once, after closing it.
 */
export function readRange(handle: SshFileHandle, start: number, end: number, onDone?: (err?: unknown) => void): ReadableStream<Uint8Array> {
  const queue: Promise<Uint8Array>[] = [];
  let next = start;
  let settled = false;
  const finish = async (err?: unknown) => {
    if (settled) return;
    settled = true;
    await Promise.allSettled(queue);
    await handle.close().catch(() => undefined);
    onDone?.(err);
  };
  const launch = () => {
    const length = Math.min(READ_BLOCK, end - next + 1);
    const p = handle.read(next, length);
    next += length;
    p.catch(() => undefined); // awaited in order below; this only silences the early-rejection warning
    queue.push(p);
  };
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        while (queue.length < READ_PARALLEL && next <= end) launch();
        const head = queue.shift();
        if (!head) {
          controller.close();
          await finish();
          return;
        }
        try {
          const chunk = await head;
          if (chunk.byteLength > 0) controller.enqueue(chunk);
          if (chunk.byteLength < READ_BLOCK && next <= end) {
            // A short block before the range's end: the file shrank. Stop here.
            next = end + 1;
            controller.close();
            await finish();
          }
        } catch (err) {
          next = end + 1;
          controller.error(err);
          await finish(err);
        }
      },
      async cancel() {
        next = end + 1;
        await finish();
      },
    },
    { highWaterMark: 0 },
  );
}

/**
 * Writes `source` into an existing remote file from `offset`, up to WRITE_PARALLEL blocks at once on one
 * handle. Blocks are dispatched in order and at most WRITE_PARALLEL are in flight, so every byte before the
 * oldest block still in flight has landed. Resolves (or rejects, with `committed` set on the error) after
 * every block settled and the handle closed; `committed` is the end of the unbroken run of landed bytes.
 */
export async function writeFrom(sftp: SshSftp, path: string, source: AsyncIterable<Uint8Array>, offset: number): Promise<{ committed: number }> {
  const blocks: { start: number; end: number; done: boolean }[] = [];
  const inflight = new Set<Promise<void>>();
  let failure: unknown;
  let pos = offset;
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;

  const committed = () => {
    let c = offset;
    for (const b of blocks) {
      if (!b.done) break;
      c = b.end;
    }
    return c;
  };
  const handle = await sftp.open(path, "r+");
  const dispatch = (data: Uint8Array) => {
    const block = { start: pos, end: pos + data.byteLength, done: false };
    blocks.push(block);
    pos += data.byteLength;
    const p = handle.write(block.start, data).then(
      () => {
        block.done = true;
      },
      (err: unknown) => {
        failure ??= err;
      },
    );
    inflight.add(p);
    void p.finally(() => inflight.delete(p));
  };
  // Blocks are at most WRITE_BLOCK bytes (the resume offset relies on it); a chunk of exactly that size,
  // the usual HTTP read size, goes out as it is, smaller ones are gathered first.
  const flush = (all: boolean) => {
    while (pendingBytes >= WRITE_BLOCK || (all && pendingBytes > 0)) {
      const buf = pending.length === 1 ? (pending[0] as Uint8Array) : Buffer.concat(pending, pendingBytes);
      const take = Math.min(WRITE_BLOCK, buf.byteLength);
      dispatch(buf.subarray(0, take));
      pending = take < buf.byteLength ? [buf.subarray(take)] : [];
      pendingBytes = buf.byteLength - take;
    }
  };

  try {
    for await (const chunk of source) {
      if (chunk.byteLength === 0) continue;
      pending.push(chunk);
      pendingBytes += chunk.byteLength;
      flush(false);
      while (inflight.size >= WRITE_PARALLEL && !failure) await Promise.race(inflight);
      if (failure) throw failure;
    }
    flush(true);
  } catch (err) {
    failure ??= err;
  }
  await Promise.allSettled([...inflight]);
  await handle.close().catch((err: unknown) => {
    failure ??= err;
  });
  if (failure) throw Object.assign(failure instanceof Error ? failure : new Error(String(failure)), { committed: committed() });
  return { committed: committed() };
}
