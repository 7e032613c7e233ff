export { Shell } from "./Shell.js";
