import { createHash } from "node:crypto";
import { lstat, open, readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { SdkError } from "../errors/index.js";
import { type ObservedPackage, RELEASE_ENVELOPE_PATH } from "../release/index.js";

async function hashFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  const handle = await open(path, "r");
  try {
    for await (const chunk of handle.createReadStream({ highWaterMark: 256 * 1024 })) hash.update(chunk as Buffer);
  } finally {
    await handle.close();
  }
  return hash.digest("hex");
}

async function readJson(path: string, code: "SDK_ERR_MANIFEST_INVALID" | "SDK_ERR_ENVELOPE_INVALID"): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, "utf8"));
  } catch {
    throw new SdkError(code, `${path} is missing or not valid JSON.`);
  }
}

/**
 * Observes an extracted plugin folder the way {@link readPluginTarball} observes a tarball, so an
 * installed plugin can be verified again before it loads (a file changed on disk is caught like one
 * changed in transit). Links and special files are refused.
 *
 * @example
 * ```ts
 * const verified = verifyRelease(await readPluginDir(dir), keyring, new Date());
 * ```
 */
export async function readPluginDir(dir: string): Promise<ObservedPackage> {
  const files = new Map<string, string>();
  const walk = async (rel: string): Promise<void> => {
    for (const name of (await readdir(join(dir, rel))).sort()) {
      const relPath = rel ? `${rel}/${name}` : name;
      const st = await lstat(join(dir, relPath));
      if (st.isSymbolicLink()) throw new SdkError("SDK_ERR_ENTRY_LINK", `${relPath} is a link.`);
      if (st.isDirectory()) await walk(relPath);
      else if (!st.isFile()) throw new SdkError("SDK_ERR_ENTRY_TYPE", `${relPath} is not a regular file.`);
      else if (relPath !== RELEASE_ENVELOPE_PATH) files.set(relPath, await hashFile(join(dir, relPath)));
    }
  };
  await walk("");
  const hasEnvelope = await lstat(join(dir, RELEASE_ENVELOPE_PATH)).then(
    () => true,
    () => false,
  );
  return {
    files,
    packageJson: await readJson(join(dir, "package.json"), "SDK_ERR_MANIFEST_INVALID"),
    envelope: hasEnvelope ? await readJson(join(dir, RELEASE_ENVELOPE_PATH), "SDK_ERR_ENVELOPE_INVALID") : undefined,
  };
}
