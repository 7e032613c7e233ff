import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { discardUnread, limitedBody } from "./limited-body.js";

const tooLarge = () => new Error("too large");

describe("limitedBody", () => {
  it("passes a body within the cap through unchanged, from a Node stream or a web stream", async () => {
    const parts = [Buffer.from("hello "), Buffer.from("world")];
    expect(await new Response(limitedBody(Readable.from(parts), 11, tooLarge)).text()).toBe("hello world");
    const web = new Response("hello world").body as ReadableStream<Uint8Array>;
    expect(await new Response(limitedBody(web, 11, tooLarge)).text()).toBe("hello world");
  });

  it("errors with the overflow error once the bytes read pass the cap, without reading the rest", async () => {
    let produced = 0;
    const endless = new Readable({
      read() {
        produced += 1024;
        this.push(Buffer.alloc(1024));
      },
    });
    await expect(new Response(limitedBody(endless, 10_000, tooLarge)).arrayBuffer()).rejects.toThrow("too large");
    // One chunk past the cap, plus what the stream read ahead into its own buffer, and no more.
    expect(produced).toBeLessThan(10_000 + 64 * 1024);
    // The source is left open for the server to answer on and drain.
    expect(endless.destroyed).toBe(false);
    endless.destroy();
  });

  it("passes a source error on to the reader", async () => {
    const failing = new Readable({
      read() {
        this.destroy(new Error("connection reset"));
      },
    });
    await expect(new Response(limitedBody(failing, 100, tooLarge)).text()).rejects.toThrow("connection reset");
  });
});

describe("discardUnread", () => {
  it("drops what is left of a stream so it ends, and leaves an ended one alone", async () => {
    const rest = Readable.from([Buffer.alloc(10), Buffer.alloc(10)]);
    const ended = new Promise((resolve) => rest.once("end", resolve));
    discardUnread(rest, 1000);
    await ended;
    expect(rest.readableEnded).toBe(true);
    discardUnread(rest, 1000);
  });
});
