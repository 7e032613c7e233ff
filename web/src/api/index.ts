export { api, dependentsOf, errorMessage, permissionsToAccept } from "./client.js";
export type * from "./types.js";
