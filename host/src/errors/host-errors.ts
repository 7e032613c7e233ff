import { type CodedErrorOptions, defineErrors } from "@archnest/sdk";

/**
 * The host's error catalogue: each code with its HTTP status, what happened and how to fix it. Codes are
 * stable and never reused or renamed, so the web app, the CLI and scripts can branch on them.
 * docs/errors-host.md lists every code (a test keeps the two in step).
 */
export const HostErrors = defineErrors("HOST_ERR", {
  INTERNAL: {
    status: 500,
    message: "The host hit an unexpected error; details are in the host log under the request id.",
    hint: "Retry; if it persists, report it with the x-request-id of the response.",
  },
  CONFIG_INVALID: {
    status: 500,
    message: "An ARCHNEST_* environment variable has an invalid value.",
    hint: "Fix the variable named in the message and start the host again.",
  },
  NOT_FOUND: { status: 404, message: "No route answers this method and path.", hint: "Check the URL and method." },
  BAD_REQUEST: { status: 400, message: "The request body is not valid JSON or is missing.", hint: "Send a JSON body with Content-Type: application/json." },
  VALIDATION: { status: 400, message: "A field of the request is missing or has an invalid value.", hint: "Fix each field named in the message." },
  PAYLOAD_TOO_LARGE: { status: 413, message: "The request body is larger than this route accepts.", hint: "Send a smaller body." },
  BAD_PATH: {
    status: 400,
    message: "The request path has malformed percent-encoding (a % not followed by two hex digits of valid UTF-8).",
    hint: "Encode each path segment with encodeURIComponent.",
  },
  NOT_READY: {
    status: 503,
    message: "The database is unreachable or its migrations are not applied.",
    hint: "Check the host log for the database error; restart the host to apply migrations.",
  },
  UNAUTHENTICATED: { status: 401, message: "The request has no valid session (never signed in, signed out, or the session expired).", hint: "Sign in again." },
  FORBIDDEN: { status: 403, message: "The signed-in user may not do this.", hint: "Ask an admin." },
  CSRF: {
    status: 403,
    message: "A cookie-authenticated change came without the session's x-archnest-csrf header, or from another origin.",
    hint: "Send the csrfToken returned by login, setup or /api/auth/me in the x-archnest-csrf header, from the host's own origin.",
  },
  SETUP_REQUIRED: { status: 409, message: "The host has no admin yet.", hint: "Create the admin with POST /api/setup (the web app opens the setup page)." },
  SETUP_DONE: { status: 409, message: "The admin already exists; setup runs once.", hint: "Sign in with the admin account instead." },
  SETUP_CODE: {
    status: 403,
    message: "First-run setup came without the host's setup code, or with a wrong one.",
    hint: "Enter the setup code the host printed in its log at start (also in the file setup-code in its data folder); `npm start` prints a link that fills it in.",
  },
  HOST_NOT_ALLOWED: {
    status: 421,
    message: "The request's Host header names a host this server does not serve (a DNS rebinding attempt, or a name it was not told about).",
    hint: "Open the host by a name it serves: localhost, 127.0.0.1, its IP address, or a name listed in ARCHNEST_ALLOWED_HOSTS.",
  },
  LOGIN_FAILED: { status: 401, message: "The username or password is wrong.", hint: "Check both and try again; repeated failures are rate limited." },
  RATE_LIMITED: {
    status: 429,
    message: "Too many failed sign-in attempts from this address.",
    hint: "Wait for the number of seconds in the Retry-After header.",
  },
  PASSWORD_WEAK: { status: 400, message: "The new password breaks the password policy (at least 10 characters).", hint: "Choose a longer password." },
  PASSWORD_WRONG: { status: 403, message: "The current password given to change the password is wrong.", hint: "Enter the current password exactly." },
  MASTER_KEY_INVALID: {
    status: 500,
    message: "The vault master key is not the base64 encoding of exactly 32 bytes.",
    hint: "Set ARCHNEST_MASTER_KEY to `openssl rand -base64 32`, or fix the key file it names.",
  },
  MASTER_KEY_MISMATCH: {
    status: 500,
    message: "The master key differs from the one that sealed this data folder's secrets.",
    hint: "Start the host with the original master key (environment or key file); secrets cannot be opened with another key.",
  },
  MASTER_KEY_FILE: {
    status: 500,
    message: "The master key file could not be read or created.",
    hint: "Check that the folder named in the message exists and is writable by the host's user.",
  },
  VAULT_NAME_INVALID: {
    status: 500,
    message: "A vault record or field name is empty, too long or contains a NUL character.",
    hint: "Use non-empty names of at most 512 characters without NUL.",
  },
  VAULT_DECRYPT_FAILED: {
    status: 500,
    message: "A sealed secret failed authentication: it was altered, moved to another record or field, or sealed with another master key.",
    hint: "Enter the secret again; check that the host runs with its original master key.",
  },
  DATA_DIR: {
    status: 500,
    message: "The data folder could not be created or opened.",
    hint: "Check ARCHNEST_DATA_DIR and the permissions of the folder it names.",
  },
  MIGRATION_FAILED: {
    status: 500,
    message: "A database migration failed at boot; the database was left at its previous version.",
    hint: "Read the error in the log; restore the database from a backup if it was edited by hand.",
  },
  SSH_HOST_NOT_FOUND: {
    status: 404,
    message: "No SSH host has this id (it was removed, or the id is wrong).",
    hint: "List the hosts with GET /api/hosts and use one of their ids.",
  },
  SSH_HOST_NAME_TAKEN: { status: 409, message: "Another SSH host already has this name.", hint: "Choose a different name, or edit the existing host." },
  SSH_CREDENTIALS_MISSING: {
    status: 400,
    message: "The SSH host has no password or private key stored for its sign-in method.",
    hint: "Edit the host and enter the password or paste the private key.",
  },
  SSH_KEY_INVALID: {
    status: 400,
    message: "The private key cannot be read: it is not an OpenSSH, PEM or PuTTY private key, or its passphrase is wrong or missing.",
    hint: "Paste the whole private key file (including the BEGIN and END lines) and the passphrase it was encrypted with.",
  },
  SSH_UNREACHABLE: {
    status: 502,
    message: "The SSH host could not be reached: the connection was refused, the address does not resolve, or the network is down.",
    hint: "Check the address and port, that sshd runs on the host, and that no firewall blocks the port.",
  },
  SSH_TIMEOUT: {
    status: 504,
    message: "Connecting or signing in to the SSH host took too long.",
    hint: "Check that the address and port are right and the host is up; try again.",
  },
  SSH_AUTH_FAILED: {
    status: 502,
    message: "The SSH server refused the stored credentials (wrong user, password or key, or the key is not in authorized_keys).",
    hint: "Check the user name, then edit the host's password or key.",
  },
  HOST_KEY_CHANGED: {
    status: 409,
    message: "The SSH server presented a host key different from the trusted one; the connection was refused in case someone is in the middle.",
    hint: "Compare both fingerprints (in details) with the server's (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`), then accept the new key with POST /api/hosts/<id>/accept-host-key.",
  },
  HOST_KEY_UNTRUSTED: {
    status: 409,
    message: "This is the first connection to the SSH host and its host key is not trusted yet; nothing was sent to the server.",
    hint: "Compare the presented fingerprint (in details) with the server's (`ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub`), then trust it in Settings → Integrations → SSH hosts or with POST /api/hosts/<id>/accept-host-key.",
  },
  SSH_HOST_KEY_NOT_PENDING: {
    status: 409,
    message: "The fingerprint to accept is not the one the SSH server last presented.",
    hint: "Test the connection again to see the server's current fingerprint, then accept exactly that one.",
  },
  SSH_DISCONNECTED: { status: 502, message: "The SSH connection dropped during the operation.", hint: "Try again: the next use reconnects." },
  SSH_CHANNEL_FAILED: {
    status: 502,
    message: "The SSH server refused to open a channel (shell, command, SFTP or forward), or too many are open.",
    hint: "Check the server's limits (MaxSessions) and that the subsystem or forwarding is allowed in its sshd_config.",
  },
  SSH_EXEC_TIMEOUT: {
    status: 504,
    message: "A remote command ran longer than its time limit and was stopped.",
    hint: "Give the command a longer timeout or make it finish sooner.",
  },
  SSH_FORWARD_FAILED: {
    status: 409,
    message: "A port forward could not start: the local port is in use or not allowed, or the SSH server refused the remote forward.",
    hint: "Pick another port; for remote forwards check AllowTcpForwarding and GatewayPorts on the server.",
  },
  SFTP_NO_SUCH_FILE: { status: 404, message: "The remote file or folder does not exist.", hint: "Check the path; it may have been moved or deleted." },
  SFTP_PERMISSION_DENIED: {
    status: 403,
    message: "The SSH user may not read or change this remote file or folder.",
    hint: "Change the file's permissions or owner on the server, or use another user.",
  },
  SFTP_FAILURE: {
    status: 502,
    message: "The SSH server could not do the file operation (for example the disk is full, the folder is not empty, or the target exists).",
    hint: "Read the message for the server's reason, fix it on the server and try again.",
  },
  SFTP_ERROR: {
    status: 502,
    message: "The SFTP operation failed with another status from the server.",
    hint: "Read the message for the server's reason and try again.",
  },
  // The plugin runtime (host/src/plugins) and the license client (host/src/license).
  PLUGIN_NOT_FOUND: { status: 404, message: "No installed plugin has this id.", hint: "Check the id in the Plugins list." },
  PLUGIN_INACTIVE: {
    status: 503,
    message:
      "The plugin is installed but not running (disabled, failed, locked or revoked); one that is starting (just unlocked or updated) is waited for up to 10 s first.",
    hint: "Open Settings > Plugins to see why and enable, update or roll it back.",
  },
  MODULE_REQUIRED: {
    status: 402,
    message: "The feature needs a paid module that this install's license does not cover.",
    hint: "Buy the module in the Module Store, then check the license.",
  },
  SDK_INCOMPATIBLE: {
    status: 422,
    message: "The plugin was built for an SDK version this host does not implement.",
    hint: "Install a release of the plugin built for this host's SDK, or update the host.",
  },
  DEPENDENCIES_UNMET: {
    status: 422,
    message: "Plugins this plugin depends on are missing, inactive or at versions outside its ranges.",
    hint: "Install or update each plugin listed in the details first.",
  },
  DEPENDENCY_CYCLE: {
    status: 422,
    message: "Plugins depend on each other in a cycle.",
    hint: "Ask the plugin authors to break the cycle; none of the plugins in it can start.",
  },
  HAS_DEPENDENTS: {
    status: 409,
    message: "Other active plugins depend on this one; the message names them and `dependents` lists their ids.",
    hint: "Confirm with ?withDependents=true to stop them too (they start again when it is back), or disable them first.",
  },
  ROLLBACK_REFUSED: {
    status: 409,
    message: "The package is older than a version this host has already installed.",
    hint: "Use Roll back to return to the kept previous version; older packages are refused to stop downgrade attacks.",
  },
  NO_PREVIOUS_VERSION: {
    status: 409,
    message: "There is no kept previous version to roll back to.",
    hint: "Install the wanted version from a signed package instead.",
  },
  ALREADY_INSTALLED: { status: 409, message: "This exact version is already installed.", hint: "Nothing to do; use Update for a newer version." },
  PLUGIN_ID_TAKEN: {
    status: 409,
    message: "Another package already uses this plugin id.",
    hint: "Uninstall the other package first; plugin ids are unique on a host.",
  },
  PERMISSIONS_NOT_ACCEPTED: {
    status: 409,
    message: "The plugin asks for permissions the admin has not accepted.",
    hint: "Review the permissions and install again accepting them.",
  },
  PLUGIN_SETUP_FAILED: {
    status: 500,
    message: "The plugin's setup threw an error; it is marked failed and everything it registered was removed.",
    hint: "See the error; update or roll back the plugin, or report it to its author.",
  },
  PLUGIN_SETUP_TIMEOUT: {
    status: 500,
    message: "The plugin's setup did not finish in time; it is marked failed.",
    hint: "Update or roll back the plugin, or report it to its author.",
  },
  PLUGIN_ENTRY_INVALID: {
    status: 500,
    message: "The plugin's server entry does not default-export definePlugin(...).",
    hint: "Report it to the plugin's author.",
  },
  SETTINGS_INVALID: { status: 400, message: "A plugin setting does not match its declared type or bounds.", hint: "Fix the values named in the details." },
  BAD_UPLOAD: { status: 400, message: "The install request carried no package.", hint: "Upload a .tgz file or name a registry package (name@range)." },
  UPLOAD_TOO_LARGE: { status: 413, message: "The uploaded package is larger than the host accepts.", hint: "Ship a smaller package." },
  NO_REGISTRY: { status: 409, message: "The host has no registry configured for this action.", hint: "Set ARCHNEST_REGISTRY_URL, or install from a file." },
  PLUGIN_VERIFY_FAILED: { status: 422, message: "The plugin package failed verification.", hint: "The details carry the SDK check that failed." },
  VERSION_REVOKED: {
    status: 409,
    message: "The registry revoked this plugin version.",
    hint: "Update to the version the Plugins page offers, or roll back to a version that is not revoked.",
  },
  REGISTRY_UNREACHABLE: {
    status: 502,
    message: "The registry could not be reached or answered with an error.",
    hint: "Check ARCHNEST_REGISTRY_URL and the network; the license keeps working offline until it expires.",
  },
  LICENSE_INVALID: {
    status: 502,
    message:
      "The registry's license or status index did not verify (signature, install, validity or an older sequence); the license held before stays in force.",
    hint: "Check that the host trusts the registry's keyring and that its clock is right (NTP), then check again.",
  },
  PACKAGE_REF_INVALID: {
    status: 400,
    message: "The package to install is not a valid npm package name with a semver version or range; nothing was requested.",
    hint: 'Send {name, range} or {ref: "name@range"}, e.g. {ref: "@scope/name@^1.2.0"}; details name the field that is wrong.',
  },
  PACKAGE_NOT_FOUND: {
    status: 404,
    message: "The registry has no version of this package matching the range.",
    hint: "Check the package name and the version range.",
  },
  PUBLISHER_INVALID: {
    status: 422,
    message:
      "The publisher's root key or keyring cannot be trusted: the keyring does not verify against the root, has expired, or lists keys outside the publisher's scopes or with a role other than release.",
    hint: "Ask the publisher for a current keyring signed by their root key (`archnest-plugin keyring create`), with release keys inside their own scopes.",
  },
  PUBLISHER_NOT_FOUND: {
    status: 404,
    message: "No trusted publisher, or no publisher known to the registry, has this fingerprint.",
    hint: "Check the fingerprint (64 hex characters, the publisher's root key id); on an offline host, trust it from its root.pub and keyring.json.",
  },
  PUBLISHER_FINGERPRINT_MISMATCH: {
    status: 422,
    message: "The root key the registry answered for this fingerprint is a different key.",
    hint: "Do not trust it: compare the fingerprint with the publisher through another channel, and check which registry the host uses.",
  },
  PUBLISHER_SCOPE_RESERVED: {
    status: 422,
    message: "The publisher claims a scope of the official keyring (such as @archnest/*) or one another trusted publisher holds.",
    hint: "Trust only publishers with npm scopes of their own; remove the other publisher first if the scope moved.",
  },
  PUBLISHER_PAID_MODULE: {
    status: 403,
    message: "A plugin signed under a publisher's own key asks for a paid module; paid modules are signed under the official root only.",
    hint: "Install the official release of the module, or ask the publisher for a free build.",
  },
  PUBLISHER_UNTRUSTED: {
    status: 409,
    message: "The plugin's publisher is no longer trusted on this host, so its code is not loaded; its data is kept.",
    hint: "Trust the publisher again in Settings → Plugins → Trusted publishers, or uninstall the plugin.",
  },
  DOCKER_ENDPOINT_INVALID: {
    status: 400,
    message: "A plugin asked ctx.docker for an endpoint that is not a unix socket with an absolute path or a TCP host and port.",
    hint: 'Pass { kind: "unix", socketPath } or { kind: "tcp", host, port, tls? } to ctx.docker.',
  },
  DOCKER_UNREACHABLE: {
    status: 502,
    message: "The Docker engine could not be reached: the socket does not exist or refused the host, or the address refused the connection.",
    hint: "Check that dockerd runs and listens where the source points, and that the host's user may open its socket.",
  },
  DOCKER_CONNECT_TIMEOUT: {
    status: 504,
    message: "The connection to the Docker engine (or its TLS handshake) did not finish in time.",
    hint: "Check the address, the port and any firewall between the host and the engine.",
  },
  DOCKER_TLS_FAILED: {
    status: 502,
    message:
      "The TLS handshake with the Docker engine failed: the engine refused the client certificate, or its own certificate is not signed by the given CA.",
    hint: "Give the client certificate and key the engine trusts, and the CA that signed the engine's certificate.",
  },
  FETCH_URL_INVALID: {
    status: 400,
    message: "A plugin called ctx.fetch with something other than an absolute http or https URL, or with credentials in the URL.",
    hint: "Pass an absolute http(s) URL; send credentials in a header.",
  },
  FETCH_HOST_UNDECLARED: {
    status: 403,
    message: "A plugin called ctx.fetch for a host, or a port, that none of its net:outbound permissions names.",
    hint: "Add net:outbound:<host>[:port] to the plugin's archnest.permissions, publish the new version and have the admin accept it.",
  },
  FETCH_ADDRESS_PRIVATE: {
    status: 403,
    message: "A plugin's outbound request resolved to a loopback, private, link-local or other non-public address; the request was not sent.",
    hint: "To reach a service on the local network, name its IP address in a permission (net:outbound:192.168.1.20:8006); host names must resolve to public addresses.",
  },
  FETCH_REDIRECT_REFUSED: {
    status: 502,
    message: "A server answered a plugin's request with a redirect to a host the plugin did not declare, to an unusable URL, or with more than 5 redirects.",
    hint: 'Declare the redirect\'s host too, request the final URL directly, or pass redirect: "manual" and handle the 3xx.',
  },
  FETCH_TIMEOUT: {
    status: 504,
    message: "A plugin's outbound request got no response within its time limit.",
    hint: "Retry later, or pass a longer timeoutMs.",
  },
  FETCH_FAILED: {
    status: 502,
    message: "A plugin's outbound request failed: the name does not resolve, the connection was refused or reset, or TLS failed.",
    hint: "Check that the host is up and reachable from the ArchNest host.",
  },
});

export type HostErrorCode = keyof typeof HostErrors.table;

/** Each code with its status, message (what happened) and hint (how to fix). */
export const HOST_ERRORS = HostErrors.table;

/** Options of {@link HostError}: the cause (logged, never sent) and details safe to show the user. */
export type HostErrorOptions = Omit<CodedErrorOptions, "extra">;

/** An error the host reports with a stable code; its message and details are safe to send to clients. */
export class HostError extends HostErrors.Error {
  override readonly name: string = "HostError";
}

export function isHostError(error: unknown, code?: HostErrorCode): error is HostError {
  return error instanceof HostError && (code === undefined || error.code === code);
}
