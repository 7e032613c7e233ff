export { MultiPaneLayout } from "./ui/MultiPaneLayout.js";
