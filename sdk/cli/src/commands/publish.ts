import { createReadStream, statSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { resolve } from "node:path";
import { SdkError } from "@archnest/sdk";
import type { Args } from "../args.js";
import { type CliIo, line, progressBar } from "../io.js";

interface PublishAnswer {
  name?: string;
  version?: string;
  integrity?: string;
  tarball?: string;
  error?: string;
  message?: string;
}

/**
 * `archnest-plugin publish FILE.tgz --registry URL [--token T]`: streams the signed tarball to the
 * registry's `PUT /v1/packages`, drawing upload progress on a terminal. The registry verifies it with
 * the same SDK code the host runs and answers with a stable code when it refuses.
 */
export async function publish(args: Args, io: CliIo): Promise<number> {
  const json = Boolean(args.values.json);
  const file = args.positionals[1];
  if (!file) throw new SdkError("SDK_ERR_USAGE", "Usage: archnest-plugin publish FILE.tgz --registry URL [--token TOKEN]");
  const registry = (typeof args.values.registry === "string" ? args.values.registry : undefined) ?? io.env.ARCHNEST_REGISTRY_URL;
  if (!registry || !URL.canParse(registry)) throw new SdkError("SDK_ERR_USAGE", "Pass --registry URL (or set ARCHNEST_REGISTRY_URL).");
  const token = (typeof args.values.token === "string" ? args.values.token : undefined) ?? io.env.ARCHNEST_REGISTRY_TOKEN;
  if (!token) throw new SdkError("SDK_ERR_USAGE", "Pass --token TOKEN or set ARCHNEST_REGISTRY_TOKEN.");
  const path = resolve(io.cwd, file);
  let size: number;
  try {
    size = statSync(path).size;
  } catch {
    throw new SdkError("SDK_ERR_IO", `Cannot read ${path}.`);
  }
  const url = new URL("v1/packages", registry.endsWith("/") ? registry : `${registry}/`);
  const bar = progressBar(io, "publish", json);
  let answer: { status: number; body: PublishAnswer };
  try {
    answer = await upload(url, path, size, token, (sent) => bar.update(sent, size));
  } finally {
    bar.stop();
  }
  const { status, body } = answer;
  if (status === 201) {
    if (json) line(io.stdout, JSON.stringify({ ok: true, ...body }));
    else line(io.stdout, `Published ${body.name}@${body.version} to ${url.origin}\n  ${body.integrity}\n  ${body.tarball}`);
    return 0;
  }
  const code = body.error ?? `HTTP_${status}`;
  const message = body.message ?? `The registry answered ${status}.`;
  if (json) line(io.stdout, JSON.stringify({ ok: false, status, code, message }));
  else line(io.stderr, `✗ ${message} [${code}]`);
  return 1;
}

function upload(url: URL, path: string, size: number, token: string, onSent: (sent: number) => void): Promise<{ status: number; body: PublishAnswer }> {
  return new Promise((resolvePromise, reject) => {
    const send = url.protocol === "https:" ? httpsRequest : httpRequest;
    const req = send(
      url,
      {
        method: "PUT",
        headers: { authorization: `Bearer ${token}`, "content-type": "application/octet-stream", "content-length": String(size) },
      },
      (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          let body: PublishAnswer = {};
          try {
            body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as PublishAnswer;
          } catch {
            // a proxy's HTML error page: the status code says enough
          }
          resolvePromise({ status: res.statusCode ?? 0, body });
        });
        res.on("error", reject);
      },
    );
    req.on("error", (err) => reject(new SdkError("SDK_ERR_IO", `Cannot reach the registry at ${url.origin}: ${err.message}`)));
    let sent = 0;
    const source = createReadStream(path, { highWaterMark: 64 * 1024 });
    source.on("data", (chunk) => {
      sent += chunk.length;
      onSent(sent);
    });
    source.on("error", (err) => req.destroy(err));
    source.pipe(req);
  });
}
