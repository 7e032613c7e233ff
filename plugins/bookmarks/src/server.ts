import { definePlugin } from "@archnest/sdk/plugin";
import { createBookmarksApi } from "./api/index.js";

/** The Bookmarks core plugin: links with folders, tags and favicons, browser import and export. */
export default definePlugin({
  setup(ctx) {
    const { app } = createBookmarksApi(ctx);
    ctx.routes.mount(app);
    ctx.log.info("bookmarks ready");
  },
});

export type { BookmarkView } from "./api/index.js";
