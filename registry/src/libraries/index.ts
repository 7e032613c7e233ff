import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import semver from "semver";
import * as tar from "tar";
import type { NpmSigner } from "../packages/npm-signer.js";

/**
 * The library channel: plain npm packages (the SDK, the plugin CLI, the `npm create` starters) that the
 * registry's operator places as `npm pack` tarballs in one folder. They are code authors build with,
 * not plugins: no manifest, no release signature, no catalog entry, no license gate. npm reads them
 * like any package (packument, tarball, dist.integrity, dist.signatures), so `@archnest:registry=` in
 * an author's .npmrc is all it takes. Only the operator writes the folder; nothing uploads into it.
 */
export interface LibrariesDeps {
  dir: string;
  publicUrl: string;
  npmSigner: NpmSigner;
}

interface LibraryVersion {
  file: string;
  packageJson: Record<string, unknown>;
  name: string;
  version: string;
  integrity: string;
  shasum: string;
  size: number;
  mtimeMs: number;
}

// npm's file names: `@scope/name@1.0.0` packs as `scope-name-1.0.0.tgz`.
const TARBALL_FILE = /^[a-z0-9][a-z0-9._-]*\.tgz$/;

function readPackageJson(path: string): Record<string, unknown> | undefined {
  let text = "";
  tar.t({
    file: path,
    sync: true,
    filter: (p) => p === "package/package.json",
    onReadEntry: (entry) => {
      entry.on("data", (chunk: Buffer) => {
        text += chunk.toString("utf8");
      });
    },
  });
  try {
    const json = JSON.parse(text) as unknown;
    return typeof json === "object" && json !== null ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function createLibraries(deps: LibrariesDeps) {
  // Read once per file, then again only when its size or mtime changes: the folder is small and changes
  // when the operator (or `npm start`) drops a new tarball in.
  const seen = new Map<string, LibraryVersion>();

  function scan(): LibraryVersion[] {
    let names: string[];
    try {
      names = readdirSync(deps.dir).filter((n) => TARBALL_FILE.test(n));
    } catch {
      return [];
    }
    const out: LibraryVersion[] = [];
    for (const file of names) {
      const path = join(deps.dir, file);
      const st = statSync(path, { throwIfNoEntry: false });
      if (!st?.isFile()) continue;
      const cached = seen.get(file);
      if (cached && cached.size === st.size && cached.mtimeMs === st.mtimeMs) {
        out.push(cached);
        continue;
      }
      const packageJson = readPackageJson(path);
      if (!packageJson) continue;
      const { name, version } = packageJson;
      if (typeof name !== "string" || typeof version !== "string" || !semver.valid(version)) continue;
      const bytes = readFileSync(path);
      const entry: LibraryVersion = {
        file,
        packageJson,
        name,
        version,
        integrity: `sha512-${createHash("sha512").update(bytes).digest("base64")}`,
        shasum: createHash("sha1").update(bytes).digest("hex"),
        size: st.size,
        mtimeMs: st.mtimeMs,
      };
      seen.set(file, entry);
      out.push(entry);
    }
    return out;
  }

  /** npm's packument for a library, or undefined when the channel has no such package. */
  function packument(name: string) {
    const list = scan()
      .filter((v) => v.name === name)
      .sort((a, b) => semver.compare(a.version, b.version));
    const latest = list.at(-1);
    if (!latest) return undefined;
    const versions: Record<string, unknown> = {};
    const time: Record<string, string> = {};
    for (const v of list) {
      time[v.version] = new Date(v.mtimeMs).toISOString();
      versions[v.version] = {
        ...v.packageJson,
        _id: `${v.name}@${v.version}`,
        dist: {
          tarball: `${deps.publicUrl}/v1/libraries/${v.file}`,
          integrity: v.integrity,
          shasum: v.shasum,
          signatures: [deps.npmSigner.sign(v.name, v.version, v.integrity)],
        },
      };
    }
    return {
      _id: name,
      name,
      description: typeof latest.packageJson.description === "string" ? latest.packageJson.description : "",
      "dist-tags": { latest: latest.version },
      versions,
      time,
    };
  }

  /** The path and size of a library tarball by its file name, or undefined. */
  function tarball(file: string): { path: string; size: number } | undefined {
    if (!TARBALL_FILE.test(file)) return undefined;
    const entry = scan().find((v) => v.file === file);
    return entry && { path: join(deps.dir, entry.file), size: entry.size };
  }

  return { packument, tarball };
}

export type Libraries = ReturnType<typeof createLibraries>;
