import { randomBytes } from "node:crypto";
import { chmodSync, closeSync, fchmodSync, mkdirSync, openSync, readFileSync, statSync, writeSync } from "node:fs";
import { dirname, relative } from "node:path";
import { decodeMasterKey, type MasterKeySource } from "../env.js";
import { HostError } from "../errors/index.js";
import type { Logger } from "../log/index.js";

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === "" || (!rel.startsWith("..") && !rel.startsWith("/"));
}

/**
 * The vault's 32-byte master key: from the environment, or from its key file, which is created on first
 * boot (mode 0600 in a 0700 folder). The log names the file, never the key.
 */
export function loadMasterKey(source: MasterKeySource, dataDir: string, log: Logger): Buffer {
  if (source.source === "env") {
    log.info("vault master key from ARCHNEST_MASTER_KEY");
    return source.key;
  }
  const path = source.path;
  if (isInside(path, dataDir)) log.warn("the master key file is inside the data folder; a copy of the folder then carries the key to its secrets", { path });
  let text: string | undefined;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENOENT")
      throw new HostError("HOST_ERR_MASTER_KEY_FILE", `cannot read the master key file ${path}`, { cause: err });
  }
  if (text !== undefined) {
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) log.warn("the master key file is readable by other users; run chmod 600 on it", { path, mode: mode.toString(8) });
    log.info("vault master key from key file", { path });
    return decodeMasterKey(text, `the master key file ${path}`);
  }
  return createKeyFile(path, log);
}

function createKeyFile(path: string, log: Logger): Buffer {
  const dir = dirname(path);
  const key = randomBytes(32);
  try {
    const made = mkdirSync(dir, { recursive: true, mode: 0o700 });
    // Only tighten a folder we created; an existing folder (say ~/.config) keeps its owner's choice.
    if (made !== undefined) chmodSync(dir, 0o700);
    // `wx` fails if another process created the file meanwhile, so two first boots never hold two keys.
    const fd = openSync(path, "wx", 0o600);
    try {
      fchmodSync(fd, 0o600);
      writeSync(fd, `${key.toString("base64")}\n`);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return decodeMasterKey(readFileSync(path, "utf8"), `the master key file ${path}`);
    throw new HostError("HOST_ERR_MASTER_KEY_FILE", `cannot create the master key file ${path}`, { cause: err });
  }
  log.warn("created a new vault master key file; back it up apart from the data folder, secrets cannot be opened without it", { path });
  return key;
}
