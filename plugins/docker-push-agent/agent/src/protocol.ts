/**
 * The wire protocol between the Docker push agent and the ArchNest plugin that receives it, over one
 * WebSocket the agent opens (`/api/plugins/docker-push-agent/agent/connect`).
 *
 * Text frames are JSON control messages. The server first sends a challenge; the agent answers with its
 * id and an Ed25519 signature of the challenge (or, the first time, a one-time enrollment token and the
 * public key it will sign with from then on). After the welcome, the agent pushes its engine's state and
 * events, and the server opens channels: each is one byte stream to the agent's engine API, carried in
 * binary frames `[u32 channel][bytes]` with a per-channel window (a sender waits for `ack`s once
 * {@link WINDOW} bytes are in flight), so a busy log stream cannot starve the other channels or fill
 * either side's memory.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject, sign, verify } from "node:crypto";
import { Duplex } from "node:stream";

export const PROTOCOL = "archnest-docker-agent/1";
/** The plugin's agent route, under the ArchNest URL. */
export const AGENT_PATH = "/api/plugins/docker-push-agent/agent/connect";
/** Bytes a channel may have in flight before its sender waits for the receiver's acks. */
export const WINDOW = 1024 * 1024;
/** How often the agent says it is alive; the server drops an agent silent for three of these. */
export const HEARTBEAT_MS = 15_000;
/** WebSocket close codes the server uses when it refuses an agent for good: the agent stops retrying. */
export const CLOSE_REFUSED = 4403;

/** What an admin may let ArchNest do through an agent beyond reading (none by default). */
export type AgentAction = "start" | "stop" | "restart" | "exec";
export const AGENT_ACTIONS: readonly AgentAction[] = ["start", "stop", "restart", "exec"];

/** One container as the agent reports it. */
export interface AgentContainer {
  id: string;
  name: string;
  image: string;
  state: string;
  status: string;
}

/** The engine's state as the agent last saw it. */
export interface AgentState {
  at: number;
  engine: { version: string; apiVersion: string; os: string; arch: string } | null;
  /** Why the engine could not be read, when it could not. */
  error?: string;
  containers: AgentContainer[];
}

/** A container event of the engine (`docker events`), as the agent forwards it. */
export interface AgentEvent {
  time: number;
  action: string;
  id: string;
  name: string;
  image: string;
}

type ChannelControl = { t: "ack"; ch: number; n: number } | { t: "end"; ch: number } | { t: "close"; ch: number; message?: string };

export type ServerMessage =
  | { t: "challenge"; nonce: string; protocol: string }
  | { t: "welcome"; agentId: string; name: string; actions: AgentAction[]; heartbeatMs: number }
  | { t: "policy"; actions: AgentAction[] }
  | { t: "refused"; code: string; message: string }
  | { t: "pong" }
  | { t: "open"; ch: number }
  | ChannelControl;

export type AgentMessage =
  | { t: "hello"; agentId: string; signature: string; version: string; hostname: string }
  | { t: "enroll"; token: string; publicKey: string; signature: string; version: string; hostname: string; name?: string }
  | { t: "ping" }
  | { t: "state"; state: AgentState }
  | { t: "event"; event: AgentEvent }
  | { t: "opened"; ch: number }
  | ChannelControl;

/** What the agent signs to prove it holds its key: the protocol and the server's fresh nonce. */
function challengeBytes(nonce: string): Buffer {
  return Buffer.from(`${PROTOCOL}\n${nonce}`, "utf8");
}

/** A new Ed25519 key pair: the private key as PKCS#8 PEM, the public key as base64url of its 32 bytes. */
export function generateAgentKey(): { privateKeyPem: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return { privateKeyPem: privateKey.export({ format: "pem", type: "pkcs8" }).toString(), publicKey: rawPublicKey(publicKey) };
}

function rawPublicKey(key: KeyObject): string {
  return String(key.export({ format: "jwk" }).x);
}

/** The public key (base64url) of a PEM private key. */
export function publicKeyOf(privateKeyPem: string): string {
  return rawPublicKey(createPublicKey(createPrivateKey(privateKeyPem)));
}

export function signChallenge(privateKeyPem: string, nonce: string): string {
  return sign(null, challengeBytes(nonce), createPrivateKey(privateKeyPem)).toString("base64url");
}

/** True when `signature` is the holder of `publicKey` signing `nonce`; false for anything malformed. */
export function verifyChallenge(publicKey: string, nonce: string, signature: string): boolean {
  try {
    if (!/^[A-Za-z0-9_-]{43}$/.test(publicKey) || !/^[A-Za-z0-9_-]{86}$/.test(signature)) return false;
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: publicKey }, format: "jwk" });
    return verify(null, challengeBytes(nonce), key, Buffer.from(signature, "base64url"));
  } catch {
    return false;
  }
}

/** Parses a text frame into a message with a string `t`, or undefined. */
export function parseMessage<T extends { t: string }>(data: string): T | undefined {
  try {
    const msg = JSON.parse(data) as unknown;
    return typeof msg === "object" && msg !== null && typeof (msg as { t?: unknown }).t === "string" ? (msg as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Where a mux sends its frames: the WebSocket of the connection. */
export interface MuxOutput {
  text(message: ChannelControl | { t: "opened"; ch: number } | { t: "open"; ch: number }): void;
  binary(frame: Uint8Array): void;
}

/**
 * The channels of one connection. Both sides use it: the server opens channels, the agent accepts them.
 * Channel ids are chosen by the server.
 */
export class ChannelMux {
  private readonly channels = new Map<number, Channel>();

  constructor(private readonly out: MuxOutput) {}

  get size(): number {
    return this.channels.size;
  }

  /** A new channel with this id (the caller sends `open` or `opened`). */
  create(id: number): Channel {
    const channel = new Channel(id, this.out, () => this.channels.delete(id));
    this.channels.set(id, channel);
    return channel;
  }

  get(id: number): Channel | undefined {
    return this.channels.get(id);
  }

  /** A binary frame from the other side: bytes for one channel. */
  onBinary(frame: Uint8Array): void {
    if (frame.byteLength < 4) return;
    const id = Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength).readUInt32BE(0);
    this.channels.get(id)?.receive(frame.subarray(4));
  }

  /** A channel's control message from the other side; false when the message is not one. */
  onControl(msg: { t: string; ch?: unknown; n?: unknown; message?: unknown }): boolean {
    if (typeof msg.ch !== "number") return false;
    const channel = this.channels.get(msg.ch);
    if (msg.t === "ack") channel?.acked(typeof msg.n === "number" ? msg.n : 0);
    else if (msg.t === "end") channel?.remoteEnded();
    else if (msg.t === "close") channel?.remoteClosed(typeof msg.message === "string" ? msg.message : undefined);
    else return false;
    return true;
  }

  /** Ends every channel with an error: the connection is gone. */
  closeAll(reason: string): void {
    for (const channel of [...this.channels.values()]) channel.remoteClosed(reason);
  }
}

/**
 * One byte stream of a connection, as a Duplex with the few socket methods HTTP clients and servers call
 * (`setTimeout`, a real idle timeout as on a socket, `setNoDelay`, `setKeepAlive`), so it can stand in for
 * a TCP socket on either side: node:http's keep-alive timeouts close idle channels.
 */
export class Channel extends Duplex {
  private inflight = 0;
  private waiting: ((err?: Error | null) => void) | undefined;
  private owed = 0;
  private ackScheduled = false;
  private closedByRemote = false;
  private idleMs = 0;
  private idleTimer: NodeJS.Timeout | undefined;
  readonly remoteAddress = "agent";

  constructor(
    readonly id: number,
    private readonly out: MuxOutput,
    private readonly forget: () => void,
  ) {
    super({ allowHalfOpen: true });
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (err?: Error | null) => void): void {
    const frame = Buffer.allocUnsafe(4 + chunk.byteLength);
    frame.writeUInt32BE(this.id, 0);
    frame.set(chunk, 4);
    this.out.binary(frame);
    this.armIdle();
    this.inflight += chunk.byteLength;
    if (this.inflight > WINDOW) this.waiting = callback;
    else callback();
  }

  override _final(callback: (err?: Error | null) => void): void {
    if (!this.closedByRemote) this.out.text({ t: "end", ch: this.id });
    callback();
  }

  override _read(): void {
    this.flushAck();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    this.forget();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    if (!this.closedByRemote) this.out.text({ t: "close", ch: this.id, ...(err && { message: err.message }) });
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.(err ?? new Error("channel closed"));
    callback(err);
  }

  /** Bytes from the other side. They are acked once this side's reader has room for more. */
  receive(data: Uint8Array): void {
    if (this.destroyed) return;
    this.owed += data.byteLength;
    this.armIdle();
    if (this.push(Buffer.from(data))) this.scheduleAck();
  }

  private scheduleAck(): void {
    if (this.ackScheduled) return;
    this.ackScheduled = true;
    setImmediate(() => this.flushAck());
  }

  private flushAck(): void {
    this.ackScheduled = false;
    if (this.owed === 0 || this.destroyed) return;
    this.out.text({ t: "ack", ch: this.id, n: this.owed });
    this.owed = 0;
  }

  acked(n: number): void {
    this.inflight = Math.max(0, this.inflight - n);
    if (this.waiting && this.inflight <= WINDOW) {
      const callback = this.waiting;
      this.waiting = undefined;
      callback();
    }
  }

  remoteEnded(): void {
    this.push(null);
  }

  remoteClosed(message: string | undefined): void {
    this.closedByRemote = true;
    this.destroy(message ? new Error(message) : undefined);
  }

  /** Emits `timeout` once nothing was read or written for `ms` (0 turns it off), as a socket does. */
  setTimeout(ms: number, callback?: () => void): this {
    this.idleMs = ms;
    if (callback) this.once("timeout", callback);
    this.armIdle();
    return this;
  }

  private armIdle(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = this.idleMs > 0 && !this.destroyed ? setTimeout(() => this.emit("timeout"), this.idleMs) : undefined;
    this.idleTimer?.unref();
  }

  setNoDelay(_noDelay?: boolean): this {
    return this;
  }

  setKeepAlive(_enable?: boolean, _delay?: number): this {
    return this;
  }

  ref(): this {
    return this;
  }

  unref(): this {
    return this;
  }
}
