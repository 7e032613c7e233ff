import { lstatSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import * as tar from "tar";
import { SdkError } from "../errors/index.js";
import { type PluginPackage, parsePluginPackage } from "../manifest/index.js";
import { RELEASE_ENVELOPE_PATH } from "../release/index.js";
import { findPrivateKeys } from "./find-private-keys.js";

/** The root of the tree npm-packlist walks (npm hands it an Arborist node; these are the fields it reads). */
interface PacklistTree {
  path: string;
  package: Record<string, unknown>;
  isProjectRoot: true;
  edgesOut: Map<string, never>;
}
// npm-packlist ships no types (DefinitelyTyped's describe it against Arborist's node type): required with
// the one signature used here.
const packlist = createRequire(import.meta.url)("npm-packlist") as (tree: PacklistTree) => Promise<string[]>;

/** npm's fixed timestamp for packed entries, so the same input always gives the same bytes. */
const FIXED_MTIME = new Date("1985-10-26T08:15:00.000Z");
/** Never packed and never looked into: npm leaves them out too. */
const NEVER_WALKED = new Set(["node_modules", ".git"]);

/** Refuses links and special files anywhere in the folder, as the host's extractor would refuse them later. */
function checkEntryTypes(root: string, dir: string): void {
  for (const name of readdirSync(dir)) {
    if (NEVER_WALKED.has(name)) continue;
    const abs = join(dir, name);
    const st = lstatSync(abs);
    const rel = relative(root, abs).split(sep).join("/");
    if (st.isSymbolicLink()) throw new SdkError("SDK_ERR_ENTRY_LINK", `${rel} is a symbolic link; replace it with a regular file before packing.`);
    if (st.isDirectory()) checkEntryTypes(root, abs);
    else if (!st.isFile()) throw new SdkError("SDK_ERR_ENTRY_TYPE", `${rel} is neither a regular file nor a folder.`);
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
 * The files a plugin folder packs, chosen exactly as `npm pack` chooses them (npm's own npm-packlist):
 * package.json's `files` (with its negations and the .npmignore files inside listed folders), else
 * .npmignore, else .gitignore, npm's default exclusions, and package.json, README and LICENSE always.
 * The release signature is left out (signing writes it); so is `exclude` (the tarball being written).
 *
 * @example
 * ```ts
 * const files = await packFileList("plugins/notes");
 * ```
 */
export async function packFileList(dir: string, opts: { exclude?: readonly string[] } = {}): Promise<string[]> {
  const root = resolve(dir);
  let pkg: Record<string, unknown>;
  try {
    pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as Record<string, unknown>;
  } catch {
    throw new SdkError("SDK_ERR_MANIFEST_INVALID", `${join(root, "package.json")} is missing or not valid JSON.`);
  }
  checkEntryTypes(root, root);
  // npm-packlist reads an Arborist tree for bundled dependencies; a plugin bundles its code at build time,
  // so the root package with no dependency edges is the whole tree.
  const files = await packlist({ path: root, package: pkg, isProjectRoot: true, edgesOut: new Map<string, never>() });
  const excluded = new Set([RELEASE_ENVELOPE_PATH, ...(opts.exclude ?? []).map((f) => relative(root, resolve(root, f)).split(sep).join("/"))]);
  return files.filter((f) => !excluded.has(f)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

const LEGACY_EXCLUDED = new Set(["node_modules", ".git", ".turbo", ".DS_Store"]);
const LEGACY_INCLUDED = /^(package\.json|readme(\..*)?|license(\..*)?|licence(\..*)?|changelog(\..*)?)$/i;

function legacyWalk(root: string, dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (LEGACY_EXCLUDED.has(name) || name.endsWith(".tgz")) continue;
    const abs = join(dir, name);
    const st = lstatSync(abs);
    const rel = relative(root, abs).split(sep).join("/");
    if (st.isSymbolicLink()) throw new SdkError("SDK_ERR_ENTRY_LINK", `${rel} is a symbolic link; replace it with a regular file before packing.`);
    if (st.isDirectory()) legacyWalk(root, abs, out);
    else if (st.isFile()) out.push(rel);
    else throw new SdkError("SDK_ERR_ENTRY_TYPE", `${rel} is neither a regular file nor a folder.`);
  }
}

/**
 * The files a plugin folder packed before the SDK followed npm's rules: package.json's `files` list as
 * plain paths (no negations, no .npmignore), otherwise everything but node_modules, VCS folders and tarballs.
 *
 * @deprecated Use {@link packFileList} instead: it chooses exactly the files `npm pack` chooses.
 */
export function listPackFiles(dir: string): string[] {
  const pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { files?: unknown };
  const all: string[] = [];
  legacyWalk(dir, dir, all);
  const withoutSignature = all.filter((f) => f !== RELEASE_ENVELOPE_PATH);
  if (!Array.isArray(pkg.files)) return withoutSignature;
  const roots = pkg.files.map((f) => String(f).replace(/^\.\//, "").replace(/\/$/, ""));
  return withoutSignature.filter((f) => LEGACY_INCLUDED.test(f) || roots.some((r) => f === r || f.startsWith(`${r}/`)));
}

/**
 * Throws when a file to pack holds private key material (PEM, PKCS#8, tweetnacl or JWK, plain or
 * encoded): a signing key published inside a plugin could sign anything in its scope.
 *
 * @throws SdkError SDK_ERR_PACKAGE_PRIVATE_KEY naming the first file that holds one.
 * @example
 * ```ts
 * refusePrivateKeys("plugins/notes", await packFileList("plugins/notes"));
 * ```
 */
export function refusePrivateKeys(dir: string, files: readonly string[]): void {
  for (const f of files) {
    const found = findPrivateKeys(readFileSync(join(dir, f)));
    if (found.length > 0) {
      throw new SdkError(
        "SDK_ERR_PACKAGE_PRIVATE_KEY",
        `${f} holds a private key (${found[0]?.kind}); remove it from the folder or leave it out with "files" or .npmignore.`,
        [f],
      );
    }
  }
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
  const files = await packFileList(dir, { exclude: [outFile] });
  refusePrivateKeys(dir, files);
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
