/** The SSH hosts plugin's web entry: Settings → Integrations, the Infrastructure section and the Glance widget. */
export { HostsIntegration } from "./ui/HostsIntegration.js";
export { HostsSection } from "./ui/HostsSection.js";
export { HostsStatusWidget } from "./ui/HostsStatusWidget.js";
