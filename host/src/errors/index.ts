export { errorShape } from "./error-shape.js";
export { HOST_ERRORS, HostError, type HostErrorCode, type HostErrorOptions, HostErrors, isHostError } from "./host-errors.js";
export { type ErrorBody, hostErrorBody, onHostError, requestIdOf } from "./on-error.js";
