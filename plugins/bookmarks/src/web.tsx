/** The Bookmarks plugin's web entry: the /bookmarks page and the Glance widget. */
export { BookmarksPage } from "./ui/BookmarksPage.js";
export { BookmarksWidget } from "./ui/BookmarksWidget.js";
