/**
 * A terminal session socket as a program meets it: a real WebSocket to the host on loopback, signed in with
 * a session cookie, speaking PROTOCOL.md through the plugin's own codec. It acknowledges output as it
 * arrives (as xterm.js does after parsing), so flow control never stalls a test that does not mean it to.
 */

import WebSocket from "ws";
import type { TerminalStatus } from "../src/protocol/index.js";
import { decodeServerFrame, encodeAck, encodeInput, encodePing, encodeResize, encodeTakeover } from "../src/protocol/index.js";

export interface SessionClient {
  ws: WebSocket;
  /** Every status document received, in order. */
  statuses: TerminalStatus[];
  /** All output so far, decoded as UTF-8. */
  text(): string;
  /** Output bytes received so far. */
  bytes(): number;
  input(text: string): void;
  resize(cols: number, rows: number): void;
  takeover(): void;
  ping(): void;
  /** Resolves once the output contains `needle` (rejects after `timeoutMs` with the last output). */
  waitForText(needle: string | RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the first status matching `match` (one already received counts). */
  waitForStatus<S extends TerminalStatus>(match: (s: TerminalStatus) => s is S, timeoutMs?: number): Promise<S>;
  waitForStatus(match: (s: TerminalStatus) => boolean, timeoutMs?: number): Promise<TerminalStatus>;
  /** Resolves with the close code and reason. */
  closed: Promise<{ code: number; reason: string }>;
  close(): void;
}

export interface SessionParams {
  hostId?: string;
  cols?: number;
  rows?: number;
  command?: string;
  attach?: string;
  /** Leave output unacknowledged (to hold a viewer over its high-water mark). */
  noAck?: boolean;
}

/** Opens `ws/session` on the host at `baseUrl` as the person whose session cookie is `cookie`. */
export function openSession(baseUrl: string, cookie: string, params: SessionParams): Promise<SessionClient> {
  const q = new URLSearchParams();
  if (params.hostId !== undefined) q.set("hostId", params.hostId);
  q.set("cols", String(params.cols ?? 80));
  q.set("rows", String(params.rows ?? 24));
  if (params.command !== undefined) q.set("command", params.command);
  if (params.attach !== undefined) q.set("attach", params.attach);
  const ws = new WebSocket(`${baseUrl.replace(/^http/, "ws")}/api/plugins/terminal/ws/session?${q}`, { headers: { cookie, origin: baseUrl } });
  ws.binaryType = "nodebuffer";
  const statuses: TerminalStatus[] = [];
  const decoder = new TextDecoder();
  let text = "";
  let bytes = 0;
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const l of [...listeners]) l();
  };
  ws.on("message", (data: Buffer) => {
    const frame = decodeServerFrame(new Uint8Array(data));
    if (frame.type === "output") {
      text += decoder.decode(frame.data, { stream: true });
      bytes += frame.data.byteLength;
      if (!params.noAck && frame.data.byteLength > 0) ws.send(encodeAck(frame.data.byteLength));
    } else if (frame.type === "status") statuses.push(frame.status);
    notify();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) =>
    ws.once("close", (code, reason) => {
      resolve({ code, reason: reason.toString() });
      notify();
    }),
  );
  const until = <T>(what: string, check: () => T | undefined, timeoutMs: number) =>
    new Promise<T>((resolve, reject) => {
      const tick = () => {
        const got = check();
        if (got === undefined) return;
        cleanup();
        resolve(got);
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`no ${what} within ${timeoutMs} ms; statuses ${JSON.stringify(statuses)}; output tail ${JSON.stringify(text.slice(-400))}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        listeners.delete(tick);
      };
      listeners.add(tick);
      tick();
    });
  const client: SessionClient = {
    ws,
    statuses,
    text: () => text,
    bytes: () => bytes,
    input: (t) => ws.send(encodeInput(new TextEncoder().encode(t))),
    resize: (c, r) => ws.send(encodeResize(c, r)),
    takeover: () => ws.send(encodeTakeover()),
    ping: () => ws.send(encodePing()),
    waitForText: (needle, timeoutMs = 15_000) =>
      until(`output ${needle}`, () => ((typeof needle === "string" ? text.includes(needle) : needle.test(text)) ? true : undefined), timeoutMs).then(
        () => undefined,
      ),
    waitForStatus: ((match: (s: TerminalStatus) => boolean, timeoutMs = 15_000) =>
      until("matching status", () => statuses.find(match), timeoutMs)) as SessionClient["waitForStatus"],
    closed,
    close: () => ws.close(1000),
  };
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve(client));
    ws.once("unexpected-response", (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once("error", reject);
  });
}

/** The latest `session` status a client received. */
export function lastSession(c: SessionClient): Extract<TerminalStatus, { state: "session" }> | undefined {
  return c.statuses.filter((s): s is Extract<TerminalStatus, { state: "session" }> => s.state === "session").at(-1);
}
