import { createReadStream, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { dirname, join, resolve } from "node:path";
import { Writable } from "node:stream";
import { SdkError } from "@archnest/sdk";
import { packPlugin, privateKeyFromEnv, readPluginPackage, readPrivateKeyFile, signTarball } from "@archnest/sdk/node";
import { type Args, optionalList, parseCli } from "../args.js";
import { type CliIo, line, progressBar } from "../io.js";
import { buildPlugin } from "./build.js";
import { publisherRegister } from "./publisher.js";

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
 *
 * Without a file, in a plugin folder (`archnest-plugin publish [DIR]`), it does the whole release:
 * build, pack, sign (keys/release.key or ARCHNEST_SIGNING_KEY), register the publisher on first use
 * (keys/root.pub and keyring.json, the token kept in `publish-token`), then upload.
 */
export async function publish(args: Args, io: CliIo): Promise<number> {
  const json = Boolean(args.values.json);
  const registry = (typeof args.values.registry === "string" ? args.values.registry : undefined) ?? io.env.ARCHNEST_REGISTRY_URL;
  if (!registry || !URL.canParse(registry)) throw new SdkError("SDK_ERR_USAGE", "Pass --registry URL (or set ARCHNEST_REGISTRY_URL).");
  const target = resolve(io.cwd, args.positionals[1] ?? ".");
  if (existsSync(target) && statSync(target).isDirectory()) return releaseProject(target, registry, args, io);
  const token = (typeof args.values.token === "string" ? args.values.token : undefined) ?? io.env.ARCHNEST_REGISTRY_TOKEN;
  if (!token) throw new SdkError("SDK_ERR_USAGE", "Pass --token TOKEN or set ARCHNEST_REGISTRY_TOKEN.");
  return uploadTarball(target, registry, token, json, io);
}

async function uploadTarball(path: string, registry: string, token: string, json: boolean, io: CliIo): Promise<number> {
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

async function releaseProject(dir: string, registry: string, args: Args, io: CliIo): Promise<number> {
  const json = Boolean(args.values.json);
  const pkg = readPluginPackage(dir);
  const tokenFile = join(dir, "publish-token");
  let token = (typeof args.values.token === "string" ? args.values.token : undefined) ?? io.env.ARCHNEST_REGISTRY_TOKEN;
  if (!token && existsSync(tokenFile)) token = readFileSync(tokenFile, "utf8").trim();
  const step = steps(io, json, token ? 4 : 5);

  step(`build ${pkg.name}@${pkg.version}`);
  await buildPlugin(dir, { quiet: true });

  step("pack");
  const out = join(dir, ".archnest", `${pkg.name.replace(/^@/, "").replace("/", "-")}-${pkg.version}.tgz`);
  mkdirSync(dirname(out), { recursive: true });
  await packPlugin(dir, out);

  const keyArg = optionalList(args, "key")[0];
  const envKey = io.env.ARCHNEST_SIGNING_KEY;
  const keyFile = resolve(dir, keyArg ?? "keys/release.key");
  if (!keyArg && !envKey && !existsSync(keyFile)) {
    throw new SdkError("SDK_ERR_USAGE", `No release key: pass --key RELEASE.key, set ARCHNEST_SIGNING_KEY, or keep it in ${keyFile}.`);
  }
  const key = !keyArg && envKey ? privateKeyFromEnv(envKey) : readPrivateKeyFile(keyFile);
  step(`sign with key ${key.keyid.slice(0, 16)}`);
  await signTarball(out, key);

  if (!token) {
    // First release: register as a trusted publisher of the package's scope with the project's own keys.
    const scope = pkg.name.startsWith("@") ? pkg.name.slice(0, pkg.name.indexOf("/")) : undefined;
    if (!scope) throw new SdkError("SDK_ERR_USAGE", `${pkg.name} has no npm scope; a publisher publishes under its own @scope.`);
    const name = (typeof args.values.name === "string" ? args.values.name : undefined) ?? scope.slice(1);
    step(`register publisher "${name}" for ${scope}`);
    // With --json the release answers one JSON line (the upload's); the registration's own line is dropped.
    const quiet = new Writable({ write: (_chunk, _enc, done) => done() });
    const registered = await publisherRegister(
      parseCli([
        "publisher",
        "register",
        "--registry",
        registry,
        "--name",
        name,
        "--scope",
        scope,
        "--root",
        "keys/root.pub",
        "--keyring",
        "keyring.json",
        "--token-file",
        tokenFile,
      ]),
      { ...io, cwd: dir, ...(json && { stdout: quiet }) },
    );
    if (registered !== 0) return registered;
    token = readFileSync(tokenFile, "utf8").trim();
  }
  step("upload");
  return uploadTarball(out, registry, token, json, io);
}

/** Numbered steps on stderr ("[2/4] pack"), so long releases show where they are; silent with --json. */
function steps(io: CliIo, json: boolean, total: number): (label: string) => void {
  let n = 0;
  return (label) => {
    n += 1;
    if (!json) line(io.stderr, `[${n}/${total}] ${label}`);
  };
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
