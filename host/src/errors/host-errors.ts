/**
 * The host's error catalogue: code -> [HTTP status, what happened, how to fix]. Codes are stable and never
 * reused or renamed, so the web app, the CLI and scripts can branch on them. docs/errors-host.md lists
 * every code (a test keeps the two in step).
 */
export const HOST_ERRORS = {
  HOST_ERR_INTERNAL: [
    500,
    "The host hit an unexpected error; details are in the host log under the request id.",
    "Retry; if it persists, report it with the x-request-id of the response.",
  ],
  HOST_ERR_CONFIG_INVALID: [500, "An ARCHNEST_* environment variable has an invalid value.", "Fix the variable named in the message and start the host again."],
  HOST_ERR_NOT_FOUND: [404, "No route answers this method and path.", "Check the URL and method."],
  HOST_ERR_BAD_REQUEST: [400, "The request body is not valid JSON or is missing.", "Send a JSON body with Content-Type: application/json."],
  HOST_ERR_VALIDATION: [400, "A field of the request is missing or has an invalid value.", "Fix each field named in the message."],
  HOST_ERR_PAYLOAD_TOO_LARGE: [413, "The request body is larger than this route accepts.", "Send a smaller body."],
  HOST_ERR_BAD_PATH: [
    400,
    "The request path has malformed percent-encoding (a % not followed by two hex digits of valid UTF-8).",
    "Encode each path segment with encodeURIComponent.",
  ],
  HOST_ERR_NOT_READY: [
    503,
    "The database is unreachable or its migrations are not applied.",
    "Check the host log for the database error; restart the host to apply migrations.",
  ],
  HOST_ERR_UNAUTHENTICATED: [401, "The request has no valid session (never signed in, signed out, or the session expired).", "Sign in again."],
  HOST_ERR_FORBIDDEN: [403, "The signed-in user may not do this.", "Ask an admin."],
  HOST_ERR_CSRF: [
    403,
    "A cookie-authenticated change came without the session's x-archnest-csrf header, or from another origin.",
    "Send the csrfToken returned by login, setup or /api/auth/me in the x-archnest-csrf header, from the host's own origin.",
  ],
  HOST_ERR_SETUP_REQUIRED: [409, "The host has no admin yet.", "Create the admin with POST /api/setup (the web app opens the setup page)."],
  HOST_ERR_SETUP_DONE: [409, "The admin already exists; setup runs once.", "Sign in with the admin account instead."],
  HOST_ERR_SETUP_CODE: [
    403,
    "First-run setup came without the host's setup code, or with a wrong one.",
    "Enter the setup code the host printed in its log at start (also in the file setup-code in its data folder); `npm start` prints a link that fills it in.",
  ],
  HOST_ERR_HOST_NOT_ALLOWED: [
    421,
    "The request's Host header names a host this server does not serve (a DNS rebinding attempt, or a name it was not told about).",
    "Open the host by a name it serves: localhost, 127.0.0.1, its IP address, or a name listed in ARCHNEST_ALLOWED_HOSTS.",
  ],
  HOST_ERR_LOGIN_FAILED: [401, "The username or password is wrong.", "Check both and try again; repeated failures are rate limited."],
  HOST_ERR_RATE_LIMITED: [429, "Too many failed sign-in attempts from this address.", "Wait for the number of seconds in the Retry-After header."],
  HOST_ERR_PASSWORD_WEAK: [400, "The new password breaks the password policy (at least 10 characters).", "Choose a longer password."],
  HOST_ERR_PASSWORD_WRONG: [403, "The current password given to change the password is wrong.", "Enter the current password exactly."],
  HOST_ERR_MASTER_KEY_INVALID: [
    500,
    "The vault master key is not the base64 encoding of exactly 32 bytes.",
    "Set ARCHNEST_MASTER_KEY to `openssl rand -base64 32`, or fix the key file it names.",
  ],
  HOST_ERR_MASTER_KEY_MISMATCH: [
    500,
    "The master key differs from the one that sealed this data folder's secrets.",
    "Start the host with the original master key (environment or key file); secrets cannot be opened with another key.",
  ],
  HOST_ERR_MASTER_KEY_FILE: [
    500,
    "The master key file could not be read or created.",
    "Check that the folder named in the message exists and is writable by the host's user.",
  ],
  HOST_ERR_VAULT_NAME_INVALID: [
    500,
    "A vault record or field name is empty, too long or contains a NUL character.",
    "Use non-empty names of at most 512 characters without NUL.",
  ],
  HOST_ERR_VAULT_DECRYPT_FAILED: [
    500,
    "A sealed secret failed authentication: it was altered, moved to another record or field, or sealed with another master key.",
    "Enter the secret again; check that the host runs with its original master key.",
  ],
  HOST_ERR_DATA_DIR: [500, "The data folder could not be created or opened.", "Check ARCHNEST_DATA_DIR and the permissions of the folder it names."],
  HOST_ERR_MIGRATION_FAILED: [
    500,
    "A database migration failed at boot; the database was left at its previous version.",
    "Read the error in the log; restore the database from a backup if it was edited by hand.",
  ],
  HOST_ERR_SSH_HOST_NOT_FOUND: [
    404,
    "No SSH host has this id (it was removed, or the id is wrong).",
    "List the hosts with GET /api/hosts and use one of their ids.",
  ],
  HOST_ERR_SSH_HOST_NAME_TAKEN: [409, "Another SSH host already has this name.", "Choose a different name, or edit the existing host."],
  HOST_ERR_SSH_CREDENTIALS_MISSING: [
    400,
    "The SSH host has no password or private key stored for its sign-in method.",
    "Edit the host and enter the password or paste the private key.",
  ],
  HOST_ERR_SSH_KEY_INVALID: [
    400,
    "The private key cannot be read: it is not an OpenSSH, PEM or PuTTY private key, or its passphrase is wrong or missing.",
    "Paste the whole private key file (including the BEGIN and END lines) and the passphrase it was encrypted with.",
  ],
  HOST_ERR_SSH_UNREACHABLE: [
    502,
    "The SSH host could not be reached: the connection was refused, the address does not resolve, or the network is down.",
    "Check the address and port, that sshd runs on the host, and that no firewall blocks the port.",
  ],
  HOST_ERR_SSH_TIMEOUT: [
    504,
    "Connecting or signing in to the SSH host took too long.",
    "Check that the address and port are right and the host is up; try again.",
  ],
  HOST_ERR_SSH_AUTH_FAILED: [
    502,
    "The SSH server refused the stored credentials (wrong user, password or key, or the key is not in authorized_keys).",
    "Check the user name, then edit the host's password or key.",
  ],
  HOST_ERR_HOST_KEY_CHANGED: [
    409,
    "The SSH server presented a host key different from the trusted one; the connection was refused in case someone is in the middle.",
    "Compare both fingerprints (in details) with the server's (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`), then accept the new key with POST /api/hosts/<id>/accept-host-key.",
  ],
  HOST_ERR_HOST_KEY_UNTRUSTED: [
    409,
    "This is the first connection to the SSH host and its host key is not trusted yet; nothing was sent to the server.",
    "Compare the presented fingerprint (in details) with the server's (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`), then trust it in Settings → Integrations → SSH hosts or with POST /api/hosts/<id>/accept-host-key.",
  ],
  HOST_ERR_SSH_HOST_KEY_NOT_PENDING: [
    409,
    "The fingerprint to accept is not the one the SSH server last presented.",
    "Test the connection again to see the server's current fingerprint, then accept exactly that one.",
  ],
  HOST_ERR_SSH_DISCONNECTED: [502, "The SSH connection dropped during the operation.", "Try again: the next use reconnects."],
  HOST_ERR_SSH_CHANNEL_FAILED: [
    502,
    "The SSH server refused to open a channel (shell, command, SFTP or forward), or too many are open.",
    "Check the server's limits (MaxSessions) and that the subsystem or forwarding is allowed in its sshd_config.",
  ],
  HOST_ERR_DOCKER_ENDPOINT_INVALID: [
    400,
    "A plugin asked ctx.docker for an endpoint that is not a unix socket with an absolute path or a TCP host and port.",
    'Pass { kind: "unix", socketPath } or { kind: "tcp", host, port, tls? } to ctx.docker.',
  ],
  HOST_ERR_DOCKER_UNREACHABLE: [
    502,
    "The Docker engine could not be reached: the socket does not exist or refused the host, or the address refused the connection.",
    "Check that dockerd runs and listens where the source points, and that the host's user may open its socket.",
  ],
  HOST_ERR_DOCKER_CONNECT_TIMEOUT: [
    504,
    "The connection to the Docker engine (or its TLS handshake) did not finish in time.",
    "Check the address, the port and any firewall between the host and the engine.",
  ],
  HOST_ERR_DOCKER_TLS_FAILED: [
    502,
    "The TLS handshake with the Docker engine failed: the engine refused the client certificate, or its own certificate is not signed by the given CA.",
    "Give the client certificate and key the engine trusts, and the CA that signed the engine's certificate.",
  ],
  HOST_ERR_FETCH_URL_INVALID: [
    400,
    "A plugin called ctx.fetch with something other than an absolute http or https URL, or with credentials in the URL.",
    "Pass an absolute http(s) URL; send credentials in a header.",
  ],
  HOST_ERR_FETCH_HOST_UNDECLARED: [
    403,
    "A plugin called ctx.fetch for a host, or a port, that none of its net:outbound permissions names.",
    "Add net:outbound:<host>[:port] to the plugin's archnest.permissions, publish the new version and have the admin accept it.",
  ],
  HOST_ERR_FETCH_ADDRESS_PRIVATE: [
    403,
    "A plugin's outbound request resolved to a loopback, private, link-local or other non-public address; the request was not sent.",
    "To reach a service on the local network, name its IP address in a permission (net:outbound:192.168.1.20:8006); host names must resolve to public addresses.",
  ],
  HOST_ERR_FETCH_REDIRECT_REFUSED: [
    502,
    "A server answered a plugin's request with a redirect to a host the plugin did not declare, to an unusable URL, or with more than 5 redirects.",
    'Declare the redirect\'s host too, request the final URL directly, or pass redirect: "manual" and handle the 3xx.',
  ],
  HOST_ERR_FETCH_TIMEOUT: [504, "A plugin's outbound request got no response within its time limit.", "Retry later, or pass a longer timeoutMs."],
  HOST_ERR_FETCH_FAILED: [
    502,
    "A plugin's outbound request failed: the name does not resolve, the connection was refused or reset, or TLS failed.",
    "Check that the host is up and reachable from the ArchNest host.",
  ],
  HOST_ERR_SSH_EXEC_TIMEOUT: [
    504,
    "A remote command ran longer than its time limit and was stopped.",
    "Give the command a longer timeout or make it finish sooner.",
  ],
  HOST_ERR_SSH_FORWARD_FAILED: [
    409,
    "A port forward could not start: the local port is in use or not allowed, or the SSH server refused the remote forward.",
    "Pick another port; for remote forwards check AllowTcpForwarding and GatewayPorts on the server.",
  ],
  HOST_ERR_SFTP_NO_SUCH_FILE: [404, "The remote file or folder does not exist.", "Check the path; it may have been moved or deleted."],
  HOST_ERR_SFTP_PERMISSION_DENIED: [
    403,
    "The SSH user may not read or change this remote file or folder.",
    "Change the file's permissions or owner on the server, or use another user.",
  ],
  HOST_ERR_SFTP_FAILURE: [
    502,
    "The SSH server could not do the file operation (for example the disk is full, the folder is not empty, or the target exists).",
    "Read the message for the server's reason, fix it on the server and try again.",
  ],
  HOST_ERR_SFTP_ERROR: [502, "The SFTP operation failed with another status from the server.", "Read the message for the server's reason and try again."],
  // The plugin runtime (host/src/plugins) and the license client (host/src/license).
  HOST_ERR_PLUGIN_NOT_FOUND: [404, "No installed plugin has this id.", "Check the id in the Plugins list."],
  HOST_ERR_PLUGIN_INACTIVE: [
    503,
    "The plugin is installed but not running (disabled, failed, locked or revoked).",
    "Open Settings > Plugins to see why and enable, update or roll it back.",
  ],
  HOST_ERR_MODULE_REQUIRED: [
    402,
    "The feature needs a paid module that this install's license does not cover.",
    "Buy the module in the Module Store, then check the license.",
  ],
  HOST_ERR_SDK_INCOMPATIBLE: [
    422,
    "The plugin was built for an SDK version this host does not implement.",
    "Install a release of the plugin built for this host's SDK, or update the host.",
  ],
  HOST_ERR_DEPENDENCIES_UNMET: [
    422,
    "Plugins this plugin depends on are missing, inactive or at versions outside its ranges.",
    "Install or update each plugin listed in the details first.",
  ],
  HOST_ERR_DEPENDENCY_CYCLE: [
    422,
    "Plugins depend on each other in a cycle.",
    "Ask the plugin authors to break the cycle; none of the plugins in it can start.",
  ],
  HOST_ERR_HAS_DEPENDENTS: [
    409,
    "Other active plugins depend on this one; the message names them and `dependents` lists their ids.",
    "Confirm with ?withDependents=true to stop them too (they start again when it is back), or disable them first.",
  ],
  HOST_ERR_ROLLBACK_REFUSED: [
    409,
    "The package is older than a version this host has already installed.",
    "Use Roll back to return to the kept previous version; older packages are refused to stop downgrade attacks.",
  ],
  HOST_ERR_NO_PREVIOUS_VERSION: [409, "There is no kept previous version to roll back to.", "Install the wanted version from a signed package instead."],
  HOST_ERR_ALREADY_INSTALLED: [409, "This exact version is already installed.", "Nothing to do; use Update for a newer version."],
  HOST_ERR_PLUGIN_ID_TAKEN: [409, "Another package already uses this plugin id.", "Uninstall the other package first; plugin ids are unique on a host."],
  HOST_ERR_PERMISSIONS_NOT_ACCEPTED: [
    409,
    "The plugin asks for permissions the admin has not accepted.",
    "Review the permissions and install again accepting them.",
  ],
  HOST_ERR_PLUGIN_SETUP_FAILED: [
    500,
    "The plugin's setup threw an error; it is marked failed and everything it registered was removed.",
    "See the error; update or roll back the plugin, or report it to its author.",
  ],
  HOST_ERR_PLUGIN_SETUP_TIMEOUT: [
    500,
    "The plugin's setup did not finish in time; it is marked failed.",
    "Update or roll back the plugin, or report it to its author.",
  ],
  HOST_ERR_PLUGIN_ENTRY_INVALID: [500, "The plugin's server entry does not default-export definePlugin(...).", "Report it to the plugin's author."],
  HOST_ERR_SETTINGS_INVALID: [400, "A plugin setting does not match its declared type or bounds.", "Fix the values named in the details."],
  HOST_ERR_BAD_UPLOAD: [400, "The install request carried no package.", "Upload a .tgz file or name a registry package (name@range)."],
  HOST_ERR_UPLOAD_TOO_LARGE: [413, "The uploaded package is larger than the host accepts.", "Ship a smaller package."],
  HOST_ERR_NO_REGISTRY: [409, "The host has no registry configured for this action.", "Set ARCHNEST_REGISTRY_URL, or install from a file."],
  HOST_ERR_PLUGIN_VERIFY_FAILED: [422, "The plugin package failed verification.", "The details carry the SDK check that failed."],
  HOST_ERR_VERSION_REVOKED: [
    409,
    "The registry revoked this plugin version.",
    "Update to the version the Plugins page offers, or roll back to a version that is not revoked.",
  ],
  HOST_ERR_REGISTRY_UNREACHABLE: [
    502,
    "The registry could not be reached or answered with an error.",
    "Check ARCHNEST_REGISTRY_URL and the network; the license keeps working offline until it expires.",
  ],
  HOST_ERR_LICENSE_INVALID: [
    502,
    "The registry's license or status index did not verify (signature, install, validity or an older sequence); the license held before stays in force.",
    "Check that the host trusts the registry's keyring and that its clock is right (NTP), then check again.",
  ],
  HOST_ERR_PACKAGE_REF_INVALID: [
    400,
    "The package to install is not a valid npm package name with a semver version or range; nothing was requested.",
    'Send {name, range} or {ref: "name@range"}, e.g. {ref: "@scope/name@^1.2.0"}; details name the field that is wrong.',
  ],
  HOST_ERR_PACKAGE_NOT_FOUND: [404, "The registry has no version of this package matching the range.", "Check the package name and the version range."],
  HOST_ERR_PUBLISHER_INVALID: [
    422,
    "The publisher's root key or keyring cannot be trusted: the keyring does not verify against the root, has expired, or lists keys outside the publisher's scopes or with a role other than release.",
    "Ask the publisher for a current keyring signed by their root key (`archnest-plugin keyring create`), with release keys inside their own scopes.",
  ],
  HOST_ERR_PUBLISHER_NOT_FOUND: [
    404,
    "No trusted publisher, or no publisher known to the registry, has this fingerprint.",
    "Check the fingerprint (64 hex characters, the publisher's root key id); on an offline host, trust it from its root.pub and keyring.json.",
  ],
  HOST_ERR_PUBLISHER_FINGERPRINT_MISMATCH: [
    422,
    "The root key the registry answered for this fingerprint is a different key.",
    "Do not trust it: compare the fingerprint with the publisher through another channel, and check which registry the host uses.",
  ],
  HOST_ERR_PUBLISHER_SCOPE_RESERVED: [
    422,
    "The publisher claims a scope of the official keyring (such as @archnest/*) or one another trusted publisher holds.",
    "Trust only publishers with npm scopes of their own; remove the other publisher first if the scope moved.",
  ],
  HOST_ERR_PUBLISHER_PAID_MODULE: [
    403,
    "A plugin signed under a publisher's own key asks for a paid module; paid modules are signed under the official root only.",
    "Install the official release of the module, or ask the publisher for a free build.",
  ],
  HOST_ERR_PUBLISHER_UNTRUSTED: [
    409,
    "The plugin's publisher is no longer trusted on this host, so its code is not loaded; its data is kept.",
    "Trust the publisher again in Settings → Plugins → Trusted publishers, or uninstall the plugin.",
  ],
} as const satisfies Record<string, readonly [status: number, what: string, fix: string]>;

export type HostErrorCode = keyof typeof HOST_ERRORS;

/** Options of {@link HostError}: the cause (logged, never sent) and details safe to show the user. */
export interface HostErrorOptions {
  cause?: unknown;
  details?: readonly string[];
  status?: number;
  /** Response headers that belong with the error (Retry-After on 429). */
  headers?: Readonly<Record<string, string>>;
}

/** An error the host reports with a stable code; its message and details are safe to send to clients. */
export class HostError extends Error {
  override readonly name = "HostError";
  readonly code: HostErrorCode;
  readonly status: number;
  readonly details: readonly string[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: HostErrorCode, message?: string, options: HostErrorOptions = {}) {
    super(message ?? HOST_ERRORS[code][1], options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? HOST_ERRORS[code][0];
    this.details = options.details ?? [];
    this.headers = options.headers ?? {};
  }
}

export function isHostError(error: unknown, code?: HostErrorCode): error is HostError {
  return error instanceof HostError && (code === undefined || error.code === code);
}
