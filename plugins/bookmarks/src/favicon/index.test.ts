import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fetchFavicon, iconLinks, isPrivateAddress, sniffImage } from "./index.js";

const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(40, 1)]);
const ICO = Buffer.concat([Buffer.from([0, 0, 1, 0, 1, 0]), Buffer.alloc(40, 2)]);

let server: Server;
let base: string;
let port: number;
const hits: string[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    hits.push(req.url ?? "");
    if (req.url === "/app") {
      res.setHeader("content-type", "text/html");
      return res.end('<html><head><link rel="shortcut icon" href="/static/icon.png"></head></html>');
    }
    if (req.url === "/static/icon.png") return res.end(PNG);
    if (req.url === "/favicon.ico") return res.end(ICO);
    if (req.url === "/svg") {
      res.setHeader("content-type", "text/html");
      return res.end('<link rel=icon href="/evil.svg">');
    }
    if (req.url === "/evil.svg") return res.end('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>');
    if (req.url === "/elsewhere") {
      // A hop to another name for a loopback address: not the host the person bookmarked.
      res.statusCode = 302;
      res.setHeader("location", `http://localhost:${port}/static/icon.png`);
      return res.end();
    }
    if (req.url === "/huge") {
      res.setHeader("content-type", "text/html");
      return res.end('<link rel="icon" href="/big.png">');
    }
    if (req.url === "/big.png") return res.end(Buffer.concat([PNG, Buffer.alloc(200 * 1024)]));
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("fetchFavicon", () => {
  it("follows the page's link rel=icon on the bookmarked host, even a loopback one, and returns a data URL", async () => {
    expect(await fetchFavicon(`${base}/app`)).toBe(`data:image/png;base64,${PNG.toString("base64")}`);
  });

  it("falls back to /favicon.ico", async () => {
    expect(await fetchFavicon(`${base}/nothing-here`)).toBe(`data:image/x-icon;base64,${ICO.toString("base64")}`);
  });

  it("never follows a redirect to a private address under another name", async () => {
    hits.length = 0;
    const icon = await fetchFavicon(`${base}/elsewhere`);
    // The redirect itself was refused; only the bookmarked host's own /favicon.ico answered.
    expect(icon).toBe(`data:image/x-icon;base64,${ICO.toString("base64")}`);
    expect(hits.filter((h) => h === "/static/icon.png")).toHaveLength(0);
  });

  it("refuses SVG and icons over the size cap (letter avatar instead)", async () => {
    // Both pages link an unusable icon; the host's own /favicon.ico is what is kept.
    hits.length = 0;
    expect(await fetchFavicon(`http://localhost:${port}/svg`)).toBe(`data:image/x-icon;base64,${ICO.toString("base64")}`);
    expect(hits).toContain("/evil.svg");
    hits.length = 0;
    expect(await fetchFavicon(`${base}/huge`)).toBe(`data:image/x-icon;base64,${ICO.toString("base64")}`);
    expect(hits).toContain("/big.png");
  });

  it("gives up quietly on a host that does not answer", async () => {
    expect(await fetchFavicon("http://127.0.0.1:9/")).toBeUndefined();
  });
});

describe("helpers", () => {
  it("classifies addresses", () => {
    for (const a of [
      "127.0.0.1",
      "10.1.2.3",
      "192.168.1.1",
      "172.20.0.1",
      "169.254.169.254",
      "100.64.0.1",
      "::1",
      "fd00::1",
      "fe80::1",
      "::ffff:127.0.0.1",
      "0.0.0.0",
    ]) {
      expect(isPrivateAddress(a), a).toBe(true);
    }
    for (const a of ["93.184.216.34", "1.1.1.1", "2606:4700::1111"]) expect(isPrivateAddress(a), a).toBe(false);
  });

  it("sniffs raster formats only", () => {
    expect(sniffImage(PNG)).toBe("image/png");
    expect(sniffImage(Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'></svg>"))).toBeUndefined();
  });

  it("ranks icon links", () => {
    const links = iconLinks('<link rel="apple-touch-icon" href="/a.png"><link rel=icon href="b.ico">', new URL("https://x.example/p/"));
    expect(links.map(String)).toEqual(["https://x.example/p/b.ico", "https://x.example/a.png"]);
  });
});
