/** Docker Push Agent's web entry: the /docker-agents page. */
export { DockerAgentsPage } from "./ui/DockerAgentsPage.js";
