import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync } from "node:fs";
import { join } from "node:path";

/** Folders of a private data tree: only the owner may list or enter them. */
export const PRIVATE_DIR_MODE = 0o700;
/** Files of a private data tree: only the owner may read or write them. */
export const PRIVATE_FILE_MODE = 0o600;

/**
 * Makes `dir` (created if missing) and everything already in it private to the owner, whatever the umask
 * made them: group and others lose every bit, folders get 0700, files keep the owner's bits (0644 becomes
 * 0600; an executable stays executable for its owner). A service calls it on its data folder at boot, so folders
 * written by an older version or another tool are tightened too. Symbolic links are left alone (chmod
 * would follow them out of the tree).
 *
 * @example
 * ```ts
 * privateDir("/var/lib/archnest-registry");
 * ```
 */
export function privateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  tighten(dir);
}

function tighten(path: string): void {
  const st = lstatSync(path);
  if (st.isDirectory()) {
    if ((st.mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(path, PRIVATE_DIR_MODE);
    for (const name of readdirSync(path)) tighten(join(path, name));
  } else if (st.isFile() && (st.mode & 0o077) !== 0) {
    chmodSync(path, st.mode & 0o700);
  }
}

/**
 * Creates `file` empty with mode 0600 unless it exists, so a library that opens it later (SQLite and its
 * -wal and -shm files, which take the database file's mode) never makes it readable by others.
 */
export function privateFile(file: string): void {
  closeSync(openSync(file, "a", PRIVATE_FILE_MODE));
  chmodSync(file, PRIVATE_FILE_MODE);
}
