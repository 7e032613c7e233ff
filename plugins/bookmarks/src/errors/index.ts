/** The Bookmarks plugin's error catalogue: `{error: CODE, message}` with stable codes (README, "Errors"). */
export const BOOKMARK_ERRORS = {
  BOOKMARKS_ERR_VALIDATION: 400,
  BOOKMARKS_ERR_NOT_FOUND: 404,
  BOOKMARKS_ERR_IMPORT_INVALID: 400,
  BOOKMARKS_ERR_IMPORT_TOO_LARGE: 413,
} as const;

export type BookmarkErrorCode = keyof typeof BOOKMARK_ERRORS;

export class BookmarkError extends Error {
  override readonly name = "BookmarkError";
  readonly status: number;
  constructor(
    readonly code: BookmarkErrorCode,
    message: string,
  ) {
    super(message);
    this.status = BOOKMARK_ERRORS[code];
  }
  toJSON(): { error: BookmarkErrorCode; message: string } {
    return { error: this.code, message: this.message };
  }
}
