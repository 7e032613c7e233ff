/**
 * Container logs as a streaming HTTP body: newline-delimited JSON, one object per log line
 * (`{"stream":"stdout","text":"...","time":"..."}`), so the browser can read it incrementally with
 * `fetch` and a stream reader. Multiplexed streams (containers without a TTY) are demultiplexed; a TTY
 * container's output is one raw stream. Back-pressure pauses the engine's socket while the browser is
 * behind; closing the request closes the engine stream.
 */
import type { Readable } from "node:stream";
import type Docker from "dockerode";
import { DockerStreamDemuxer, LineSplitter, type LogStream } from "../engine/index.js";
import { classifyEngineError } from "../errors/index.js";

export interface LogOptions {
  tail: number | "all";
  follow: boolean;
  timestamps: boolean;
}

export interface LogLine {
  stream: LogStream | "tty";
  text: string;
  time?: string;
}

const TIMESTAMP = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) ?/;

/** Parses `tail`, `follow` and `timestamps` query values; bad values are reported, never guessed. */
export function parseLogOptions(q: (name: string) => string | undefined): LogOptions | string {
  const tailRaw = q("tail") ?? "200";
  let tail: number | "all";
  if (tailRaw === "all") tail = "all";
  else {
    tail = Number(tailRaw);
    if (!Number.isInteger(tail) || tail < 0 || tail > 100_000) return 'tail is a whole number from 0 to 100000, or "all".';
  }
  const flag = (name: string) => {
    const v = q(name);
    return v === "1" || v === "true";
  };
  return { tail, follow: flag("follow"), timestamps: flag("timestamps") };
}

/** Splits a line into the engine's timestamp prefix (when asked for) and the text. */
function lineOf(stream: LogLine["stream"], raw: string, timestamps: boolean): LogLine {
  if (timestamps) {
    const m = TIMESTAMP.exec(raw);
    if (m) return { stream, text: raw.slice(m[0].length), time: m[1] as string };
  }
  return { stream, text: raw };
}

/**
 * Opens the engine's log stream for a container and returns it as an NDJSON byte stream. Engine errors
 * before the first byte are thrown (the route answers them as coded JSON); an error mid-stream ends the
 * stream with one `{"error": CODE, "message": ...}` line.
 */
export async function openLogStream(
  docker: Docker,
  containerId: string,
  opts: LogOptions,
  where: string,
  sourceId: string,
  signal: AbortSignal,
): Promise<ReadableStream<Uint8Array>> {
  const container = docker.getContainer(containerId);
  let tty: boolean;
  try {
    tty = Boolean((await container.inspect({ abortSignal: AbortSignal.timeout(4000) } as Docker.ContainerInspectOptions)).Config?.Tty);
  } catch (err) {
    throw classifyEngineError(err, where, sourceId);
  }
  let source: Readable | Buffer;
  try {
    source = (await container.logs({
      follow: opts.follow as true,
      stdout: true,
      stderr: true,
      tail: opts.tail,
      timestamps: opts.timestamps,
      abortSignal: signal,
    } as Docker.ContainerLogsOptions & { follow: true })) as unknown as Readable | Buffer;
  } catch (err) {
    throw classifyEngineError(err, where, sourceId);
  }

  const encoder = new TextEncoder();
  const demux = new DockerStreamDemuxer();
  const splitters = new Map<LogLine["stream"], LineSplitter>();
  const splitter = (s: LogLine["stream"]) => {
    const known = splitters.get(s);
    if (known) return known;
    const created = new LineSplitter();
    splitters.set(s, created);
    return created;
  };
  const encode = (lines: LogLine[]) => encoder.encode(lines.map((l) => `${JSON.stringify(l)}\n`).join(""));
  const linesOf = (chunk: Uint8Array): LogLine[] => {
    const out: LogLine[] = [];
    if (tty) {
      for (const raw of splitter("tty").push(chunk)) out.push(lineOf("tty", raw, opts.timestamps));
    } else {
      for (const frame of demux.push(chunk)) for (const raw of splitter(frame.stream).push(frame.data)) out.push(lineOf(frame.stream, raw, opts.timestamps));
    }
    return out;
  };
  const rest = (): LogLine[] => [...splitters.entries()].flatMap(([s, sp]) => sp.end().map((raw) => lineOf(s, raw, opts.timestamps)));

  if (Buffer.isBuffer(source)) {
    const whole = source;
    return new ReadableStream<Uint8Array>({
      start(controller) {
        try {
          controller.enqueue(encode([...linesOf(whole), ...rest()]));
        } catch (err) {
          controller.enqueue(encoder.encode(`${JSON.stringify({ error: "DOCKER_ERR_ENGINE", message: String((err as Error).message) })}\n`));
        }
        controller.close();
      },
    });
  }

  const stream = source;
  let closed = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const finish = (tail?: Uint8Array) => {
          if (closed) return;
          closed = true;
          if (tail) controller.enqueue(tail);
          controller.close();
        };
        stream.on("data", (chunk: Buffer) => {
          if (closed) return;
          let lines: LogLine[];
          try {
            lines = linesOf(chunk);
          } catch (err) {
            stream.destroy();
            finish(encoder.encode(`${JSON.stringify({ error: "DOCKER_ERR_ENGINE", message: String((err as Error).message) })}\n`));
            return;
          }
          if (lines.length > 0) controller.enqueue(encode(lines));
          if ((controller.desiredSize ?? 1) <= 0) stream.pause();
        });
        stream.once("end", () => {
          const last = rest();
          finish(last.length > 0 ? encode(last) : undefined);
        });
        stream.once("error", (err) => {
          if (signal.aborted) return finish();
          const e = classifyEngineError(err, where, sourceId);
          finish(encoder.encode(`${JSON.stringify(e.toJSON())}\n`));
        });
        signal.addEventListener("abort", () => {
          stream.destroy();
          finish();
        });
      },
      pull() {
        if (stream.isPaused()) stream.resume();
      },
      cancel() {
        closed = true;
        stream.destroy();
      },
    },
    // Up to 64 chunks queued before the engine socket is paused.
    { highWaterMark: 64 },
  );
}
