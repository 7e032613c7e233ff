import type { Readable } from "node:stream";

/**
 * A request body as a web stream that errors with `overflow()` as soon as more than `maxBytes` have
 * arrived, counted chunk by chunk as they are read, so a body that declares no length (chunked) is
 * refused after at most one chunk past the cap, never buffered whole.
 *
 * From a Node stream (the server's IncomingMessage) it pulls one chunk per read, so a slow reader (a disk,
 * an SFTP channel) holds the socket back instead of queueing the rest in memory: Node 20's
 * `Readable.toWeb` counts its high-water mark in chunks, not bytes, and lets a fast client park gigabytes
 * in the queue. Past the cap, or when the reader cancels, the stream stops reading but leaves the socket
 * open, so the server can still answer (413) and then drain or close the connection itself.
 *
 * @example
 * ```ts
 * const body = limitedBody(incoming, 1024 * 1024, () => new Error("too large"));
 * const text = await new Response(body).text(); // rejects with "too large" past 1 MiB
 * ```
 */
export function limitedBody(source: Readable | ReadableStream<Uint8Array>, maxBytes: number, overflow: () => Error): ReadableStream<Uint8Array> {
  const it: AsyncIterator<Uint8Array> =
    "getReader" in source ? webIterator(source) : (source.iterator({ destroyOnReturn: false }) as AsyncIterator<Uint8Array>);
  let seen = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let step: IteratorResult<Uint8Array>;
        try {
          step = await it.next();
        } catch (err) {
          controller.error(err);
          return;
        }
        if (step.done) {
          controller.close();
          return;
        }
        seen += step.value.byteLength;
        if (seen > maxBytes) {
          await it.return?.();
          controller.error(overflow());
          return;
        }
        controller.enqueue(step.value);
      },
      async cancel() {
        await it.return?.();
      },
    },
    // Nothing read ahead: each chunk is pulled when the reader asks for it.
    { highWaterMark: 0 },
  );
}

function webIterator(stream: ReadableStream<Uint8Array>): AsyncIterator<Uint8Array> {
  const reader = stream.getReader();
  return {
    next: () => reader.read() as Promise<IteratorResult<Uint8Array>>,
    async return() {
      await reader.cancel();
      return { done: true, value: undefined };
    },
  };
}

/** How long a server keeps reading (and dropping) a body it answered without reading: nginx's lingering close. */
export const LINGER_MS = 2000;

/**
 * Reads and drops what is left of a request body the server answered without reading whole (a 413, a
 * 401), then closes the connection after `ms` if the client is still sending. Closing at once would
 * reset the connection while the client still writes, and a reset makes the client's kernel drop the
 * answer it has not read yet; dropping the bytes keeps memory flat however much the client sends.
 * Call it once the response has been written.
 *
 * @example
 * ```ts
 * res.once("finish", () => discardUnread(req));
 * ```
 */
export function discardUnread(incoming: Readable & { socket?: { destroy(): void } | null }, ms: number = LINGER_MS): void {
  if (incoming.readableEnded || incoming.destroyed) return;
  const timer = setTimeout(() => incoming.socket?.destroy(), ms);
  timer.unref();
  const done = () => clearTimeout(timer);
  incoming.once("end", done);
  incoming.once("close", done);
  // A paused reader's 'readable' listener would keep the stream from flowing.
  incoming.removeAllListeners("readable");
  incoming.on("data", () => undefined);
  incoming.resume();
}
