import { definePlugin } from "@archnest/sdk/plugin";
import { createBookmarksApi, IMPORT_MAX_BYTES } from "./api/index.js";

/** The Bookmarks core plugin: links with folders, tags and favicons, browser import and export. */
export default definePlugin({
  setup(ctx) {
    const { app } = createBookmarksApi(ctx);
    ctx.routes.mount(app, { bodyLimits: { "POST /import": IMPORT_MAX_BYTES } });
    ctx.log.info("bookmarks ready");
  },
});

export type { BookmarkView } from "./api/index.js";
