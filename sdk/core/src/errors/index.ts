import { type CodedErrorOptions, defineErrors } from "./define-errors.js";

export * from "./define-errors.js";

/**
 * The SDK's error catalogue. Every failure the SDK reports carries one of these stable codes; codes are
 * never reused or renamed, so hosts, registries and CI scripts can branch on them. A host answers them
 * over HTTP with 422 (a package or document the SDK refused).
 *
 * @example
 * ```ts
 * console.log(SdkErrors.table.SDK_ERR_KEY_REVOKED.hint);
 * ```
 */
export const SdkErrors = defineErrors(
  "SDK_ERR",
  {
    USAGE: { message: "A command was called with missing or invalid arguments.", hint: "Run the command with --help and pass the arguments it lists." },
    IO: { message: "A file could not be read or written.", hint: "Check that the path exists and is readable or writable." },
    KEY_INVALID: { message: "A key file is not an Ed25519 key in PEM form.", hint: "Use a key written by `archnest-plugin keys generate`." },
    MANIFEST_INVALID: {
      message: "package.json or its `archnest` field breaks the manifest schema.",
      hint: "Fix each field named in the message; unknown fields are refused.",
    },
    ENVELOPE_INVALID: { message: "A signed document is not a well-formed DSSE envelope.", hint: "Re-sign the document; do not edit envelopes by hand." },
    PAYLOAD_TYPE: {
      message: "A signed document of one kind was presented as another (for example a license as a release).",
      hint: "Pass the document the command expects.",
    },
    SIGNATURE_INVALID: {
      message: "A signature does not match the signed bytes.",
      hint: "The document was altered after signing or signed with another key: re-sign it.",
    },
    SIGNATURE_MISSING: { message: "The package carries no signed release statement.", hint: "Sign the tarball with `archnest-plugin sign`." },
    KEY_UNKNOWN: {
      message: "The signing key is not listed in the trusted keyring for this role.",
      hint: "Add the key to the keyring (signed by the root) or sign with a listed key.",
    },
    KEY_REVOKED: { message: "The signing key has been revoked in the keyring.", hint: "Sign with a current key; a revoked key is never trusted again." },
    KEY_SCOPE: {
      message: "The signing key may not sign packages with this name.",
      hint: "Sign with the key whose scope covers the package name, or rename the package into your scope.",
    },
    KEY_NOT_VALID: {
      message: "The package was signed outside the signing key's validity window.",
      hint: "Sign with a key valid now; rotate keys with `archnest-plugin keyring rotate`.",
    },
    KEYRING_INVALID: { message: "The keyring's content breaks the keyring schema.", hint: "Create keyrings with `archnest-plugin keyring create`." },
    KEYRING_UNTRUSTED: { message: "The keyring is not signed by a trusted root key.", hint: "Use the keyring published with the root key you trust." },
    KEYRING_ROLLBACK: {
      message: "The keyring is older than one already seen.",
      hint: "Fetch the current keyring; older keyrings are refused to stop rollback attacks.",
    },
    KEYRING_EXPIRED: { message: "The keyring has expired.", hint: "Fetch a fresh keyring, or ask the root key holder to re-issue it." },
    STATEMENT_INVALID: { message: "The signed release statement breaks its schema.", hint: "Re-sign the package with `archnest-plugin sign`." },
    PACKAGE_MISMATCH: {
      message: "package.json does not match the signed release statement (name, version, SDK range, module or permissions).",
      hint: "The signature belongs to another package or version: re-sign this one.",
    },
    FILE_HASH_MISMATCH: {
      message: "A file's content differs from the SHA-256 in the signed statement.",
      hint: "The package was altered after signing: get an untouched copy or re-sign.",
    },
    FILE_UNLISTED: {
      message: "The package holds a file that the signed statement does not list.",
      hint: "A file was added after signing: get an untouched copy or re-sign.",
    },
    FILE_MISSING: {
      message: "A file listed in the signed statement is missing from the package.",
      hint: "A file was removed after signing: get an untouched copy or re-sign.",
    },
    TARBALL_EMPTY: { message: "The package file is empty.", hint: "Pack the plugin again with `archnest-plugin pack`." },
    TARBALL_NOT_GZIP: { message: "The package file is not a gzip-compressed tarball.", hint: "Pack the plugin with `archnest-plugin pack`." },
    TARBALL_TRUNCATED: { message: "The package file ends before its compressed data does.", hint: "The download was cut short: fetch the package again." },
    TARBALL_CORRUPT: { message: "The package file is not a valid tar archive.", hint: "Pack the plugin again with `archnest-plugin pack`." },
    PACKAGE_PRIVATE_KEY: {
      message: "A file to be packed holds private key material (the message names the file); nothing was written.",
      hint: 'Move the key out of the plugin folder or leave the file out (package.json "files", .npmignore), then pack again.',
    },
    ENTRY_LINK: { message: "The package holds a symbolic or hard link.", hint: "Replace links with regular files before packing." },
    ENTRY_TYPE: {
      message: "The package holds an entry that is neither a regular file nor a folder (a device, a FIFO).",
      hint: "Only regular files and folders may be packed.",
    },
    ENTRY_PATH_ABSOLUTE: {
      message: "An entry in the package has an absolute path.",
      hint: "Pack with `archnest-plugin pack`, which writes relative paths under package/.",
    },
    ENTRY_PATH_TRAVERSAL: {
      message: "An entry's path climbs out of the package with `..` or is otherwise unsafe.",
      hint: "Pack with `archnest-plugin pack`; paths must stay inside package/.",
    },
    ENTRY_OUTSIDE_PACKAGE: { message: "An entry does not sit under package/.", hint: "Pack with `archnest-plugin pack`, which follows npm's layout." },
    ENTRY_DUPLICATE: { message: "Two entries in the package have the same path.", hint: "Pack the plugin again; each path may appear once." },
    LIMIT_ENTRIES: { message: "The package holds more entries than allowed.", hint: "Ship fewer files (bundle the plugin) or raise the limit deliberately." },
    LIMIT_FILE_SIZE: { message: "A file in the package is larger than allowed.", hint: "Ship smaller files or raise the limit deliberately." },
    LIMIT_TOTAL_SIZE: {
      message: "The package unpacks to more bytes than allowed (a possible decompression bomb).",
      hint: "Ship a smaller package or raise the limit deliberately.",
    },
    PLUGIN_DEFINITION: {
      message: "A plugin's server entry does not export a plugin made by definePlugin.",
      hint: "Export `definePlugin({...})` as the default export of the server entry.",
    },
    CAPABILITY_UNDECLARED: {
      message: "A plugin used a capability that its manifest does not declare.",
      hint: "Add the permission to `archnest.permissions` and ask the admin to accept it.",
    },
    SERVICE_UNAVAILABLE: {
      message: "A plugin called a host service that this host, or this test context, does not provide.",
      hint: "In tests, pass an implementation of the service to createTestContext (for example `ssh`); on a host, update the host.",
    },
    SSH_CERTIFICATE_INVALID: {
      message: "An OpenSSH certificate cannot be read (not a certificate line, an unsupported key type, or cut short).",
      hint: "Paste the whole `*-cert.pub` line that `ssh-keygen -s` wrote.",
    },
    SOURCE_CHANGED: {
      message: "A file being copied ended before the size it had when the copy started: it changed on its host meanwhile.",
      hint: "Copy the file again once nothing writes to it.",
    },
    LICENSE_INVALID: {
      message: "A license's content breaks the license schema.",
      hint: "Fetch a fresh license from the registry; do not edit licenses by hand.",
    },
    LICENSE_UNTRUSTED: {
      message: "The license is not signed by a license key of the trusted keyring (a forged license, or one from another registry).",
      hint: "Fetch the license from the registry this install trusts.",
    },
    LICENSE_OTHER_INSTALL: {
      message: "The license was issued to another install.",
      hint: "A license only works for the install it names: refresh this install's own license.",
    },
    LICENSE_EXPIRED: { message: "The license is past its valid-until date.", hint: "Let the host reach the registry to refresh the license." },
    LICENSE_NOT_YET_VALID: {
      message: "The license claims to be issued in the future beyond the tolerated clock skew.",
      hint: "Check the clock of this machine (NTP), then refresh the license.",
    },
    LICENSE_REPLAYED: {
      message: "The license is older (lower sequence number) than one this install already accepted.",
      hint: "An old license was presented again: refresh from the registry.",
    },
    STATUS_INVALID: { message: "The status index's content breaks its schema.", hint: "Fetch the status index from the registry again." },
    STATUS_UNTRUSTED: {
      message: "The status index is not signed by an index key of the trusted keyring.",
      hint: "Fetch the status index from the registry this install trusts.",
    },
    STATUS_EXPIRED: { message: "The status index has expired.", hint: "Fetch a fresh status index; an old one may hide a revocation." },
    STATUS_ROLLBACK: {
      message: "The status index is older than one already seen.",
      hint: "Fetch the current status index; older ones are refused so revocations cannot be hidden.",
    },
    REQUEST_UNSIGNED: {
      message: "A request lacks the install signature headers or they are malformed.",
      hint: "Sign every request to the registry with signInstallRequest (x-archnest-install, -timestamp, -nonce, -signature).",
    },
    REQUEST_STALE: {
      message: "A signed request's timestamp is too far from the receiver's clock.",
      hint: "Check the clock of the sending machine (NTP) and send the request again.",
    },
    REQUEST_SIGNATURE: {
      message: "A signed request's signature does not match its method, path, timestamp, nonce or body.",
      hint: "Sign the exact bytes sent, with the install's own key.",
    },
    SLOT_NAME_INVALID: {
      message: "A slot was defined with a name that is not a versioned slot name (`terminal.toolbar@1`).",
      hint: "Name the slot `<area>.<name>@<major>`, lowercase, with the major version of the props it passes.",
    },
    CREATE_TARGET_EXISTS: {
      message: "`archnest-plugin create` was pointed at a folder that already has files in it.",
      hint: "Pick a new folder name, or empty the folder first; create never overwrites files.",
    },
  },
  { status: 422 },
);

export type SdkErrorCode = keyof typeof SdkErrors.table;

/**
 * The SDK's codes as `code -> [what happened, how to fix]`.
 *
 * @deprecated Use {@link SdkErrors}`.table` instead: each code with its status, message and hint.
 */
export const SDK_ERRORS: { readonly [K in SdkErrorCode]: readonly [what: string, fix: string] } = Object.freeze(
  Object.fromEntries(Object.entries(SdkErrors.table).map(([code, e]) => [code, Object.freeze([e.message, e.hint ?? ""] as const)])),
) as { readonly [K in SdkErrorCode]: readonly [what: string, fix: string] };

/**
 * An error with a stable code from {@link SdkErrors} and a message a person understands.
 *
 * @example
 * ```ts
 * try { verifyRelease(input) } catch (e) { if (isSdkError(e)) console.log(e.code) }
 * ```
 */
export class SdkError extends SdkErrors.Error {
  override readonly name: string = "SdkError";

  constructor(code: SdkErrorCode, message: string, details: readonly string[] = [], options: Omit<CodedErrorOptions, "details"> = {}) {
    super(code, message, { ...options, details });
  }

  /** The CLI's `--json` form, `{code, message, details?}`; HTTP answers use the wire shape instead. */
  toJSON(): { code: SdkErrorCode; message: string; details?: readonly string[] } {
    return this.details.length > 0 ? { code: this.code, message: this.message, details: this.details } : { code: this.code, message: this.message };
  }
}

/**
 * Narrows an unknown thrown value to an {@link SdkError}.
 *
 * @example
 * ```ts
 * if (isSdkError(err) && err.code === "SDK_ERR_KEY_REVOKED") rotate();
 * ```
 */
export function isSdkError(value: unknown): value is SdkError {
  return value instanceof SdkError;
}

/** Separate class for keyring rollback, so callers that keep state can branch on it (as tuf-js does). */
export class KeyringRollbackError extends SdkError {
  constructor(seen: number, got: number) {
    super("SDK_ERR_KEYRING_ROLLBACK", `Keyring version ${got} is older than version ${seen}, which was already seen.`);
  }
}

/** Separate class for expiry, so callers can offer to refresh rather than refuse. */
export class KeyringExpiredError extends SdkError {
  constructor(expires: string) {
    super("SDK_ERR_KEYRING_EXPIRED", `The keyring expired at ${expires}.`);
  }
}
