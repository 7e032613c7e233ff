/** Jump-Host Chaining's web entry: the /jump-hosts page. */
export { JumpHostsPage } from "./ui/JumpHostsPage.js";
