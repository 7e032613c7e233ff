export { type RetentionPolicy, selectExpired } from "./select-expired.js";
