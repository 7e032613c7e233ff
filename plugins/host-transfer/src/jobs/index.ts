export * from "./job.js";
export { MAX_RUNNING, MODULE, type NewJob, Transfers } from "./transfers.js";
