import { defineErrors } from "@archnest/sdk/plugin";

/** The Bookmarks plugin's error catalogue (README, "Errors"); codes are stable and never reused. */
export const BookmarkErrors = defineErrors("BOOKMARKS_ERR", {
  VALIDATION: {
    status: 400,
    message: "A field is invalid (the message names it): not an http(s) URL, too long, too many tags.",
    hint: "Correct the field.",
  },
  NOT_FOUND: { status: 404, message: "No bookmark has this id.", hint: "Reload the page." },
  IMPORT_INVALID: { status: 400, message: "The upload is not a browser bookmark file.", hint: "Export again from the browser as HTML." },
  IMPORT_TOO_LARGE: { status: 413, message: "The file is over 5 MiB.", hint: "Split it." },
  INTERNAL: { status: 500, message: "The bookmarks plugin failed to answer.", hint: "See the host log under the request id." },
});

export type BookmarkErrorCode = keyof typeof BookmarkErrors.table;

export class BookmarkError extends BookmarkErrors.Error {
  override readonly name: string = "BookmarkError";
}
