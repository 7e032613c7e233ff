import { rmSync } from "node:fs";
import type { Readable } from "node:stream";
import type { PublicKey } from "../crypto/keys.js";
import { SdkError, type SdkErrorCode } from "../errors/index.js";
import { type Keyring, verifyKeyring } from "../keyring/index.js";
import { type VerifiedRelease, verifyRelease } from "../release/index.js";
import { type ReadTarballOptions, readPluginTarball } from "./read-tarball.js";

/** The trust a verification starts from: the root keys and a keyring (raw envelope or already checked). */
export interface TrustInput {
  rootKeys: readonly PublicKey[];
  /** The keyring envelope as parsed JSON, or a keyring already verified by the caller. */
  keyring: unknown;
  /** Highest keyring version already accepted (rollback protection). */
  minKeyringVersion?: number;
}

export interface VerifyTarballOptions extends ReadTarballOptions {
  trust: TrustInput;
  now?: Date;
}

/** A verification outcome: either everything passed, or the first failed check with its code. */
export type VerifyOutcome =
  | {
      ok: true;
      release: VerifiedRelease;
      keyring: Keyring;
      entries: number;
      bytes: number;
      /**
       * The tarball's package.json as parsed JSON, every field kept (the release's `pkg` holds only the
       * checked ones), so a caller that republishes it does not have to unpack the tarball again.
       */
      packageJson: unknown;
    }
  | { ok: false; code: SdkErrorCode; message: string; details: readonly string[] };

function isVerifiedKeyring(value: unknown): value is Keyring {
  return typeof value === "object" && value !== null && "document" in value && "signedBy" in value;
}

/**
 * Verifies a plugin tarball end to end (docs/architecture.md section 3): the keyring against the root, the tarball
 * through the hardened extractor, then every signature, scope, validity, identity and file check. With
 * `stageDir` the files are extracted there; on failure that folder is removed, so nothing is left.
 *
 * @example
 * ```ts
 * const outcome = await verifyPluginTarball("notes-1.0.0.tgz", { trust: { rootKeys: [root], keyring } });
 * if (!outcome.ok) console.error(outcome.code, outcome.message);
 * ```
 */
export async function verifyPluginTarball(input: string | Readable, opts: VerifyTarballOptions): Promise<VerifyOutcome> {
  const now = opts.now ?? new Date();
  try {
    const keyring = isVerifiedKeyring(opts.trust.keyring)
      ? opts.trust.keyring
      : verifyKeyring(opts.trust.keyring, {
          rootKeys: opts.trust.rootKeys,
          now,
          ...(opts.trust.minKeyringVersion !== undefined && { minVersion: opts.trust.minKeyringVersion }),
        });
    const read = await readPluginTarball(input, opts);
    const release = verifyRelease(read, keyring, now);
    return { ok: true, release, keyring, entries: read.entries, bytes: read.bytes, packageJson: read.packageJson };
  } catch (err) {
    if (opts.stageDir) rmSync(opts.stageDir, { recursive: true, force: true });
    if (err instanceof SdkError) return { ok: false, code: err.code, message: err.message, details: err.details };
    throw err;
  }
}
