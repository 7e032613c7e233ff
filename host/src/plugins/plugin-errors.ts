import type { SdkErrorCode } from "@archnest/sdk";
import { HOST_ERRORS, type HostErrorCode } from "../errors/index.js";

/**
 * An error of the plugin runtime. Its code is a HOST_ERR_* code of the host's catalogue, or the SDK code
 * of the verification check that failed, passed through unchanged so admins see which check it was.
 */
export class PluginError extends Error {
  override readonly name = "PluginError";
  readonly status: number;
  constructor(
    readonly code: HostErrorCode | SdkErrorCode,
    message: string,
    readonly details: readonly string[] = [],
    status?: number,
    /** A response body to send as it is (the 402 module_required body), instead of {error, message}. */
    readonly body?: Record<string, unknown>,
  ) {
    super(message);
    this.status = status ?? (code in HOST_ERRORS ? HOST_ERRORS[code as HostErrorCode].status : 422);
  }
}
