import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { KeyPair } from "../crypto/keys.js";
import { parsePluginPackage } from "../manifest/index.js";
import { createReleaseStatement, RELEASE_ENVELOPE_PATH, type ReleaseStatement, signRelease } from "../release/index.js";
import { writeTarball } from "./pack.js";
import { type ReadTarballOptions, readPluginTarball } from "./read-tarball.js";

/** Options for {@link signTarball}. */
export interface SignTarballOptions {
  now?: Date;
  onProgress?: ReadTarballOptions["onProgress"];
  limits?: ReadTarballOptions["limits"];
}

/**
 * Signs a packed plugin in place: the tarball is read through the hardened extractor, every file hashed,
 * the release statement signed and written as package/archnest-release.dsse.json, and the tarball
 * rewritten deterministically. A previous signature is replaced.
 *
 * @example
 * ```ts
 * const statement = await signTarball("notes-1.0.0.tgz", readPrivateKeyFile("release.key"));
 * ```
 */
export async function signTarball(file: string, key: KeyPair, opts: SignTarballOptions = {}): Promise<ReleaseStatement> {
  const stage = mkdtempSync(join(tmpdir(), "archnest-sign-"));
  try {
    const read = await readPluginTarball(file, {
      stageDir: stage,
      ...(opts.onProgress && { onProgress: opts.onProgress }),
      ...(opts.limits && { limits: opts.limits }),
    });
    const pkg = parsePluginPackage(read.packageJson);
    const statement = createReleaseStatement(pkg, read.files, opts.now ?? new Date());
    writeFileSync(join(stage, RELEASE_ENVELOPE_PATH), `${JSON.stringify(signRelease(statement, key), null, 2)}\n`);
    await writeTarball(stage, [...read.files.keys(), RELEASE_ENVELOPE_PATH], file);
    return statement;
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }
}
