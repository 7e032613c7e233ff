import { createHash } from "node:crypto";
import { closeSync, createReadStream, mkdirSync, openSync, statSync, writeSync } from "node:fs";
import { dirname, join } from "node:path";
import type { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { Parser, type ReadEntry } from "tar";
import { SdkError } from "../errors/index.js";
import type { ObservedPackage } from "../release/index.js";
import { RELEASE_ENVELOPE_PATH } from "../release/index.js";

/** Bounds on what a tarball may hold; anything beyond them is refused before it is written. */
export interface TarballLimits {
  maxEntries: number;
  maxFileBytes: number;
  maxTotalBytes: number;
}

export const DEFAULT_TARBALL_LIMITS: TarballLimits = {
  maxEntries: 10_000,
  maxFileBytes: 256 * 1024 * 1024,
  maxTotalBytes: 512 * 1024 * 1024,
};

/** Metadata files are read into memory to be parsed, so they have their own small cap. */
const MAX_METADATA_BYTES = 1024 * 1024;
const GZIP_MAGIC = [0x1f, 0x8b];
/** gzip, zstd: magics node-tar's parser would sniff and inflate on its own. */
const COMPRESSED_MAGICS = [GZIP_MAGIC, [0x28, 0xb5, 0x2f, 0xfd]];
/** npm and tar pad archives to 10 KiB records; anything much longer after the end is not padding. */
const MAX_TRAILING_BYTES = 1024 * 1024;

/** Resolves when the parser wants more input, or when it stopped for good (an error, the archive's end). */
function drained(parser: Parser): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      for (const ev of ["drain", "eof", "error", "abort", "end"]) parser.off(ev, done);
      resolve();
    };
    for (const ev of ["drain", "eof", "error", "abort", "end"]) parser.once(ev, done);
  });
}

export interface ReadTarballOptions {
  /**
   * A fresh, empty folder to extract into. Without one the tarball is only hashed, nothing is written.
   */
  stageDir?: string;
  limits?: Partial<TarballLimits>;
  /** Called as compressed bytes are consumed; `total` is known when reading a file. */
  onProgress?: (read: number, total: number | undefined) => void;
}

/** What was read from a tarball: observed facts for verification plus counts. */
export interface ReadTarball extends ObservedPackage {
  entries: number;
  /** Uncompressed bytes of file content. */
  bytes: number;
  /** Files whose mode had an execute bit, relative to package/. */
  executables: ReadonlySet<string>;
}

const FILE_TYPES = new Set(["File", "OldFile", "ContiguousFile"]);
const LINK_TYPES = new Set(["SymbolicLink", "Link"]);

/**
 * Checks one entry path (docs/architecture.md section 3, hardened extractor): relative, under package/, no `..`,
 * no empty or odd segments. Returns the path relative to package/, or "" for package/ itself.
 */
export function checkEntryPath(raw: string): string {
  if (raw.startsWith("/") || /^[A-Za-z]:/.test(raw) || raw.startsWith("\\")) {
    throw new SdkError("SDK_ERR_ENTRY_PATH_ABSOLUTE", `The entry ${JSON.stringify(raw)} has an absolute path.`);
  }
  const trimmed = raw.endsWith("/") ? raw.slice(0, -1) : raw;
  const segments = trimmed.split("/");
  if (segments.some((s) => s === ".." || s === "." || s === "") || raw.includes("\\") || raw.includes("\0")) {
    throw new SdkError("SDK_ERR_ENTRY_PATH_TRAVERSAL", `The entry ${JSON.stringify(raw)} has an unsafe path.`);
  }
  if (segments[0] !== "package") {
    throw new SdkError("SDK_ERR_ENTRY_OUTSIDE_PACKAGE", `The entry ${JSON.stringify(raw)} does not sit under package/.`);
  }
  return segments.slice(1).join("/");
}

function sourceOf(input: string | Readable): { stream: Readable; total: number | undefined } {
  if (typeof input !== "string") return { stream: input, total: undefined };
  let size: number;
  try {
    size = statSync(input).size;
  } catch {
    throw new SdkError("SDK_ERR_IO", `Cannot read ${input}.`);
  }
  if (size === 0) throw new SdkError("SDK_ERR_TARBALL_EMPTY", `${input} is empty.`);
  return { stream: createReadStream(input, { highWaterMark: 256 * 1024 }), total: size };
}

function gunzipError(err: NodeJS.ErrnoException): SdkError {
  if (err.code === "Z_BUF_ERROR" || /unexpected end/i.test(err.message)) {
    return new SdkError("SDK_ERR_TARBALL_TRUNCATED", "The package file is cut short: its compressed data ends early.");
  }
  return new SdkError("SDK_ERR_TARBALL_CORRUPT", `The package file's compressed data is damaged (${err.message}).`);
}

/**
 * Streams a plugin tarball through a hardened extractor: regular files and folders only, every path
 * checked, entry count, file size and total size bounded (a decompression bomb is refused as soon as it
 * passes the bound). Every file is hashed; with `stageDir` it is also written there, created exclusively.
 * Memory stays flat whatever the tarball's size.
 *
 * @example
 * ```ts
 * const observed = await readPluginTarball("plugin.tgz", { stageDir: await mkdtemp(join(data, "staging-")) });
 * ```
 */
export async function readPluginTarball(input: string | Readable, opts: ReadTarballOptions = {}): Promise<ReadTarball> {
  const limits = { ...DEFAULT_TARBALL_LIMITS, ...opts.limits };
  const { stream, total } = sourceOf(input);
  const files = new Map<string, string>();
  const seen = new Set<string>();
  const seenFiles = new Set<string>();
  const executables = new Set<string>();
  let packageJson: Buffer | undefined;
  let envelope: Buffer | undefined;
  let entries = 0;
  let declaredBytes = 0;
  let failure: SdkError | undefined;
  const openFds = new Set<number>();

  const fail = (err: SdkError) => {
    failure ??= err;
  };

  const parser = new Parser({ strict: true });
  parser.on("warn", (code: string, message: string) =>
    fail(new SdkError("SDK_ERR_TARBALL_CORRUPT", `The package is not a valid tar archive (${code}: ${message}).`)),
  );
  parser.on("error", (err: Error) => fail(new SdkError("SDK_ERR_TARBALL_CORRUPT", `The package is not a valid tar archive (${err.message}).`)));
  parser.on("entry", (entry: ReadEntry) => {
    try {
      onEntry(entry);
    } catch (err) {
      fail(err instanceof SdkError ? err : new SdkError("SDK_ERR_IO", `Cannot extract ${entry.path}: ${(err as Error).message}`));
      entry.resume();
    }
  });

  function onEntry(entry: ReadEntry) {
    if (failure) return void entry.resume();
    entries += 1;
    if (entries > limits.maxEntries) throw new SdkError("SDK_ERR_LIMIT_ENTRIES", `The package holds more than ${limits.maxEntries} entries.`);
    if (LINK_TYPES.has(entry.type)) throw new SdkError("SDK_ERR_ENTRY_LINK", `The entry ${entry.path} is a link; only regular files and folders are allowed.`);
    const isFile = FILE_TYPES.has(entry.type);
    if (!isFile && entry.type !== "Directory")
      throw new SdkError("SDK_ERR_ENTRY_TYPE", `The entry ${entry.path} is a ${entry.type}; only regular files and folders are allowed.`);
    const rel = checkEntryPath(entry.path);
    if (seen.has(rel)) throw new SdkError("SDK_ERR_ENTRY_DUPLICATE", `The entry ${entry.path} appears twice.`);
    // package/a then package/a/b: the second would need a folder where a file already is.
    for (let i = rel.indexOf("/"); i !== -1; i = rel.indexOf("/", i + 1)) {
      if (seenFiles.has(rel.slice(0, i))) {
        throw new SdkError("SDK_ERR_ENTRY_DUPLICATE", `The entry ${entry.path} sits under package/${rel.slice(0, i)}, which is a file.`);
      }
    }
    seen.add(rel);
    if (isFile) seenFiles.add(rel);
    if (!isFile) {
      if (opts.stageDir && rel) mkdirSync(join(opts.stageDir, rel), { recursive: true });
      return void entry.resume();
    }
    if (rel === "") throw new SdkError("SDK_ERR_ENTRY_TYPE", "package/ itself must be a folder.");
    const size = entry.size ?? 0;
    if (size > limits.maxFileBytes) throw new SdkError("SDK_ERR_LIMIT_FILE_SIZE", `The file ${rel} has ${size} bytes; the limit is ${limits.maxFileBytes}.`);
    declaredBytes += size;
    if (declaredBytes > limits.maxTotalBytes) throw new SdkError("SDK_ERR_LIMIT_TOTAL_SIZE", `The package unpacks to more than ${limits.maxTotalBytes} bytes.`);
    if ((entry.mode ?? 0) & 0o111) executables.add(rel);

    const isMeta = rel === "package.json" || rel === RELEASE_ENVELOPE_PATH;
    if (isMeta && size > MAX_METADATA_BYTES) throw new SdkError("SDK_ERR_LIMIT_FILE_SIZE", `${rel} is larger than ${MAX_METADATA_BYTES} bytes.`);
    const hash = createHash("sha256");
    const chunks: Buffer[] = [];
    let fd: number | undefined;
    if (opts.stageDir) {
      const target = join(opts.stageDir, rel);
      mkdirSync(dirname(target), { recursive: true });
      // "wx": never reuse or follow anything already there.
      fd = openSync(target, "wx", (entry.mode ?? 0) & 0o111 ? 0o755 : 0o644);
      openFds.add(fd);
    }
    entry.on("data", (chunk: Buffer) => {
      hash.update(chunk);
      if (isMeta) chunks.push(chunk);
      if (fd !== undefined && openFds.has(fd)) writeSync(fd, chunk);
    });
    entry.on("end", () => {
      if (fd !== undefined) {
        closeSync(fd);
        openFds.delete(fd);
      }
      if (rel === RELEASE_ENVELOPE_PATH) envelope = Buffer.concat(chunks);
      else {
        files.set(rel, hash.digest("hex"));
        if (rel === "package.json") packageJson = Buffer.concat(chunks);
      }
    });
  }

  const gunzip = createGunzip();
  let read = 0;
  let inflated = 0;
  // Headers and padding add at most 1.5 KiB per entry on top of the file bytes; past that it is a bomb.
  const maxInflated = limits.maxTotalBytes + (limits.maxEntries + 2) * 1536;
  // The parser ignores what follows the two end-of-archive blocks but would buffer it whole, so the reader
  // stops feeding it there and only lets gzip finish (its CRC check catches a cut-short file); a long tail
  // of data after the end is a bomb.
  let sawEnd = false;
  let trailing = 0;
  parser.on("eof", () => {
    sawEnd = true;
  });
  let first = true;
  let firstInflated = true;
  try {
    stream.on("data", (chunk: Buffer) => {
      if (first) {
        first = false;
        if (chunk[0] !== GZIP_MAGIC[0] || (chunk.length > 1 && chunk[1] !== GZIP_MAGIC[1])) {
          fail(new SdkError("SDK_ERR_TARBALL_NOT_GZIP", "The package file is not gzip-compressed."));
        }
      }
      read += chunk.length;
      opts.onProgress?.(read, total);
    });
    const inflatedStream = stream.pipe(gunzip);
    stream.on("error", (err) => gunzip.destroy(err));
    for await (const chunk of inflatedStream as AsyncIterable<Buffer>) {
      if (failure) break;
      if (firstInflated) {
        firstInflated = false;
        // node-tar would sniff and inflate a second layer of compression itself, outside these bounds.
        if (COMPRESSED_MAGICS.some((magic) => magic.every((byte, i) => chunk[i] === byte))) {
          fail(new SdkError("SDK_ERR_TARBALL_CORRUPT", "The package is compressed twice; a plugin is a tar archive gzipped once."));
          break;
        }
      }
      inflated += chunk.length;
      if (inflated > maxInflated) {
        fail(new SdkError("SDK_ERR_LIMIT_TOTAL_SIZE", `The package unpacks to more than ${limits.maxTotalBytes} bytes.`));
        break;
      }
      if (sawEnd) {
        trailing += chunk.length;
        if (trailing > MAX_TRAILING_BYTES) {
          fail(
            new SdkError(
              "SDK_ERR_LIMIT_TOTAL_SIZE",
              `The package holds more than ${MAX_TRAILING_BYTES} bytes after the end of its archive (a decompression bomb).`,
            ),
          );
          break;
        }
        continue;
      }
      if (!parser.write(chunk)) await drained(parser);
      if (failure) break;
    }
    if (first && !failure) fail(new SdkError("SDK_ERR_TARBALL_EMPTY", "The package file is empty."));
    if (!failure) {
      await new Promise<void>((resolve) => {
        parser.once("end", () => resolve());
        parser.once("abort", () => resolve());
        parser.end();
      });
    }
  } catch (err) {
    if (!failure) fail(err instanceof SdkError ? err : gunzipError(err as NodeJS.ErrnoException));
  } finally {
    stream.destroy();
    gunzip.destroy();
    // A refused entry may be cut off mid-write; its file must not stay open.
    for (const fd of openFds) closeSync(fd);
    openFds.clear();
  }
  if (failure) throw failure;
  if (entries === 0) throw new SdkError("SDK_ERR_TARBALL_CORRUPT", "The package archive holds no entries.");
  if (!packageJson) throw new SdkError("SDK_ERR_MANIFEST_INVALID", "The package has no package/package.json.");
  return {
    files,
    packageJson: parseMetadata(packageJson, "package.json", "SDK_ERR_MANIFEST_INVALID"),
    envelope: envelope === undefined ? undefined : parseMetadata(envelope, RELEASE_ENVELOPE_PATH, "SDK_ERR_ENVELOPE_INVALID"),
    entries,
    bytes: declaredBytes,
    executables,
  };
}

function parseMetadata(bytes: Buffer, name: string, code: "SDK_ERR_MANIFEST_INVALID" | "SDK_ERR_ENVELOPE_INVALID"): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new SdkError(code, `${name} is not valid JSON.`);
  }
}
