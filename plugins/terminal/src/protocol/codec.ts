/**
 * The terminal's binary WebSocket protocol (PROTOCOL.md): every frame is one opcode byte and a payload.
 * Pure code shared by the server and the browser, so both sides agree byte for byte.
 */

/** Opcodes the browser sends. */
export const ClientOp = { input: 0x00, resize: 0x01, ack: 0x02, ping: 0x03, takeover: 0x04 } as const;
/** Opcodes the server sends. */
export const ServerOp = { output: 0x00, status: 0x10, pong: 0x11 } as const;

/** Largest input payload one frame may carry; the browser splits bigger pastes. */
export const MAX_INPUT_BYTES = 64 * 1024;
/** Ping payloads are opaque to the server and echoed back; small, so a ping can never be used to flood. */
export const MAX_PING_BYTES = 32;
/** Terminal sizes the server accepts (a pty far larger than any screen only costs the remote side memory). */
export const MAX_COLS = 1000;
export const MAX_ROWS = 500;
/** Status frames are small JSON documents; anything bigger is not ours. */
export const MAX_STATUS_BYTES = 16 * 1024;

/** Longest `command` a session URL may carry. */
export const MAX_COMMAND_BYTES = 1024;

/** Who holds a session and what is kept of it: sent after `connected`, and again whenever it changes. */
export interface SessionStatus {
  state: "session";
  /** The session's id: a reload or another tab reattaches with `attach=<id>`. */
  id: string;
  /** True when this viewer's input and size reach the pty; a view-only viewer can take over (`0x04`). */
  writer: boolean;
  /** Browser sockets watching the session, this one included. */
  viewers: number;
  /** True while the session outlives its viewers (persistent sessions): leaving the page detaches it. */
  persistent: boolean;
  /** True while the session is being recorded. */
  recording: boolean;
}

/** What the server says about the session, carried by a status frame. */
export type TerminalStatus =
  | { state: "connecting"; host: { id: string; name: string } }
  | { state: "connected"; host: { id: string; name: string; address: string; user: string } }
  | { state: "closed"; reason: "exit" | "closed" | "disconnected"; exitCode: number | null; message: string }
  | {
      state: "error";
      /** A stable code: `module_required`, `TERMINAL_ERR_*` or a `HOST_ERR_SSH_*` code of the SSH service. */
      code: string;
      message: string;
      /** With `module_required`: the module that lifts the free limit, its price and where to buy it. */
      module?: string;
      price?: string;
      purchaseUrl?: string;
    }
  | SessionStatus;

/** A decoded browser frame. */
export type ClientFrame =
  | { type: "input"; data: Uint8Array }
  | { type: "resize"; cols: number; rows: number }
  | { type: "ack"; bytes: number }
  | { type: "ping"; payload: Uint8Array }
  | { type: "takeover" };

/** A decoded server frame. */
export type ServerFrame = { type: "output"; data: Uint8Array } | { type: "status"; status: TerminalStatus } | { type: "pong"; payload: Uint8Array };

/** Why a frame was refused; the server closes the socket with code 1002 and this text as the reason. */
export class ProtocolError extends Error {
  readonly code = "TERMINAL_ERR_PROTOCOL";
}

function frame(op: number, payloadLength: number): Uint8Array {
  const out = new Uint8Array(1 + payloadLength);
  out[0] = op;
  return out;
}

function withPayload(op: number, payload: Uint8Array): Uint8Array {
  const out = frame(op, payload.byteLength);
  out.set(payload, 1);
  return out;
}

const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

/** Browser → server: keystrokes or pasted bytes (at most {@link MAX_INPUT_BYTES}). */
export function encodeInput(data: Uint8Array): Uint8Array {
  if (data.byteLength === 0 || data.byteLength > MAX_INPUT_BYTES) throw new ProtocolError(`input must be 1-${MAX_INPUT_BYTES} bytes`);
  return withPayload(ClientOp.input, data);
}

/** Browser → server: the terminal's new size. */
export function encodeResize(cols: number, rows: number): Uint8Array {
  checkSize(cols, rows);
  const out = frame(ClientOp.resize, 4);
  view(out).setUint16(1, cols);
  view(out).setUint16(3, rows);
  return out;
}

/** Browser → server: this many more output bytes were rendered (flow control). */
export function encodeAck(bytes: number): Uint8Array {
  if (!Number.isInteger(bytes) || bytes < 1 || bytes > 0xffffffff) throw new ProtocolError("ack must count 1 to 2^32-1 bytes");
  const out = frame(ClientOp.ack, 4);
  view(out).setUint32(1, bytes);
  return out;
}

/** Browser → server: a ping whose payload the server echoes in a pong. */
export function encodePing(payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  if (payload.byteLength > MAX_PING_BYTES) throw new ProtocolError(`ping payload is at most ${MAX_PING_BYTES} bytes`);
  return withPayload(ClientOp.ping, payload);
}

/** Browser → server: this viewer becomes the session's writer; the previous writer becomes view-only. */
export function encodeTakeover(): Uint8Array {
  return frame(ClientOp.takeover, 0);
}

/** Server → browser: one coalesced output frame from the given chunks. */
export function encodeOutput(chunks: readonly Uint8Array[], totalBytes?: number): Uint8Array {
  const total = totalBytes ?? chunks.reduce((n, c) => n + c.byteLength, 0);
  const out = frame(ServerOp.output, total);
  let at = 1;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** Server → browser: a status document. */
export function encodeStatus(status: TerminalStatus): Uint8Array {
  return withPayload(ServerOp.status, new TextEncoder().encode(JSON.stringify(status)));
}

/** Server → browser: the answer to a ping, echoing its payload. */
export function encodePong(payload: Uint8Array): Uint8Array {
  return withPayload(ServerOp.pong, payload);
}

function checkSize(cols: number, rows: number): void {
  if (!Number.isInteger(cols) || !Number.isInteger(rows) || cols < 1 || rows < 1 || cols > MAX_COLS || rows > MAX_ROWS) {
    throw new ProtocolError(`terminal size must be 1-${MAX_COLS} columns and 1-${MAX_ROWS} rows`);
  }
}

/** True for a size the server accepts. */
export function isValidSize(cols: number, rows: number): boolean {
  try {
    checkSize(cols, rows);
    return true;
  } catch {
    return false;
  }
}

/**
 * Decodes a browser frame. Throws {@link ProtocolError} for anything that is not exactly a frame of
 * PROTOCOL.md: an unknown opcode, a wrong length, a size out of range, an ack of zero bytes.
 */
export function decodeClientFrame(buf: Uint8Array): ClientFrame {
  if (buf.byteLength === 0) throw new ProtocolError("empty frame");
  const op = buf[0];
  const payload = buf.subarray(1);
  switch (op) {
    case ClientOp.input:
      if (payload.byteLength === 0 || payload.byteLength > MAX_INPUT_BYTES) throw new ProtocolError(`input must be 1-${MAX_INPUT_BYTES} bytes`);
      return { type: "input", data: payload };
    case ClientOp.resize: {
      if (payload.byteLength !== 4) throw new ProtocolError("resize carries exactly 4 bytes");
      const cols = view(payload).getUint16(0);
      const rows = view(payload).getUint16(2);
      checkSize(cols, rows);
      return { type: "resize", cols, rows };
    }
    case ClientOp.ack: {
      if (payload.byteLength !== 4) throw new ProtocolError("ack carries exactly 4 bytes");
      const bytes = view(payload).getUint32(0);
      if (bytes === 0) throw new ProtocolError("ack of zero bytes");
      return { type: "ack", bytes };
    }
    case ClientOp.ping:
      if (payload.byteLength > MAX_PING_BYTES) throw new ProtocolError(`ping payload is at most ${MAX_PING_BYTES} bytes`);
      return { type: "ping", payload };
    case ClientOp.takeover:
      if (payload.byteLength !== 0) throw new ProtocolError("takeover carries no payload");
      return { type: "takeover" };
    default:
      throw new ProtocolError(`unknown opcode 0x${(op ?? 0).toString(16).padStart(2, "0")}`);
  }
}

const STATES = new Set(["connecting", "connected", "closed", "error", "session"]);

/** Decodes a server frame (the browser's side). Throws {@link ProtocolError} on anything malformed. */
export function decodeServerFrame(buf: Uint8Array): ServerFrame {
  if (buf.byteLength === 0) throw new ProtocolError("empty frame");
  const op = buf[0];
  const payload = buf.subarray(1);
  switch (op) {
    case ServerOp.output:
      return { type: "output", data: payload };
    case ServerOp.status: {
      if (payload.byteLength > MAX_STATUS_BYTES) throw new ProtocolError("status frame too large");
      let status: unknown;
      try {
        status = JSON.parse(new TextDecoder().decode(payload));
      } catch {
        throw new ProtocolError("status frame is not JSON");
      }
      if (typeof status !== "object" || status === null || !STATES.has((status as { state?: unknown }).state as string)) {
        throw new ProtocolError("status frame has no known state");
      }
      return { type: "status", status: status as TerminalStatus };
    }
    case ServerOp.pong:
      if (payload.byteLength > MAX_PING_BYTES) throw new ProtocolError(`pong payload is at most ${MAX_PING_BYTES} bytes`);
      return { type: "pong", payload };
    default:
      throw new ProtocolError(`unknown opcode 0x${(op ?? 0).toString(16).padStart(2, "0")}`);
  }
}
