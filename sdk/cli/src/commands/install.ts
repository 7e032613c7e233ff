import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { SdkError } from "@archnest/sdk";
import { readPluginPackage, readPublicKeyFile } from "@archnest/sdk/node";
import type { Args } from "../args.js";
import { type CliIo, line } from "../io.js";
import { answerOf, failed } from "./http.js";
import { call, signIn } from "./trust.js";

/**
 * `archnest-plugin install [NAME] --host URL --user NAME`: installs a package from the host's registry
 * (the Module Store's Install). In a plugin folder it installs that plugin, and first trusts the
 * folder's publisher (keys/root.pub) by fingerprint, so an author's own host takes the release; the
 * permissions the manifest asks for are accepted, as the admin running it has read them.
 */
export async function install(args: Args, io: CliIo): Promise<number> {
  const json = Boolean(args.values.json);
  const dir = resolve(io.cwd);
  const local = existsSync(join(dir, "package.json")) ? readPluginPackage(dir) : undefined;
  const name = args.positionals[1] ?? local?.name;
  if (!name) throw new SdkError("SDK_ERR_USAGE", "Usage: archnest-plugin install NAME --host URL --user NAME (or run it in a plugin folder)");
  const own = local !== undefined && local.name === name;
  const session = await signIn(args, io);

  const rootPub = join(dir, "keys", "root.pub");
  if (own && existsSync(rootPub)) {
    const fingerprint = readPublicKeyFile(rootPub).keyid;
    const trusted = await call(session, "POST", "api/trust/publishers", { fingerprint });
    if (trusted.status !== 201) return failed(io, json, trusted.status, trusted.body);
    if (!json) line(io.stderr, `Trusted publisher ${String(trusted.body.name)} (${fingerprint})`);
  }

  const accept = own ? local.archnest.permissions : [];
  if (!json && accept.length > 0) line(io.stderr, `Accepting the permissions ${name} asks for: ${accept.join(", ")}`);
  let res: Response;
  try {
    res = await fetch(new URL("api/plugins/install", session.base), {
      method: "POST",
      headers: { ...session.headers, "content-type": "application/json" },
      body: JSON.stringify({ name, acceptPermissions: accept }),
    });
  } catch (err) {
    throw new SdkError("SDK_ERR_IO", `Cannot reach the host at ${session.base.origin}: ${(err as Error).message}`);
  }
  const body = await answerOf(res);
  if (res.status !== 201) return failed(io, json, res.status, body);
  if (json) line(io.stdout, JSON.stringify({ ok: true, ...body }));
  else line(io.stdout, `Installed ${name}@${String(body.version)} on ${session.base.origin}: ${String(body.state)}`);
  return 0;
}
