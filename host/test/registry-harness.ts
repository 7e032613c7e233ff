// The registry the host tests run against lives in the public test harness, beside the buy helpers.
export { REGISTRY_ADMIN_TOKEN as ADMIN_TOKEN, type RunningRegistry, runRegistry } from "../src/testing/registry.js";
