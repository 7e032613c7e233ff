/** Host-to-Host Transfer's web entry: the /transfer page. */
export { TransferPage } from "./ui/TransferPage.js";
