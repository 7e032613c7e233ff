/** The tmux plugin's web entry: its terminal.toolbar@1 contribution. */
export { TmuxToolbar } from "./ui/TmuxPanel.js";
