/**
 * Codes the plugin runtime answers with; they belong to the host's error catalogue (HOST_ERR_*), and the
 * SDK's verification codes (SDK_ERR_*) pass through unchanged so admins see the check that failed.
 */
export const PLUGIN_ERRORS = {
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
  HOST_ERR_HAS_DEPENDENTS: [409, "Other active plugins depend on this one.", "Disable or uninstall the plugins listed in the details first."],
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
  HOST_ERR_PACKAGE_NOT_FOUND: [404, "The registry has no version of this package matching the range.", "Check the package name and the version range."],
} as const satisfies Record<string, readonly [status: number, what: string, fix: string]>;

export type PluginErrorCode = keyof typeof PLUGIN_ERRORS;

/** An error of the plugin runtime: a stable code, its HTTP status and optional details. */
export class PluginError extends Error {
  override readonly name = "PluginError";
  readonly status: number;
  constructor(
    readonly code: PluginErrorCode | `SDK_ERR_${string}`,
    message: string,
    readonly details: readonly string[] = [],
    status?: number,
    /** A response body to send as it is (the 402 module_required body), instead of {error, message}. */
    readonly body?: Record<string, unknown>,
  ) {
    super(message);
    this.status = status ?? (code in PLUGIN_ERRORS ? PLUGIN_ERRORS[code as PluginErrorCode][0] : 422);
  }
}
