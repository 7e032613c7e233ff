/**
 * 24 hours of history per host in bounded memory: every sample for the last hour, then one average per
 * minute for the last 24 hours (1440 buckets). At a 15 s interval that is at most 240 + 1440 points per
 * host, a few tens of kilobytes as JSON, so the whole history fits one plugin storage value.
 */

/** One point of a series: percentages (0-100), null where the host did not answer. */
export interface Point {
  t: number;
  cpu: number | null;
  mem: number | null;
  disk: number | null;
}

const METRICS = ["cpu", "mem", "disk"] as const;
type Metric = (typeof METRICS)[number];

/** A minute's running sums; a metric's mean is sum / n over the samples that had a value. */
interface Bucket {
  t: number;
  sum: Record<Metric, number>;
  n: Record<Metric, number>;
}

export interface HistoryOptions {
  /** How long raw samples are kept (ms). Default 1 hour. */
  rawMs?: number;
  /** The width of an averaged bucket (ms). Default 1 minute. */
  bucketMs?: number;
  /** How long averaged buckets are kept (ms). Default 24 hours. */
  keepMs?: number;
}

/** The stored form (plugin storage holds JSON). */
export interface HistoryJson {
  v: 1;
  raw: [number, number | null, number | null, number | null][];
  buckets: [number, number | null, number | null, number | null, number][];
}

const round = (v: number) => Math.round(v * 10) / 10;

export class History {
  private raw: Point[] = [];
  private closed: Point[] = [];
  private open: Bucket | undefined;
  readonly rawMs: number;
  readonly bucketMs: number;
  readonly keepMs: number;

  constructor(options: HistoryOptions = {}) {
    this.rawMs = options.rawMs ?? 60 * 60_000;
    this.bucketMs = options.bucketMs ?? 60_000;
    this.keepMs = options.keepMs ?? 24 * 60 * 60_000;
  }

  /**
   * Adds a sample. Samples arrive in time order; one older than the newest is dropped (a clock step
   * back must not reorder the series). Returns true when a minute bucket was closed, the moment worth
   * persisting.
   */
  add(point: Point): boolean {
    const newest = this.raw.at(-1);
    if (newest && point.t < newest.t) return false;
    this.raw.push({ ...point });
    const start = point.t - (point.t % this.bucketMs);
    let closed = false;
    if (this.open && this.open.t !== start) {
      this.closed.push(mean(this.open));
      this.open = undefined;
      closed = true;
    }
    this.open ??= { t: start, sum: { cpu: 0, mem: 0, disk: 0 }, n: { cpu: 0, mem: 0, disk: 0 } };
    for (const m of METRICS) {
      const v = point[m];
      if (v !== null) {
        this.open.sum[m] += v;
        this.open.n[m] += 1;
      }
    }
    this.prune(point.t);
    return closed;
  }

  /** Drops raw samples older than `rawMs` and buckets older than `keepMs` before `now`. */
  prune(now: number): void {
    const rawFrom = now - this.rawMs;
    const keepFrom = now - this.keepMs;
    let i = 0;
    while (i < this.raw.length && (this.raw[i] as Point).t <= rawFrom) i += 1;
    if (i > 0) this.raw.splice(0, i);
    let j = 0;
    while (j < this.closed.length && (this.closed[j] as Point).t <= keepFrom) j += 1;
    if (j > 0) this.closed.splice(0, j);
  }

  /**
   * The series over the last `rangeMs` before `now`: raw samples when the range fits in the raw window,
   * minute averages (the open minute included) otherwise.
   */
  series(rangeMs: number, now: number): Point[] {
    const from = now - rangeMs;
    if (rangeMs <= this.rawMs) return this.raw.filter((p) => p.t > from && p.t <= now).map((p) => ({ ...p }));
    const all = this.open ? [...this.closed, mean(this.open)] : this.closed;
    return all.filter((p) => p.t >= from - this.bucketMs && p.t <= now).map((p) => ({ ...p }));
  }

  /** The newest sample, if any. */
  latest(): Point | undefined {
    const p = this.raw.at(-1);
    return p && { ...p };
  }

  /** How many points are held (raw + buckets), for tests and limits. */
  get size(): number {
    return this.raw.length + this.closed.length + (this.open ? 1 : 0);
  }

  toJSON(): HistoryJson {
    const buckets: HistoryJson["buckets"] = this.closed.map((b) => [b.t, b.cpu, b.mem, b.disk, 0]);
    if (this.open) {
      const m = mean(this.open);
      buckets.push([m.t, m.cpu, m.mem, m.disk, 1]);
    }
    return { v: 1, raw: this.raw.map((p) => [p.t, p.cpu, p.mem, p.disk]), buckets };
  }

  /** Restores a stored history; anything malformed is skipped rather than trusted. */
  static fromJSON(json: unknown, options: HistoryOptions = {}): History {
    const h = new History(options);
    if (typeof json !== "object" || json === null || (json as { v?: unknown }).v !== 1) return h;
    const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : null);
    const { raw, buckets } = json as { raw?: unknown; buckets?: unknown };
    if (Array.isArray(buckets)) {
      for (const b of buckets) {
        if (!Array.isArray(b) || num(b[0]) === null) continue;
        const p: Point = { t: b[0] as number, cpu: num(b[1]), mem: num(b[2]), disk: num(b[3]) };
        // The open minute was stored as its mean; reopen it with a weight of one sample per metric.
        if (b[4] === 1)
          h.open = {
            t: p.t,
            sum: { cpu: p.cpu ?? 0, mem: p.mem ?? 0, disk: p.disk ?? 0 },
            n: { cpu: p.cpu === null ? 0 : 1, mem: p.mem === null ? 0 : 1, disk: p.disk === null ? 0 : 1 },
          };
        else h.closed.push(p);
      }
    }
    if (Array.isArray(raw)) {
      for (const r of raw) if (Array.isArray(r) && num(r[0]) !== null) h.raw.push({ t: r[0] as number, cpu: num(r[1]), mem: num(r[2]), disk: num(r[3]) });
    }
    return h;
  }
}

function mean(b: Bucket): Point {
  const avg = (m: Metric) => (b.n[m] > 0 ? round(b.sum[m] / b.n[m]) : null);
  return { t: b.t, cpu: avg("cpu"), mem: avg("mem"), disk: avg("disk") };
}
