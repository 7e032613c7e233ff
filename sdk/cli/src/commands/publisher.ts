import { chmodSync, readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { SdkError } from "@archnest/sdk";
import { readPublicKeyFile } from "@archnest/sdk/node";
import { publicKeyToPem } from "@archnest/sdk/trust";
import { type Args, optionalList, requireString } from "../args.js";
import { type CliIo, line } from "../io.js";
import { answerOf, failed } from "./http.js";

function readJsonFile(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new SdkError("SDK_ERR_IO", `Cannot read ${path}.`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new SdkError("SDK_ERR_USAGE", `${path} is not JSON.`);
  }
}

/**
 * `archnest-plugin publisher register --registry URL --name NAME --scope @me --root root.pub --keyring
 * keyring.json [--token-file FILE]`: registers a trusted publisher with the registry (no admin token),
 * printing its fingerprint and the publish token (or writing the token to a 0600 file).
 */
export async function publisherRegister(args: Args, io: CliIo): Promise<number> {
  const json = Boolean(args.values.json);
  const registry = (typeof args.values.registry === "string" ? args.values.registry : undefined) ?? io.env.ARCHNEST_REGISTRY_URL;
  if (!registry || !URL.canParse(registry)) throw new SdkError("SDK_ERR_USAGE", "Pass --registry URL (or set ARCHNEST_REGISTRY_URL).");
  const name = requireString(args, "name");
  const scopes = optionalList(args, "scope");
  if (scopes.length === 0) throw new SdkError("SDK_ERR_USAGE", "Pass --scope @yourscope (once per npm scope).");
  const root = readPublicKeyFile(resolve(io.cwd, requireString(args, "root")));
  const keyring = readJsonFile(resolve(io.cwd, requireString(args, "keyring")));
  const url = new URL("v1/publishers", registry.endsWith("/") ? registry : `${registry}/`);
  let res: Response;
  try {
    res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name, scopes, rootPublicKey: publicKeyToPem(root), keyring }),
    });
  } catch (err) {
    throw new SdkError("SDK_ERR_IO", `Cannot reach the registry at ${url.origin}: ${(err as Error).message}`);
  }
  const answer = await answerOf(res);
  if (res.status !== 201) return failed(io, json, res.status, answer);
  const tokenFile = typeof args.values["token-file"] === "string" ? resolve(io.cwd, args.values["token-file"]) : undefined;
  if (tokenFile) {
    // Written 0600 from the first byte: the token publishes under the publisher's name.
    writeFileSync(tokenFile, `${String(answer.token)}\n`, { mode: 0o600 });
    chmodSync(tokenFile, 0o600);
  }
  const out = { ok: true, name: answer.name, scopes: answer.scopes, fingerprint: answer.fingerprint, ...(tokenFile ? { tokenFile } : { token: answer.token }) };
  if (json) line(io.stdout, JSON.stringify(out));
  else {
    line(io.stdout, `Registered publisher "${String(answer.name)}" for ${(answer.scopes as string[]).join(", ")}`);
    line(io.stdout, `  fingerprint: ${String(answer.fingerprint)}   (hosts trust you by this; publish it where your users can check it)`);
    if (tokenFile) line(io.stdout, `  token written to ${tokenFile} (mode 0600)`);
    else line(io.stdout, `  token: ${String(answer.token)}   (shown once; keep it secret, use it as ARCHNEST_REGISTRY_TOKEN to publish)`);
  }
  return 0;
}
