/**
 * A person's tabs and split panes, as the layout keeps and restores them. Pure: the server validates
 * with it, the page edits with it.
 */

/** How a tab's panes are arranged: one, two side by side, two stacked, or a 2×2 grid (3 or 4 panes). */
export type Split = "single" | "columns" | "rows" | "grid";

/** What a pane opens: the layout keeps the host and command, never a session id (the pane remembers that). */
export interface PaneRequest {
  hostId: string;
  command?: string;
}

export interface LayoutPane {
  /** Stable across reloads: a pane reattaches to its persistent session by this key. */
  key: string;
  /** Absent while the pane shows its host picker. */
  request?: PaneRequest;
}

export interface LayoutTab {
  id: string;
  /** Set when the person renamed the tab; otherwise the first pane's host names it. */
  title?: string;
  split: Split;
  /** Share of the first column (`columns`, `grid`) and of the first row (`rows`, `grid`), 0.15 to 0.85. */
  sizes: { x: number; y: number };
  panes: LayoutPane[];
  /** The pane with the keyboard. */
  focus: string;
}

export interface Layout {
  version: 1;
  tabs: LayoutTab[];
  active: string;
}

export const MAX_TABS = 12;
export const MAX_TITLE = 64;
export const MIN_SHARE = 0.15;
export const MAX_SHARE = 0.85;
const MAX_COMMAND_BYTES = 1024;
const KEY = /^[A-Za-z0-9_-]{1,40}$/;
const HOST_ID = /^[\w.:-]{1,100}$/;
const PANES: Record<Split, readonly number[]> = { single: [1], columns: [2], rows: [2], grid: [3, 4] };

/** The split a tab gets for `n` panes, keeping its orientation when two remain. */
export function splitFor(n: number, previous: Split): Split {
  if (n <= 1) return "single";
  if (n === 2) return previous === "rows" ? "rows" : "columns";
  return "grid";
}

export function clampShare(v: number): number {
  return Math.min(MAX_SHARE, Math.max(MIN_SHARE, v));
}

/** A short random id for tabs and panes. */
export function newKey(): string {
  return crypto.randomUUID().replaceAll("-", "").slice(0, 12);
}

/** A tab with one pane, opening `request` or showing a host picker. */
export function newTab(request?: PaneRequest): LayoutTab {
  const key = newKey();
  return { id: newKey(), split: "single", sizes: { x: 0.5, y: 0.5 }, panes: [{ key, ...(request && { request }) }], focus: key };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function share(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) && v >= MIN_SHARE && v <= MAX_SHARE ? v : undefined;
}

function parseRequest(v: unknown): PaneRequest | undefined | null {
  if (v === undefined) return undefined;
  if (!isObject(v) || typeof v.hostId !== "string" || !HOST_ID.test(v.hostId)) return null;
  if (v.command === undefined) return { hostId: v.hostId };
  if (typeof v.command !== "string" || v.command.length === 0 || new TextEncoder().encode(v.command).byteLength > MAX_COMMAND_BYTES) return null;
  return { hostId: v.hostId, command: v.command };
}

function parseTab(v: unknown, seen: Set<string>): LayoutTab | null {
  if (!isObject(v) || typeof v.id !== "string" || !KEY.test(v.id) || seen.has(v.id)) return null;
  seen.add(v.id);
  if (v.title !== undefined && (typeof v.title !== "string" || v.title.trim().length === 0 || v.title.length > MAX_TITLE)) return null;
  if (typeof v.split !== "string" || !(v.split in PANES)) return null;
  const split = v.split as Split;
  if (!isObject(v.sizes)) return null;
  const x = share(v.sizes.x);
  const y = share(v.sizes.y);
  if (x === undefined || y === undefined) return null;
  if (!Array.isArray(v.panes) || !PANES[split].includes(v.panes.length)) return null;
  const panes: LayoutPane[] = [];
  for (const p of v.panes) {
    if (!isObject(p) || typeof p.key !== "string" || !KEY.test(p.key) || seen.has(p.key)) return null;
    seen.add(p.key);
    const request = parseRequest(p.request);
    if (request === null) return null;
    panes.push({ key: p.key, ...(request && { request }) });
  }
  if (typeof v.focus !== "string" || !panes.some((p) => p.key === v.focus)) return null;
  return { id: v.id, ...(typeof v.title === "string" && { title: v.title.trim() }), split, sizes: { x, y }, panes, focus: v.focus };
}

/**
 * The layout in `value`, or `null` when anything in it is out of shape: a layout is kept whole or not at
 * all, so a restore never meets half of one. Unknown fields are dropped.
 */
export function parseLayout(value: unknown): Layout | null {
  if (!isObject(value) || value.version !== 1 || !Array.isArray(value.tabs) || value.tabs.length < 1 || value.tabs.length > MAX_TABS) return null;
  const seen = new Set<string>();
  const tabs: LayoutTab[] = [];
  for (const t of value.tabs) {
    const tab = parseTab(t, seen);
    if (!tab) return null;
    tabs.push(tab);
  }
  if (typeof value.active !== "string" || !tabs.some((t) => t.id === value.active)) return null;
  return { version: 1, tabs, active: value.active };
}
