/**
 * Builders for hand-made tarballs, hostile ones included, so that the SDK's tests can prove what the
 * hardened extractor refuses (test support only: the build leaves this folder out). The ustar headers
 * are written byte by byte (POSIX.1-1988 layout) because ordinary tar writers refuse to produce most of
 * these entries.
 */

import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import type { KeyPair } from "../crypto/keys.js";
import { parsePluginPackage } from "../manifest/index.js";
import { createReleaseStatement, RELEASE_ENVELOPE_PATH, signRelease } from "../release/index.js";

/** The ustar type flags, by the names node-tar gives them. */
export const TAR_TYPES = {
  file: "0",
  link: "1",
  symlink: "2",
  char: "3",
  block: "4",
  dir: "5",
  fifo: "6",
  /** A POSIX extended header whose records (see {@link paxRecords}) apply to the next entry. */
  pax: "x",
} as const;

/** The body of a POSIX extended header: `LEN key=value\n` records, LEN counting the whole record. */
export function paxRecords(records: Record<string, string>): Buffer {
  return Buffer.from(
    Object.entries(records)
      .map(([k, v]) => {
        const rest = ` ${k}=${v}\n`;
        let len = Buffer.byteLength(rest) + 1;
        while (String(len).length + Buffer.byteLength(rest) !== len) len += 1;
        return `${len}${rest}`;
      })
      .join(""),
  );
}

/** One raw entry: its path is written exactly as given, without any normalisation. */
export interface RawTarEntry {
  path: string;
  type?: keyof typeof TAR_TYPES;
  body?: Uint8Array | string;
  /** The size the header declares; defaults to the body's length. */
  declaredSize?: number;
  linkpath?: string;
  mode?: number;
}

function writeString(block: Buffer, offset: number, length: number, value: string): void {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length > length) throw new Error(`${JSON.stringify(value)} does not fit in ${length} bytes`);
  bytes.copy(block, offset);
}

function writeOctal(block: Buffer, offset: number, length: number, value: number): void {
  writeString(block, offset, length, `${value.toString(8).padStart(length - 1, "0")}\0`);
}

// Sizes of 8 GiB and more do not fit 11 octal digits; GNU tar's base-256 form (high bit set) holds them.
function writeSize(block: Buffer, value: number): void {
  if (value < 8 ** 11) {
    writeOctal(block, 124, 12, value);
    return;
  }
  block[124] = 0x80;
  let v = BigInt(value);
  for (let i = 135; i > 124; i--) {
    block[i] = Number(v & 0xffn);
    v >>= 8n;
  }
}

/** One 512-byte ustar header. */
export function tarHeader(entry: RawTarEntry): Buffer {
  const block = Buffer.alloc(512);
  const type = entry.type ?? "file";
  const body = typeof entry.body === "string" ? Buffer.from(entry.body) : (entry.body ?? new Uint8Array());
  writeString(block, 0, 100, entry.path);
  writeOctal(block, 100, 8, entry.mode ?? (type === "dir" ? 0o755 : 0o644));
  writeOctal(block, 108, 8, 0);
  writeOctal(block, 116, 8, 0);
  writeSize(block, entry.declaredSize ?? (type === "file" || type === "pax" ? body.length : 0));
  writeOctal(block, 136, 12, 499162500);
  block.fill(0x20, 148, 156);
  writeString(block, 156, 1, TAR_TYPES[type]);
  writeString(block, 157, 100, entry.linkpath ?? "");
  writeString(block, 257, 6, "ustar\0");
  writeString(block, 263, 2, "00");
  let sum = 0;
  for (const byte of block) sum += byte;
  writeString(block, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
  return block;
}

/** A tar archive of raw entries: each header, its body padded to 512 bytes, and the two end blocks. */
export function rawTar(entries: readonly RawTarEntry[], opts: { endBlocks?: boolean } = {}): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    parts.push(tarHeader(e));
    const body = typeof e.body === "string" ? Buffer.from(e.body) : Buffer.from(e.body ?? new Uint8Array());
    if (body.length > 0) {
      parts.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
    }
  }
  if (opts.endBlocks ?? true) parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

/** A gzipped tar archive of raw entries. */
export function rawTarball(entries: readonly RawTarEntry[], opts: { endBlocks?: boolean } = {}): Buffer {
  return gzipSync(rawTar(entries, opts));
}

/** A plugin's files, keyed by their path relative to package/. */
export type PluginFiles = Record<string, string | Uint8Array>;

/** A minimal valid plugin package.json for `name@version`. */
export function pluginPackageJson(name: string, version = "1.0.0", archnest: Record<string, unknown> = {}): string {
  const base = (name.split("/").pop() ?? "").replace(/[^a-z0-9-]/g, "-");
  const id = /^[a-z][a-z0-9-]+$/.test(base) ? base : `plugin-${base}`;
  return `${JSON.stringify(
    {
      name,
      version,
      archnest: { id, displayName: id, module: "free", sdk: "^1.0.0", server: "server.js", permissions: ["storage"], ...archnest },
    },
    null,
    2,
  )}\n`;
}

/**
 * Signs plugin files as `archnest-plugin sign` would and returns the tarball's entries (package/ first,
 * then the files, then the release envelope), ready to be changed by a test and packed with
 * {@link rawTarball}.
 */
export function signedPluginEntries(files: PluginFiles, key: KeyPair, signedAt = new Date()): RawTarEntry[] {
  const pkgText = files["package.json"];
  if (pkgText === undefined) throw new Error("a plugin needs package.json");
  const pkg = parsePluginPackage(JSON.parse(Buffer.from(pkgText).toString("utf8")));
  const hashes = new Map(Object.entries(files).map(([p, body]) => [p, createHash("sha256").update(body).digest("hex")]));
  const envelope = signRelease(createReleaseStatement(pkg, hashes, signedAt), key);
  return [
    { path: "package/", type: "dir" },
    ...Object.entries(files)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([p, body]) => ({ path: `package/${p}`, body })),
    { path: `package/${RELEASE_ENVELOPE_PATH}`, body: `${JSON.stringify(envelope, null, 2)}\n` },
  ];
}
