// Apart from gate.ts and free of imports, so the browser entry can share the wire type without the
// server API (whose SSH types name node:stream).

/**
 * The body of every 402 `module_required` (HTTP) and of the error frame a gated WebSocket gets before it
 * closes with code 4402 (`MODULE_REQUIRED_CLOSE`).
 */
export interface ModuleRequiredBody {
  error: "module_required";
  /** The license slug that unlocks the feature, such as `unlimited-bookmarks`. */
  module: string;
  /** The module's price as the registry's catalog gives it (`$5`); absent when no catalog names one. */
  price?: string;
  /** Where the shell's Module Store shows the module. */
  purchaseUrl: string;
  /** What people read: the module needed and, with a cap, the cap reached. */
  message: string;
  /** The free cap that was reached, when the 402 comes from a cap. */
  limit?: string;
  cap?: number;
  /** The id the host logged the request under (every error body carries it; see `ErrorBody`). */
  requestId?: string;
}
