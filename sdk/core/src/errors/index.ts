/**
 * The SDK's error catalogue. Every failure the SDK reports carries one of these stable codes; codes are
 * never reused or renamed, so hosts, registries and CI scripts can branch on them.
 */
export const SDK_ERRORS = {
  SDK_ERR_USAGE: ["A command was called with missing or invalid arguments.", "Run the command with --help and pass the arguments it lists."],
  SDK_ERR_IO: ["A file could not be read or written.", "Check that the path exists and is readable or writable."],
  SDK_ERR_KEY_INVALID: ["A key file is not an Ed25519 key in PEM form.", "Use a key written by `archnest-plugin keys generate`."],
  SDK_ERR_MANIFEST_INVALID: [
    "package.json or its `archnest` field breaks the manifest schema.",
    "Fix each field named in the message; unknown fields are refused.",
  ],
  SDK_ERR_ENVELOPE_INVALID: ["A signed document is not a well-formed DSSE envelope.", "Re-sign the document; do not edit envelopes by hand."],
  SDK_ERR_PAYLOAD_TYPE: [
    "A signed document of one kind was presented as another (for example a license as a release).",
    "Pass the document the command expects.",
  ],
  SDK_ERR_SIGNATURE_INVALID: ["A signature does not match the signed bytes.", "The document was altered after signing or signed with another key: re-sign it."],
  SDK_ERR_SIGNATURE_MISSING: ["The package carries no signed release statement.", "Sign the tarball with `archnest-plugin sign`."],
  SDK_ERR_KEY_UNKNOWN: [
    "The signing key is not listed in the trusted keyring for this role.",
    "Add the key to the keyring (signed by the root) or sign with a listed key.",
  ],
  SDK_ERR_KEY_REVOKED: ["The signing key has been revoked in the keyring.", "Sign with a current key; a revoked key is never trusted again."],
  SDK_ERR_KEY_SCOPE: [
    "The signing key may not sign packages with this name.",
    "Sign with the key whose scope covers the package name, or rename the package into your scope.",
  ],
  SDK_ERR_KEY_NOT_VALID: [
    "The package was signed outside the signing key's validity window.",
    "Sign with a key valid now; rotate keys with `archnest-plugin keyring rotate`.",
  ],
  SDK_ERR_KEYRING_INVALID: ["The keyring's content breaks the keyring schema.", "Create keyrings with `archnest-plugin keyring create`."],
  SDK_ERR_KEYRING_UNTRUSTED: ["The keyring is not signed by a trusted root key.", "Use the keyring published with the root key you trust."],
  SDK_ERR_KEYRING_ROLLBACK: ["The keyring is older than one already seen.", "Fetch the current keyring; older keyrings are refused to stop rollback attacks."],
  SDK_ERR_KEYRING_EXPIRED: ["The keyring has expired.", "Fetch a fresh keyring, or ask the root key holder to re-issue it."],
  SDK_ERR_STATEMENT_INVALID: ["The signed release statement breaks its schema.", "Re-sign the package with `archnest-plugin sign`."],
  SDK_ERR_PACKAGE_MISMATCH: [
    "package.json does not match the signed release statement (name, version, SDK range, module or permissions).",
    "The signature belongs to another package or version: re-sign this one.",
  ],
  SDK_ERR_FILE_HASH_MISMATCH: [
    "A file's content differs from the SHA-256 in the signed statement.",
    "The package was altered after signing: get an untouched copy or re-sign.",
  ],
  SDK_ERR_FILE_UNLISTED: [
    "The package holds a file that the signed statement does not list.",
    "A file was added after signing: get an untouched copy or re-sign.",
  ],
  SDK_ERR_FILE_MISSING: [
    "A file listed in the signed statement is missing from the package.",
    "A file was removed after signing: get an untouched copy or re-sign.",
  ],
  SDK_ERR_TARBALL_EMPTY: ["The package file is empty.", "Pack the plugin again with `archnest-plugin pack`."],
  SDK_ERR_TARBALL_NOT_GZIP: ["The package file is not a gzip-compressed tarball.", "Pack the plugin with `archnest-plugin pack`."],
  SDK_ERR_TARBALL_TRUNCATED: ["The package file ends before its compressed data does.", "The download was cut short: fetch the package again."],
  SDK_ERR_TARBALL_CORRUPT: ["The package file is not a valid tar archive.", "Pack the plugin again with `archnest-plugin pack`."],
  SDK_ERR_PACKAGE_PRIVATE_KEY: [
    "A file to be packed holds private key material (the message names the file); nothing was written.",
    'Move the key out of the plugin folder or leave the file out (package.json "files", .npmignore), then pack again.',
  ],
  SDK_ERR_ENTRY_LINK: ["The package holds a symbolic or hard link.", "Replace links with regular files before packing."],
  SDK_ERR_ENTRY_TYPE: [
    "The package holds an entry that is neither a regular file nor a folder (a device, a FIFO).",
    "Only regular files and folders may be packed.",
  ],
  SDK_ERR_ENTRY_PATH_ABSOLUTE: [
    "An entry in the package has an absolute path.",
    "Pack with `archnest-plugin pack`, which writes relative paths under package/.",
  ],
  SDK_ERR_ENTRY_PATH_TRAVERSAL: [
    "An entry's path climbs out of the package with `..` or is otherwise unsafe.",
    "Pack with `archnest-plugin pack`; paths must stay inside package/.",
  ],
  SDK_ERR_ENTRY_OUTSIDE_PACKAGE: ["An entry does not sit under package/.", "Pack with `archnest-plugin pack`, which follows npm's layout."],
  SDK_ERR_ENTRY_DUPLICATE: ["Two entries in the package have the same path.", "Pack the plugin again; each path may appear once."],
  SDK_ERR_LIMIT_ENTRIES: ["The package holds more entries than allowed.", "Ship fewer files (bundle the plugin) or raise the limit deliberately."],
  SDK_ERR_LIMIT_FILE_SIZE: ["A file in the package is larger than allowed.", "Ship smaller files or raise the limit deliberately."],
  SDK_ERR_LIMIT_TOTAL_SIZE: [
    "The package unpacks to more bytes than allowed (a possible decompression bomb).",
    "Ship a smaller package or raise the limit deliberately.",
  ],
  SDK_ERR_PLUGIN_DEFINITION: [
    "A plugin's server entry does not export a plugin made by definePlugin.",
    "Export `definePlugin({...})` as the default export of the server entry.",
  ],
  SDK_ERR_CAPABILITY_UNDECLARED: [
    "A plugin used a capability that its manifest does not declare.",
    "Add the permission to `archnest.permissions` and ask the admin to accept it.",
  ],
  SDK_ERR_SERVICE_UNAVAILABLE: [
    "A plugin called a host service that this host, or this test context, does not provide.",
    "In tests, pass an implementation of the service to createTestContext (for example `ssh`); on a host, update the host.",
  ],
  SDK_ERR_LICENSE_INVALID: ["A license's content breaks the license schema.", "Fetch a fresh license from the registry; do not edit licenses by hand."],
  SDK_ERR_LICENSE_UNTRUSTED: [
    "The license is not signed by a license key of the trusted keyring (a forged license, or one from another registry).",
    "Fetch the license from the registry this install trusts.",
  ],
  SDK_ERR_LICENSE_OTHER_INSTALL: [
    "The license was issued to another install.",
    "A license only works for the install it names: refresh this install's own license.",
  ],
  SDK_ERR_LICENSE_EXPIRED: ["The license is past its valid-until date.", "Let the host reach the registry to refresh the license."],
  SDK_ERR_LICENSE_NOT_YET_VALID: [
    "The license claims to be issued in the future beyond the tolerated clock skew.",
    "Check the clock of this machine (NTP), then refresh the license.",
  ],
  SDK_ERR_LICENSE_REPLAYED: [
    "The license is older (lower sequence number) than one this install already accepted.",
    "An old license was presented again: refresh from the registry.",
  ],
  SDK_ERR_STATUS_INVALID: ["The status index's content breaks its schema.", "Fetch the status index from the registry again."],
  SDK_ERR_STATUS_UNTRUSTED: [
    "The status index is not signed by an index key of the trusted keyring.",
    "Fetch the status index from the registry this install trusts.",
  ],
  SDK_ERR_STATUS_EXPIRED: ["The status index has expired.", "Fetch a fresh status index; an old one may hide a revocation."],
  SDK_ERR_STATUS_ROLLBACK: [
    "The status index is older than one already seen.",
    "Fetch the current status index; older ones are refused so revocations cannot be hidden.",
  ],
  SDK_ERR_REQUEST_UNSIGNED: [
    "A request lacks the install signature headers or they are malformed.",
    "Sign every request to the registry with signInstallRequest (x-archnest-install, -timestamp, -nonce, -signature).",
  ],
  SDK_ERR_REQUEST_STALE: [
    "A signed request's timestamp is too far from the receiver's clock.",
    "Check the clock of the sending machine (NTP) and send the request again.",
  ],
  SDK_ERR_REQUEST_SIGNATURE: [
    "A signed request's signature does not match its method, path, timestamp, nonce or body.",
    "Sign the exact bytes sent, with the install's own key.",
  ],
  SDK_ERR_SLOT_NAME_INVALID: [
    "A slot was defined with a name that is not a versioned slot name (`terminal.toolbar@1`).",
    "Name the slot `<area>.<name>@<major>`, lowercase, with the major version of the props it passes.",
  ],
  SDK_ERR_CREATE_TARGET_EXISTS: [
    "`archnest-plugin create` was pointed at a folder that already has files in it.",
    "Pick a new folder name, or empty the folder first; create never overwrites files.",
  ],
} as const satisfies Record<string, readonly [what: string, fix: string]>;

export type SdkErrorCode = keyof typeof SDK_ERRORS;

/**
 * An error with a stable code from {@link SDK_ERRORS} and a message a person understands.
 *
 * @example
 * ```ts
 * try { verifyRelease(input) } catch (e) { if (isSdkError(e)) console.log(e.code) }
 * ```
 */
export class SdkError extends Error {
  override readonly name = "SdkError";
  readonly code: SdkErrorCode;
  /** Extra structured facts (each manifest problem, the file that failed, ...). */
  readonly details: readonly string[];

  constructor(code: SdkErrorCode, message: string, details: readonly string[] = []) {
    super(message);
    this.code = code;
    this.details = details;
  }

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
