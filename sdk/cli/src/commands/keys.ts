import { resolve } from "node:path";
import { writeKeyPairFiles } from "@archnest/sdk/node";
import { type Args, requireString } from "../args.js";
import { type CliIo, line } from "../io.js";

export function keysGenerate(args: Args, io: CliIo): number {
  const dir = resolve(io.cwd, requireString(args, "out"));
  const name = requireString(args, "name");
  const { key, keyPath, pubPath } = writeKeyPairFiles(dir, name);
  if (args.values.json) line(io.stdout, JSON.stringify({ ok: true, keyid: key.keyid, key: keyPath, pub: pubPath }));
  else {
    line(io.stdout, `Wrote ${keyPath} (private, mode 0600) and ${pubPath}`);
    line(io.stdout, `Key id: ${key.keyid}`);
  }
  return 0;
}
