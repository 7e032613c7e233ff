// Contract test: tarballs in an S3-compatible bucket, against a local server that answers PutObject,
// GetObject, HeadObject and DeleteObject as the Amazon S3 API reference documents and checks each
// request's Signature Version 4.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { text } from "node:stream/consumers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3TarballStorage } from "../src/storage/index.js";
import { signV4 } from "../src/storage/sigv4.js";
import { call, createAuthor, devBuy, makePlugin, publish, registerInstall, signed, startRegistry } from "./helpers.js";

const CREDS = { accessKeyId: "AKIDARCHNESTTEST", secretAccessKey: "secret/archnest+test" };
const objects = new Map<string, Buffer>();
const seen: { method: string; path: string; signatureOk: boolean }[] = [];
let server: Server;
let endpoint: string;

function xmlError(code: string, message: string, key: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message><Key>${key}</Key><RequestId>4442587FB7D0A2F9</RequestId></Error>`;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const path = req.url ?? "/";
      // Recompute the signature over the headers the client says it signed.
      const auth = req.headers.authorization ?? "";
      const signedNames = auth.match(/SignedHeaders=([^,]+)/)?.[1]?.split(";") ?? [];
      const headers: Record<string, string> = {};
      for (const n of signedNames) if (n !== "x-amz-date" && n !== "x-amz-content-sha256") headers[n] = String(req.headers[n] ?? "");
      const amzDate = String(req.headers["x-amz-date"] ?? "");
      const when = new Date(
        `${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`,
      );
      const payloadHash = String(req.headers["x-amz-content-sha256"] ?? "");
      const expected = Number.isNaN(when.getTime())
        ? ""
        : signV4({ method: req.method ?? "", path, headers, payloadHash }, CREDS, "eu-central-1", when).authorization;
      const signatureOk = auth === expected && payloadHash === createHash("sha256").update(body).digest("hex");
      seen.push({ method: req.method ?? "", path, signatureOk });
      const key = decodeURIComponent(path.replace(/^\/tarball-bucket\//, ""));
      if (!signatureOk) {
        res.writeHead(403, { "content-type": "application/xml" });
        return res.end(xmlError("SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.", key));
      }
      const obj = objects.get(key);
      const etag = (b: Buffer) => `"${createHash("md5").update(b).digest("hex")}"`;
      if (req.method === "PUT") {
        objects.set(key, body);
        res.writeHead(200, { etag: etag(body), "x-amz-request-id": "0A49CE4060975EAC" });
        return res.end();
      }
      if (req.method === "DELETE") {
        objects.delete(key);
        res.writeHead(204);
        return res.end();
      }
      if (!obj) {
        res.writeHead(404, { "content-type": "application/xml" });
        return res.end(req.method === "HEAD" ? undefined : xmlError("NoSuchKey", "The specified key does not exist.", key));
      }
      res.writeHead(200, {
        "content-type": "application/octet-stream",
        "content-length": String(obj.length),
        etag: etag(obj),
        "last-modified": new Date().toUTCString(),
      });
      return res.end(req.method === "HEAD" ? undefined : obj);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

describe("contract test: S3-compatible tarball storage", () => {
  it("puts, stats, streams and deletes objects with signed requests", async () => {
    const storage = new S3TarballStorage({ endpoint, bucket: "tarball-bucket", region: "eu-central-1", ...CREDS });
    await storage.put("@acme/hello/hello-1.0.0.tgz", Readable.from([Buffer.from("tar"), Buffer.from("ball")]));
    expect(seen.at(-1)).toEqual({ method: "PUT", path: "/tarball-bucket/%40acme/hello/hello-1.0.0.tgz", signatureOk: true });
    expect(await storage.stat("@acme/hello/hello-1.0.0.tgz")).toEqual({ size: 7 });
    const stream = await storage.get("@acme/hello/hello-1.0.0.tgz");
    expect(stream && (await text(stream))).toBe("tarball");
    await storage.delete("@acme/hello/hello-1.0.0.tgz");
    expect(await storage.stat("@acme/hello/hello-1.0.0.tgz")).toBeUndefined();
    expect(await storage.get("@acme/hello/hello-1.0.0.tgz")).toBeUndefined();
    expect(seen.every((s) => s.signatureOk)).toBe(true);
  });

  it("fails loudly with wrong credentials", async () => {
    const storage = new S3TarballStorage({
      endpoint,
      bucket: "tarball-bucket",
      region: "eu-central-1",
      accessKeyId: CREDS.accessKeyId,
      secretAccessKey: "wrong",
    });
    await expect(storage.put("x/y.tgz", Readable.from([Buffer.from("x")]))).rejects.toThrow(/403/);
  });

  it("serves the registry: publish into the bucket, gated delivery out of it", async () => {
    const storage = new S3TarballStorage({ endpoint, bucket: "tarball-bucket", region: "eu-central-1", prefix: "tarballs/", ...CREDS });
    const reg = await startRegistry({ storage, devCheckout: true });
    try {
      const token = await createAuthor(reg.app, ["@archnest/*"]);
      const file = readFileSync(await makePlugin(reg.dir, { name: "@archnest/rdp", version: "1.0.0", module: "rdp", key: reg.keys.release, padBytes: 50_000 }));
      expect((await publish(reg.app, token, file)).status).toBe(201);
      expect([...objects.keys()].some((k) => k.startsWith("tarballs/@archnest/rdp/rdp-1.0.0-"))).toBe(true);
      const install = await registerInstall(reg.app);
      await devBuy(reg.app, install, "rdp");
      const res = await call(reg.app, signed(install, "GET", "/v1/tarballs/%40archnest%2Frdp/1.0.0"));
      expect(res.status).toBe(200);
      expect(Buffer.from(await res.arrayBuffer()).equals(file)).toBe(true);
    } finally {
      await reg.cleanup();
    }
  });
});
