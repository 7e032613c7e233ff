/**
 * Bookmarks in plugin storage (`bm:<id>`), and favicons per host (`icon:<host>`), so a hundred links to
 * one service share one icon. Order: folder path, then the order people gave, then title.
 */
import type { Json, PluginStorage } from "@archnest/sdk/plugin";
import { BookmarkError } from "../errors/index.js";

export interface Bookmark {
  id: string;
  title: string;
  url: string;
  /** Folder path from the top; [] is the top level. */
  folder: string[];
  tags: string[];
  createdAt: number;
  updatedAt: number;
  /** Insertion order, so bookmarks made in the same millisecond still sort (and hit a cap) in order. */
  seq: number;
}

export interface BookmarkInput {
  title: string;
  url: string;
  folder: string[];
  tags: string[];
}

export interface CachedIcon {
  /** A data URL, or null when the site has no icon that qualifies (a letter avatar is shown). */
  dataUrl: string | null;
  fetchedAt: number;
}

const TITLE_MAX = 200;
const URL_MAX = 2048;
const FOLDER_DEPTH = 8;
const NAME_MAX = 80;
const TAGS_MAX = 20;

function invalid(message: string): BookmarkError {
  return new BookmarkError("BOOKMARKS_ERR_VALIDATION", message);
}

/** Only http and https links are kept: a `javascript:` URL in a link is script on the ArchNest origin. */
export function normaliseUrl(value: unknown): string {
  if (typeof value !== "string" || !value.trim() || value.length > URL_MAX) throw invalid(`url is 1-${URL_MAX} characters.`);
  let raw = value.trim();
  // "grafana.lan:3000/x" has no scheme, but "javascript:..." does and must stay refused below.
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) || /^[a-z][a-z0-9+.-]*:(?!\d)/i.test(raw);
  if (!hasScheme) raw = `https://${raw}`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid("url is not a valid address.");
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw invalid("url must start with http:// or https://.");
  if (url.username || url.password) throw invalid("url must not carry a user name or password; keep secrets out of bookmarks.");
  return url.toString();
}

function names(value: unknown, what: string, max: number): string[] {
  if (value === undefined || value === null || value === "") return [];
  const list = typeof value === "string" ? value.split(what === "tags" ? "," : "/") : value;
  if (!Array.isArray(list)) throw invalid(`${what} is a list of names.`);
  const out = list.map((v) => (typeof v === "string" ? v.replace(/\s+/g, " ").trim() : "")).filter(Boolean);
  if (out.length > max) throw invalid(`${what} has at most ${max} entries.`);
  if (out.some((n) => n.length > NAME_MAX)) throw invalid(`each of ${what} is at most ${NAME_MAX} characters.`);
  return what === "tags" ? [...new Set(out.map((t) => t.toLowerCase()))] : out;
}

export function parseBookmarkInput(body: unknown): BookmarkInput {
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw invalid("Send a JSON object: {title, url, folder?, tags?}.");
  const b = body as Record<string, unknown>;
  const url = normaliseUrl(b.url);
  const title = typeof b.title === "string" && b.title.trim() ? b.title.replace(/\s+/g, " ").trim() : new URL(url).hostname;
  if (title.length > TITLE_MAX) throw invalid(`title is at most ${TITLE_MAX} characters.`);
  return { title, url, folder: names(b.folder, "folder", FOLDER_DEPTH), tags: names(b.tags, "tags", TAGS_MAX) };
}

export function iconKey(url: string): string {
  return new URL(url).hostname.toLowerCase();
}

export class BookmarkStore {
  constructor(private readonly storage: PluginStorage) {}

  /** All bookmarks in the order they were added: the order that decides which are over a free cap. */
  async list(): Promise<Bookmark[]> {
    const rows = await this.storage.list<Bookmark & { [k: string]: Json }>("bm:");
    return rows.map((r) => r.value as Bookmark).sort((a, b) => a.seq - b.seq || a.createdAt - b.createdAt);
  }

  async get(id: string): Promise<Bookmark> {
    const b = await this.storage.get<Bookmark & { [k: string]: Json }>(`bm:${id}`);
    if (!b) throw new BookmarkError("BOOKMARKS_ERR_NOT_FOUND", `No bookmark "${id}".`);
    return b as Bookmark;
  }

  async create(input: BookmarkInput, createdAt = Date.now()): Promise<Bookmark> {
    const seq = ((await this.storage.get<number>("meta:seq")) ?? 0) + 1;
    await this.storage.set("meta:seq", seq);
    const b: Bookmark = { id: crypto.randomUUID(), ...input, createdAt, updatedAt: Date.now(), seq };
    await this.storage.set(`bm:${b.id}`, b as unknown as Json);
    return b;
  }

  async update(id: string, input: BookmarkInput): Promise<Bookmark> {
    const current = await this.get(id);
    const b: Bookmark = { ...current, ...input, updatedAt: Date.now() };
    await this.storage.set(`bm:${id}`, b as unknown as Json);
    return b;
  }

  async remove(id: string): Promise<void> {
    if (!(await this.storage.delete(`bm:${id}`))) throw new BookmarkError("BOOKMARKS_ERR_NOT_FOUND", `No bookmark "${id}".`);
  }

  async icons(): Promise<Record<string, CachedIcon>> {
    const rows = await this.storage.list<CachedIcon & { [k: string]: Json }>("icon:");
    return Object.fromEntries(rows.map((r) => [r.key.slice(5), r.value as CachedIcon]));
  }

  async setIcon(key: string, icon: CachedIcon): Promise<void> {
    await this.storage.set(`icon:${key}`, icon as unknown as Json);
  }
}
