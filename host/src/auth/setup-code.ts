import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { HostError } from "../errors/index.js";

/** The file in the data folder that holds the first-run setup code while the host has no admin. */
export const SETUP_CODE_FILE = "setup-code";

/** Where a host with this data folder keeps its first-run setup code. */
export function setupCodeFile(dataDir: string): string {
  return join(dataDir, SETUP_CODE_FILE);
}

const digest = (text: string): Buffer => createHash("sha256").update(text, "utf8").digest();

/**
 * The one-time code that proves a first-run setup comes from whoever started the host (it can read the
 * host's log or data folder), as Jupyter's token and Portainer's setup window do: without it, anyone who
 * reaches a fresh install first would become its admin.
 */
export class SetupCode {
  #digest: Buffer | undefined;
  readonly #file: string;

  private constructor(file: string, code: string | undefined) {
    this.#file = file;
    this.#digest = code === undefined ? undefined : digest(code);
  }

  /**
   * A fresh code for a host without an admin, written 0600 to `<dataDir>/setup-code`; a host that has its
   * admin gets none, and a code file left from an earlier run is removed. A new code each start means a
   * code seen in an old log stops working at the next restart.
   */
  static create(dataDir: string, needed: boolean): { setupCode: SetupCode; code: string | undefined } {
    const file = setupCodeFile(dataDir);
    try {
      rmSync(file, { force: true });
      if (!needed) return { setupCode: new SetupCode(file, undefined), code: undefined };
      // 128 bits in hex: a double click selects all of it in a terminal, and guessing is hopeless.
      const code = randomBytes(16).toString("hex");
      // "wx" creates the file, so the 0600 mode applies (an existing file would keep its own mode).
      writeFileSync(file, `${code}\n`, { mode: 0o600, flag: "wx" });
      return { setupCode: new SetupCode(file, code), code };
    } catch (cause) {
      throw new HostError("HOST_ERR_DATA_DIR", `cannot write the setup code file ${file}`, { cause });
    }
  }

  /** True when `candidate` is the current code; compared in constant time (of equal-length digests). */
  matches(candidate: string | undefined): boolean {
    if (this.#digest === undefined || candidate === undefined) return false;
    return timingSafeEqual(digest(candidate.trim()), this.#digest);
  }

  /** Spends the code once the admin exists: it no longer opens setup and its file is gone. */
  consume(): void {
    this.#digest = undefined;
    rmSync(this.#file, { force: true });
  }
}
