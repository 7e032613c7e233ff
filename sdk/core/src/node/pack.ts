import { lstatSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import * as tar from "tar";
import { SdkError } from "../errors/index.js";
import { type PluginPackage, parsePluginPackage } from "../manifest/index.js";
import { RELEASE_ENVELOPE_PATH } from "../release/index.js";

/** npm's fixed timestamp for packed entries, so the same input always gives the same bytes. */
const FIXED_MTIME = new Date("1985-10-26T08:15:00.000Z");
const ALWAYS_EXCLUDED = new Set(["node_modules", ".git", ".turbo", ".DS_Store"]);
const ALWAYS_INCLUDED = /^(package\.json|readme(\..*)?|license(\..*)?|licence(\..*)?|changelog(\..*)?)$/i;

function walk(root: string, dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (ALWAYS_EXCLUDED.has(name) || name.endsWith(".tgz")) continue;
    const abs = join(dir, name);
    const st = lstatSync(abs);
    const rel = relative(root, abs).split(sep).join("/");
    if (st.isSymbolicLink()) throw new SdkError("SDK_ERR_ENTRY_LINK", `${rel} is a symbolic link; replace it with a regular file before packing.`);
    if (st.isDirectory()) walk(root, abs, out);
    else if (st.isFile()) out.push(rel);
    else throw new SdkError("SDK_ERR_ENTRY_TYPE", `${rel} is neither a regular file nor a folder.`);
  }
}

/** Reads and validates a plugin folder's package.json. */
export function readPluginPackage(dir: string): PluginPackage {
  let text: string;
  try {
    text = readFileSync(join(dir, "package.json"), "utf8");
  } catch {
    throw new SdkError("SDK_ERR_IO", `No package.json in ${dir}.`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SdkError("SDK_ERR_MANIFEST_INVALID", `${join(dir, "package.json")} is not valid JSON.`);
  }
  return parsePluginPackage(json);
}

/**
 * The files a plugin folder packs, npm-style: package.json's `files` list when present (plus
 * package.json, README, LICENSE), otherwise everything but node_modules, VCS folders and tarballs.
 */
export function listPackFiles(dir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { files?: unknown };
  const all: string[] = [];
  walk(dir, dir, all);
  const withoutSignature = all.filter((f) => f !== RELEASE_ENVELOPE_PATH);
  if (!Array.isArray(pkg.files)) return withoutSignature;
  const roots = pkg.files.map((f) => String(f).replace(/^\.\//, "").replace(/\/$/, ""));
  return withoutSignature.filter((f) => ALWAYS_INCLUDED.test(f) || roots.some((r) => f === r || f.startsWith(`${r}/`)));
}

/**
 * Writes a deterministic npm-style tarball of `files` (relative to `dir`) under package/: sorted
 * entries, fixed mtime, no owners, modes 0644 or 0755. Written beside `outFile` and renamed into place.
 */
export async function writeTarball(dir: string, files: readonly string[], outFile: string): Promise<void> {
  const sorted = [...files].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const tmp = join(dirname(outFile), `.${process.pid}-${Date.now()}.tgz.partial`);
  try {
    await tar.c(
      {
        file: tmp,
        cwd: dir,
        gzip: { level: 9 },
        prefix: "package/",
        portable: true,
        mtime: FIXED_MTIME,
        noDirRecurse: true,
        onWriteEntry(entry) {
          if (entry.stat) entry.stat.mode = entry.stat.mode & 0o111 ? 0o755 : 0o644;
        },
      },
      sorted,
    );
    renameSync(tmp, outFile);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err instanceof SdkError ? err : new SdkError("SDK_ERR_IO", `Cannot write ${outFile}: ${(err as Error).message}`);
  }
}

/** Options for {@link packPlugin}. */
export interface PackOptions {
  onProgress?: (done: number, total: number) => void;
}

/**
 * Packs a plugin folder into a tarball after validating its manifest and checking its entry files exist.
 *
 * @example
 * ```ts
 * const { pkg, files } = await packPlugin("plugins/notes", "notes-1.0.0.tgz");
 * ```
 */
export async function packPlugin(dir: string, outFile: string, opts: PackOptions = {}): Promise<{ pkg: PluginPackage; files: string[] }> {
  const pkg = readPluginPackage(dir);
  const files = listPackFiles(dir);
  for (const entry of [pkg.archnest.server, pkg.archnest.web]) {
    if (entry && !files.includes(entry)) {
      throw new SdkError("SDK_ERR_MANIFEST_INVALID", `The entry file ${entry} is not in the package: build the plugin first, or list it in "files".`);
    }
  }
  const total = files.reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  opts.onProgress?.(0, total);
  await writeTarball(dir, files, outFile);
  opts.onProgress?.(total, total);
  return { pkg, files };
}
