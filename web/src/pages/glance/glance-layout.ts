import type { GlanceLayout } from "../../api/index.js";

/**
 * Orders widgets by a saved layout: saved keys first in saved order, then widgets the layout has not seen
 * yet (newly installed plugins) in manifest order, so a new widget always shows up.
 */
export function arrangeWidgets<T extends { key: string }>(entries: readonly T[], layout: GlanceLayout): { visible: T[]; hidden: T[] } {
  const rank = new Map(layout.order.map((k, i) => [k, i]));
  const sorted = entries
    .map((e, i) => ({ e, r: rank.get(e.key) ?? layout.order.length + i }))
    .sort((a, b) => a.r - b.r)
    .map((x) => x.e);
  const hidden = new Set(layout.hidden);
  return { visible: sorted.filter((e) => !hidden.has(e.key)), hidden: sorted.filter((e) => hidden.has(e.key)) };
}

/** Moves a widget one place up (-1) or down (+1) among the visible ones and returns the new layout. */
export function moveWidget(visibleKeys: readonly string[], layout: GlanceLayout, key: string, delta: -1 | 1): GlanceLayout {
  const keys = [...visibleKeys];
  const i = keys.indexOf(key);
  const j = i + delta;
  if (i < 0 || j < 0 || j >= keys.length) return layout;
  [keys[i], keys[j]] = [keys[j] as string, keys[i] as string];
  return { order: [...keys, ...layout.order.filter((k) => !keys.includes(k))], hidden: layout.hidden };
}

/** Hides or shows a widget. */
export function toggleWidget(layout: GlanceLayout, key: string, hide: boolean): GlanceLayout {
  const hidden = layout.hidden.filter((k) => k !== key);
  return { order: layout.order, hidden: hide ? [...hidden, key] : hidden };
}

/** A saved value read back from the host, cleaned (anything unexpected becomes the empty layout). */
export function parseLayout(value: unknown): GlanceLayout {
  const v = (typeof value === "object" && value !== null ? value : {}) as Record<string, unknown>;
  const strings = (x: unknown) => (Array.isArray(x) ? x.filter((s): s is string => typeof s === "string") : []);
  return { order: strings(v.order), hidden: strings(v.hidden) };
}
