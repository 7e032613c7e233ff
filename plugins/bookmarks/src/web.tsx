export function BookmarksPage() {
  return null;
}
export function BookmarksWidget() {
  return null;
}
