/** Session Recording's web entry: the /recordings page and the terminal toolbar's Record toggle. */
export { RecordingsPage } from "./ui/RecordingsPage.js";
export { RecordToggle } from "./ui/RecordToggle.js";
