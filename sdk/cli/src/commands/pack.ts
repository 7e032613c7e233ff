import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { SdkError } from "@archnest/sdk";
import { packPlugin, privateKeyFromEnv, readPrivateKeyFile, readPublicKeyFile, signTarball, verifyPluginTarball } from "@archnest/sdk/node";
import { type Args, optionalInt, optionalList, requireString } from "../args.js";
import { type CliIo, line, progressBar } from "../io.js";

export async function pack(args: Args, io: CliIo): Promise<number> {
  const dir = resolve(io.cwd, args.positionals[1] ?? ".");
  const out = resolve(io.cwd, requireString(args, "out"));
  const bar = progressBar(io, "pack", Boolean(args.values.json));
  const { pkg, files } = await packPlugin(dir, out, { onProgress: (d, t) => bar.update(d, t) });
  bar.stop();
  if (args.values.json) line(io.stdout, JSON.stringify({ ok: true, name: pkg.name, version: pkg.version, file: out, files: files.length }));
  else line(io.stdout, `Packed ${pkg.name}@${pkg.version} (${files.length} files) into ${out}`);
  return 0;
}

export async function sign(args: Args, io: CliIo): Promise<number> {
  const file = args.positionals[1];
  if (!file) throw new SdkError("SDK_ERR_USAGE", "Usage: archnest-plugin sign FILE.tgz --key RELEASE.key");
  const keyArg = optionalList(args, "key")[0];
  const envKey = io.env.ARCHNEST_SIGNING_KEY;
  if (!keyArg && !envKey) throw new SdkError("SDK_ERR_USAGE", "Pass --key RELEASE.key or set ARCHNEST_SIGNING_KEY.");
  const key = keyArg ? readPrivateKeyFile(resolve(io.cwd, keyArg)) : privateKeyFromEnv(envKey ?? "");
  const bar = progressBar(io, "sign", Boolean(args.values.json));
  const statement = await signTarball(resolve(io.cwd, file), key, { onProgress: (d, t) => bar.update(d, t) });
  bar.stop();
  if (args.values.json)
    line(
      io.stdout,
      JSON.stringify({ ok: true, name: statement.name, version: statement.version, keyid: key.keyid, files: Object.keys(statement.files).length }),
    );
  else line(io.stdout, `Signed ${statement.name}@${statement.version} with key ${key.keyid.slice(0, 16)} (${Object.keys(statement.files).length} files)`);
  return 0;
}

export async function verify(args: Args, io: CliIo): Promise<number> {
  const json = Boolean(args.values.json);
  const file = args.positionals[1];
  if (!file) throw new SdkError("SDK_ERR_USAGE", "Usage: archnest-plugin verify FILE.tgz --root ROOT.pub --keyring KEYRING.json [--json]");
  const roots = optionalList(args, "root");
  if (roots.length === 0) throw new SdkError("SDK_ERR_USAGE", "--root ROOT.pub is required.");
  const rootKeys = roots.map((p) => readPublicKeyFile(resolve(io.cwd, p)));
  const keyringPath = resolve(io.cwd, requireString(args, "keyring"));
  let keyring: unknown;
  try {
    keyring = JSON.parse(readFileSync(keyringPath, "utf8"));
  } catch {
    throw new SdkError("SDK_ERR_IO", `Cannot read the keyring ${keyringPath}.`);
  }
  const minKeyringVersion = optionalInt(args, "min-keyring-version");
  const bar = progressBar(io, "verify", json);
  const outcome = await verifyPluginTarball(resolve(io.cwd, file), {
    trust: { rootKeys, keyring, ...(minKeyringVersion !== undefined && { minKeyringVersion }) },
    onProgress: (d, t) => bar.update(d, t),
  });
  bar.stop();
  if (!outcome.ok) {
    if (json) line(io.stdout, JSON.stringify({ ok: false, code: outcome.code, message: outcome.message }));
    else line(io.stderr, `✗ ${outcome.message} [${outcome.code}]`);
    return 1;
  }
  const { statement, signer } = outcome.release;
  if (json) {
    line(
      io.stdout,
      JSON.stringify({
        ok: true,
        name: statement.name,
        version: statement.version,
        signer: signer.keyid,
        signerName: signer.name,
        permissions: statement.permissions,
        module: statement.module,
        sdk: statement.sdk,
        files: Object.keys(statement.files).length,
      }),
    );
  } else {
    line(io.stdout, `✓ ${statement.name}@${statement.version} verified`);
    line(io.stdout, `  signer:      ${signer.name} (${signer.keyid})`);
    line(io.stdout, `  module:      ${statement.module}`);
    line(io.stdout, `  sdk:         ${statement.sdk}`);
    line(io.stdout, `  permissions: ${statement.permissions.length > 0 ? statement.permissions.join(", ") : "(none)"}`);
    line(io.stdout, `  files:       ${Object.keys(statement.files).length}, keyring version ${outcome.keyring.document.version}`);
  }
  return 0;
}
