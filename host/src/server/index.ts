export { type ServeHostOptions, serveHost, serverUrl } from "./serve-host.js";
