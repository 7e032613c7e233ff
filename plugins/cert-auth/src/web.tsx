/** Certificate Auth's web entry: the /certificates page. */
export { CertificatesPage } from "./ui/CertificatesPage.js";
