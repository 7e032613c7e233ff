export { HOST_ERRORS, HostError, type HostErrorCode, type HostErrorOptions, isHostError } from "./host-errors.js";
export { errorBody, onHostError } from "./on-error.js";
