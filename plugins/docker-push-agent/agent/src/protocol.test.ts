import { describe, expect, it } from "vitest";
import { ChannelMux, generateAgentKey, publicKeyOf, signChallenge, verifyChallenge, WINDOW } from "./protocol.js";

/** Two muxes wired to each other the way the WebSocket wires them, with frames counted. */
function pair() {
  const stats = { bytesAtoB: 0 };
  const queue: (() => void)[] = [];
  let paused = false;
  const deliver = (f: () => void) => (paused ? queue.push(f) : setImmediate(f));
  const a: ChannelMux = new ChannelMux({
    text: (m) => deliver(() => b.onControl(m)),
    binary: (frame) => {
      stats.bytesAtoB += frame.byteLength - 4;
      deliver(() => b.onBinary(frame));
    },
  });
  const b: ChannelMux = new ChannelMux({ text: (m) => deliver(() => a.onControl(m)), binary: (frame) => deliver(() => a.onBinary(frame)) });
  return {
    a,
    b,
    stats,
    pause: () => {
      paused = true;
    },
    resume: () => {
      paused = false;
      for (const f of queue.splice(0)) setImmediate(f);
    },
  };
}

describe("the agent protocol's channels", () => {
  it("carry bytes both ways, end each side on its own, and forget closed channels", async () => {
    const p = pair();
    const x = p.a.create(1);
    const y = p.b.create(1);
    const gotY: Buffer[] = [];
    y.on("data", (d: Buffer) => gotY.push(d));
    const yEnded = new Promise((r) => y.once("end", r));
    x.end("GET /_ping HTTP/1.1\r\n\r\n");
    await yEnded;
    expect(Buffer.concat(gotY).toString()).toBe("GET /_ping HTTP/1.1\r\n\r\n");
    const gotX: Buffer[] = [];
    x.on("data", (d: Buffer) => gotX.push(d));
    const xClosed = new Promise((r) => x.once("close", r));
    y.end("OK");
    await xClosed;
    expect(Buffer.concat(gotX).toString()).toBe("OK");
    await new Promise((r) => setTimeout(r, 10));
    expect([p.a.size, p.b.size]).toEqual([0, 0]);
  });

  it("stop a sender once a window is in flight unacknowledged, and go on when the reader reads", async () => {
    const p = pair();
    const x = p.a.create(7);
    const y = p.b.create(7);
    y.pause();
    const chunk = Buffer.alloc(64 * 1024, 1);
    let writes = 0;
    // Writes until the channel asks the writer to wait (write() false and the callback withheld).
    const writeAll = async () => {
      for (let i = 0; i < 200; i++) {
        writes++;
        if (!x.write(chunk)) await new Promise((r) => x.once("drain", r));
      }
      x.end();
    };
    const done = writeAll();
    await new Promise((r) => setTimeout(r, 200));
    // The reader is paused: the sender went no further than its window and the reader's buffer.
    expect(p.stats.bytesAtoB).toBeLessThanOrEqual(WINDOW + 2 * 64 * 1024 + y.readableHighWaterMark);
    expect(writes).toBeLessThan(200);
    let received = 0;
    y.on("data", (d: Buffer) => {
      received += d.byteLength;
    });
    y.resume();
    await done;
    await new Promise((r) => y.once("end", r));
    expect(received).toBe(200 * 64 * 1024);
  });

  it("fail every open channel when the connection goes", async () => {
    const p = pair();
    const x = p.a.create(3);
    const err = new Promise<Error>((r) => x.once("error", r));
    p.a.closeAll("the agent disconnected");
    expect((await err).message).toBe("the agent disconnected");
    expect(p.a.size).toBe(0);
  });
});

describe("the agent's key proof", () => {
  it("verifies the holder's signature of the nonce, and nothing else", () => {
    const k = generateAgentKey();
    expect(publicKeyOf(k.privateKeyPem)).toBe(k.publicKey);
    const sig = signChallenge(k.privateKeyPem, "nonce-1");
    expect(verifyChallenge(k.publicKey, "nonce-1", sig)).toBe(true);
    expect(verifyChallenge(k.publicKey, "nonce-2", sig)).toBe(false);
    expect(verifyChallenge(generateAgentKey().publicKey, "nonce-1", sig)).toBe(false);
    expect(verifyChallenge("not a key", "nonce-1", sig)).toBe(false);
    expect(verifyChallenge(k.publicKey, "nonce-1", "x".repeat(86))).toBe(false);
  });
});
