import { definePlugin } from "@archnest/sdk/plugin";
import { Hono } from "hono";
import { MetricsError } from "./errors/index.js";
import type { Point } from "./history/index.js";
import { type HostState, SAMPLE_DEADLINE_MS, Sampler } from "./sampler/index.js";

export type { Point } from "./history/index.js";
export type { HostState, Latest, SampleState } from "./sampler/index.js";

/** A host with its last hour, thinned for sparklines. */
export interface HostSummary extends HostState {
  spark: Point[];
}

const RANGES: Record<string, number> = { "1h": 3_600_000, "6h": 6 * 3_600_000, "24h": 24 * 3_600_000 };
const SPARK_POINTS = 60;
/** The longest a sample request may choose to wait (`?wait=`): the probe's own SSH timeout is at most 20 s. */
const MAX_WAIT_MS = 30_000;

/** Keeps at most `max` points, evenly spread, always ending with the newest. */
function thin(points: Point[], max: number): Point[] {
  if (points.length <= max) return points;
  const step = points.length / max;
  const out: Point[] = [];
  for (let i = max - 1; i >= 0; i -= 1) out.unshift(points[Math.floor(points.length - 1 - i * step)] as Point);
  return out;
}

export default definePlugin({
  async setup(ctx) {
    const sampler = new Sampler({ ssh: ctx.ssh, storage: ctx.storage, log: ctx.log });
    const seconds = (v: unknown) => Math.min(3600, Math.max(5, typeof v === "number" && Number.isFinite(v) ? v : 15));
    sampler.start(seconds((await ctx.settings.get()).intervalSeconds) * 1000);
    ctx.settings.onChange((values) => sampler.setInterval(seconds(values.intervalSeconds) * 1000));
    try {
      ctx.ssh.onHostsChanged((hosts) => void sampler.syncHosts(hosts).catch(() => undefined));
    } catch (err) {
      // A host without its SSH service still loads the plugin; every sample then reports why it failed.
      ctx.log.warn("no SSH host updates", { error: String(err) });
    }
    ctx.onDispose(() => sampler.stop());

    const fail = (err: unknown) => {
      if (err instanceof MetricsError) return Response.json({ error: err.code, message: err.message }, { status: err.status });
      throw err;
    };

    const app = new Hono()
      .get("/hosts", async (c) => {
        await sampler.syncHosts().catch(() => undefined);
        const now = Date.now();
        const hosts: HostSummary[] = sampler
          .states()
          .map((s) => ({ ...s, spark: thin(sampler.history(s.id)?.series(RANGES["1h"] as number, now) ?? [], SPARK_POINTS) }));
        return c.json({ hosts, intervalSeconds: seconds((await ctx.settings.get()).intervalSeconds) });
      })
      .get("/history", async (c) => {
        const hostId = c.req.query("host") ?? "";
        const range = c.req.query("range") ?? "1h";
        const ms = RANGES[range];
        if (!hostId || ms === undefined) return c.json({ error: "METRICS_ERR_BAD_REQUEST", message: "Send ?host=<id>&range=1h|6h|24h." }, 400);
        await sampler.syncHosts().catch(() => undefined);
        const history = sampler.history(hostId);
        if (!history) return c.json({ error: "METRICS_ERR_HOST_NOT_FOUND", message: `No SSH host with id "${hostId}".` }, 404);
        return c.json({ host: hostId, range, points: history.series(ms, Date.now()) });
      })
      .post("/sample", async (c) => {
        const hostId = c.req.query("host") ?? "";
        if (!hostId) return c.json({ error: "METRICS_ERR_BAD_REQUEST", message: "Send ?host=<id>." }, 400);
        // A caller that needs the reading itself (a script, a test) may wait longer than a page would.
        const wait = c.req.query("wait");
        const seconds = wait === undefined ? SAMPLE_DEADLINE_MS / 1000 : Number(wait);
        const waitMs = seconds * 1000;
        if (!Number.isInteger(seconds) || waitMs < 1000 || waitMs > MAX_WAIT_MS)
          return c.json({ error: "METRICS_ERR_BAD_REQUEST", message: `wait is a whole number of seconds from 1 to ${MAX_WAIT_MS / 1000}.` }, 400);
        try {
          const { probe, state, late } = await sampler.sampleWithin(hostId, waitMs);
          // 202: the sample is still under way; the body is the last good reading marked stale, or "late".
          if (late || !probe) return c.json(state, 202);
          return c.json({ ...state, ticks: probe.ticks });
        } catch (err) {
          return fail(err);
        }
      });
    ctx.routes.mount(app);
  },
});
