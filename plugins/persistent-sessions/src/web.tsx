export { SessionsButton } from "./ui/SessionsButton.js";
