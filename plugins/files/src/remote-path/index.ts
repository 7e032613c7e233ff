/**
 * Remote paths are POSIX paths on the SSH host, whatever the ArchNest machine runs. They are checked for
 * what SFTP cannot carry (NUL bytes) and normalised, never resolved against the local file system.
 */
import { posix } from "node:path";
import { FilesError } from "../errors/index.js";

const MAX = 4096;

/** Validates and normalises a remote path (relative paths stay relative: the server resolves them from home). */
export function remotePath(value: unknown, field = "path"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > MAX || value.includes("\0")) {
    throw new FilesError("FILES_ERR_BAD_REQUEST", `${field}: a path of 1-${MAX} characters without NUL bytes.`);
  }
  return posix.normalize(value);
}

/** A single name for a new folder or a rename inside the same folder. */
export function fileName(value: unknown, field = "name"): string {
  if (typeof value !== "string" || value.length === 0 || value.length > 255 || /[/\0]/.test(value) || value === "." || value === "..") {
    throw new FilesError("FILES_ERR_BAD_REQUEST", `${field}: a name of 1-255 characters without "/".`);
  }
  return value;
}

/** The hidden sibling an upload writes to until it is complete, so a half file never has the real name. */
export function partPath(path: string): string {
  return posix.join(posix.dirname(path), `.${posix.basename(path)}.archnest-part`);
}

/** `drwxr-xr-x` from mode bits, as `ls -l` shows them (setuid, setgid and sticky included). */
export function permissionString(mode: number, type: "file" | "directory" | "symlink" | "other"): string {
  const t = type === "directory" ? "d" : type === "symlink" ? "l" : type === "other" ? "?" : "-";
  const bit = (mask: number, c: string) => (mode & mask ? c : "-");
  const special = (exec: number, sp: number, on: string, off: string) => (mode & sp ? (mode & exec ? on : off) : mode & exec ? "x" : "-");
  return (
    t +
    bit(0o400, "r") +
    bit(0o200, "w") +
    special(0o100, 0o4000, "s", "S") +
    bit(0o040, "r") +
    bit(0o020, "w") +
    special(0o010, 0o2000, "s", "S") +
    bit(0o004, "r") +
    bit(0o002, "w") +
    special(0o001, 0o1000, "t", "T")
  );
}

/** Reads "755", "0755" or "0o755" into permission bits (at most 0o7777). */
export function parseOctalMode(value: unknown): number {
  const s = typeof value === "number" ? value.toString(8) : typeof value === "string" ? value.trim().replace(/^0o/, "") : "";
  if (!/^[0-7]{1,4}$/.test(s)) throw new FilesError("FILES_ERR_BAD_REQUEST", "mode: octal permissions such as 644 or 0755.");
  return Number.parseInt(s, 8);
}
