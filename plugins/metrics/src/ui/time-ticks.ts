/**
 * Time-axis ticks at round steps (1, 2, 5, 10, 15, 30 minutes; 1, 2, 3, 6, 12 hours) aligned to the local
 * clock, so every label is a distinct, readable time. Dividing the range into equal parts instead gives
 * labels such as "08:14, 08:14, 08:15" on a short range, once they are rounded to the minute.
 */

const MINUTE = 60_000;
const STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720].map((m) => m * MINUTE);

/** "08:15" in the viewer's locale. */
export const hhmm = (t: number): string => new Date(t).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });

/**
 * At most `max` ticks between `from` and `to` (inclusive), on the smallest round step that keeps within
 * `max`, with distinct labels. `offsetMs` is the local clock's offset from UTC at `from`
 * (`-new Date(from).getTimezoneOffset() * 60_000`), so that hour steps fall on local hours.
 */
export function timeTicks(from: number, to: number, max: number, offsetMs = 0, label: (t: number) => string = hhmm): number[] {
  if (!(to > from) || max < 1) return [];
  const span = to - from;
  const step = STEPS.find((s) => Math.floor(span / s) + 1 <= max) ?? (STEPS.at(-1) as number);
  const first = Math.ceil((from + offsetMs) / step) * step - offsetMs;
  const ticks: number[] = [];
  const seen = new Set<string>();
  for (let t = first; t <= to && ticks.length < max; t += step) {
    const text = label(t);
    // A range of a full day (or a clock change) can meet the same time of day twice: one label each.
    if (seen.has(text)) continue;
    seen.add(text);
    ticks.push(t);
  }
  return ticks;
}
