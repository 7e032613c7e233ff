/** Small text files, viewed and edited in the browser. */

/** Files above this are downloaded rather than opened in the editor. */
export const TEXT_MAX_BYTES = 1024 * 1024;

/**
 * True when the bytes look like a text file: no NUL byte in the first 8 KiB (the heuristic git and
 * diff use) and valid UTF-8 throughout.
 */
export function isText(bytes: Uint8Array): boolean {
  if (bytes.subarray(0, 8192).includes(0)) return false;
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}
