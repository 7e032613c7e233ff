import { pluginApi } from "@archnest/sdk/web";
import type { BookmarkView } from "../api/index.js";

export type { BookmarkView };

export const api = pluginApi("bookmarks");

export interface BookmarksAnswer {
  bookmarks: BookmarkView[];
  icons: Record<string, string>;
  limit: { cap: number | null; module: string; count: number };
}

export const capReached = (d: BookmarksAnswer | undefined) => d !== undefined && d.limit.cap !== null && d.limit.count >= d.limit.cap;

/** A stable hue per host, so a site's letter avatar always has the same colour. */
export function hueOf(text: string): number {
  let h = 0;
  for (const ch of text) h = (h * 31 + (ch.codePointAt(0) ?? 0)) % 360;
  return h;
}
