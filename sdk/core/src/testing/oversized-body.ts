import { readFileSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";

/** How {@link sendOversizedBody} offers its body. */
export interface OversizedBodyOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Bytes offered in all; the client stops earlier, as soon as the server answers or closes. */
  bytes: number;
  /** `true` sends a Content-Length of `bytes`; `false` sends the body chunked, with no length. */
  declared: boolean;
  /** The first bytes of the body (say `{"text":"`), so it starts as what the route expects. */
  prefix?: string;
  /** Gives up (rejects) after this long; default 20 s. */
  timeoutMs?: number;
}

/** What the server made of it: its answer (undefined when it closed without one) and how much was sent. */
export interface OversizedBodyResult {
  status: number | undefined;
  body: string;
  sentBytes: number;
  /** The socket error that ended the exchange before an answer, if any. */
  error?: string;
}

const CHUNK = Buffer.alloc(64 * 1024, "a");

/**
 * Sends a body of up to `opts.bytes` to `url` over node:http as fast as the server takes it, and stops
 * as soon as the server answers or closes the connection: the way to prove a service refuses an
 * oversized body while reading it, without the test itself pushing gigabytes.
 *
 * @example
 * ```ts
 * const res = await sendOversizedBody(`${url}/api/notes`, { bytes: 200 * 2 ** 20, declared: false });
 * expect(res.status).toBe(413);
 * ```
 */
export function sendOversizedBody(url: string, opts: OversizedBodyOptions): Promise<OversizedBodyResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.declared) headers["content-length"] = String(opts.bytes);
    // A keep-alive connection, as browsers hold: a request that says `Connection: close` gets its answer
    // followed by an immediate close, which resets the connection while the client still writes.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const req = request(url, { method: opts.method ?? "POST", headers, agent });
    let sent = 0;
    let status: number | undefined;
    let body = "";
    let stopped = false;
    let error: string | undefined;
    let wake: (() => void) | undefined;
    const finish = () => {
      if (stopped) return;
      stopped = true;
      clearTimeout(timer);
      wake?.();
      req.destroy();
      agent.destroy();
      resolve({ status, body, sentBytes: sent, ...(error !== undefined && { error }) });
    };
    const timer = setTimeout(() => {
      stopped = true;
      req.destroy();
      agent.destroy();
      reject(new Error(`no answer from ${url} within ${opts.timeoutMs ?? 20_000} ms after ${sent} bytes`));
    }, opts.timeoutMs ?? 20_000);
    req.on("response", (res) => {
      status = res.statusCode;
      wake?.();
      res.setEncoding("utf8");
      res.on("data", (text: string) => {
        body += text;
      });
      res.on("end", finish);
      res.on("error", finish);
    });
    // A reset after the answer arrived is the server closing a connection it will not read further.
    req.on("error", (err) => {
      if (status !== undefined) return;
      error = err.message;
      finish();
    });
    req.on("close", () => (status === undefined ? finish() : undefined));

    const pump = async () => {
      if (opts.prefix) {
        req.write(opts.prefix);
        sent += Buffer.byteLength(opts.prefix);
      }
      while (!stopped && status === undefined && sent < opts.bytes) {
        const n = Math.min(CHUNK.length, opts.bytes - sent);
        const more = req.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
        sent += n;
        if (!more) {
          await new Promise<void>((r) => {
            wake = r;
            req.once("drain", r);
          });
          wake = undefined;
        }
      }
      if (!stopped && status === undefined) req.end();
    };
    void pump();
  });
}

function statusField(pid: number, field: "VmRSS" | "VmHWM"): number {
  const kib = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  if (kib === undefined) throw new Error(`/proc/${pid}/status has no ${field}`);
  return Number(kib) * 1024;
}

/**
 * How far a process's resident memory rose above where it stood while `work` ran, in bytes: its peak
 * (VmHWM, reset first through /proc/<pid>/clear_refs) minus its resident size before. Linux only; the
 * process must belong to the same user.
 *
 * @example
 * ```ts
 * const growth = await peakMemoryGrowth(child.pid, () => sendOversizedBody(url, { bytes: 2 ** 28, declared: false }));
 * expect(growth).toBeLessThan(32 * 2 ** 20);
 * ```
 */
export async function peakMemoryGrowth(pid: number, work: () => Promise<unknown>): Promise<number> {
  const before = statusField(pid, "VmRSS");
  writeFileSync(`/proc/${pid}/clear_refs`, "5");
  await work();
  return statusField(pid, "VmHWM") - before;
}
