import { createMemo, createSignal, For, onCleanup, onMount, Show } from "solid-js";
import type { Point } from "../history/index.js";
import { areaPath, linePath } from "./chart-path.js";
import { hhmm, timeTicks } from "./time-ticks.js";

export type Metric = "cpu" | "mem" | "disk";

export const METRIC_LABEL: Record<Metric, string> = { cpu: "CPU", mem: "Memory", disk: "Disk" };
export const METRIC_COLOR: Record<Metric, string> = { cpu: "var(--an-accent)", mem: "#a78bfa", disk: "var(--an-warning)" };

const series = (points: readonly Point[], m: Metric) => points.map((p) => [p.t, p[m]] as const);

/**
 * A tiny line (no axes) for the Glance widget: the last hour of one metric, 0-100 %. It stretches to its
 * container's width (the stroke keeps its width), so it fits any widget size.
 */
export function Sparkline(props: { points: readonly Point[]; metric: Metric; height?: number }) {
  const W = 100;
  const h = () => props.height ?? 26;
  const d = createMemo(() => {
    const pts = props.points;
    const first = pts[0]?.t ?? 0;
    const span = Math.max(1, (pts.at(-1)?.t ?? 1) - first);
    const x = (t: number) => ((t - first) / span) * W;
    const y = (v: number) => h() - 1 - (Math.min(100, Math.max(0, v)) / 100) * (h() - 2);
    return { line: linePath(series(pts, props.metric), x, y), area: areaPath(series(pts, props.metric), x, y, h()) };
  });
  return (
    <svg
      width="100%"
      height={h()}
      viewBox={`0 0 ${W} ${h()}`}
      preserveAspectRatio="none"
      aria-hidden="true"
      style={{ display: "block" }}
      data-testid="sparkline"
      data-metric={props.metric}
      data-points={props.points.length}
    >
      <path d={d().area} fill={METRIC_COLOR[props.metric]} opacity="0.14" />
      <path d={d().line} fill="none" stroke={METRIC_COLOR[props.metric]} stroke-width="1.5" stroke-linejoin="round" vector-effect="non-scaling-stroke" />
    </svg>
  );
}

/**
 * A line chart of one metric over a time range, drawn as SVG at the element's own pixel width (so text
 * never stretches): a 0-100 % axis with grid lines, time labels, gaps where the host was down, and the
 * value under the pointer.
 */
export function LineChart(props: { points: readonly Point[]; metric: Metric; from: number; to: number; height?: number }) {
  let box: HTMLDivElement | undefined;
  const [width, setWidth] = createSignal(640);
  const [hover, setHover] = createSignal<Point>();
  onMount(() => {
    if (!box) return;
    setWidth(Math.max(200, box.clientWidth));
    const ro = new ResizeObserver(([entry]) => entry && setWidth(Math.max(200, Math.floor(entry.contentRect.width))));
    ro.observe(box);
    onCleanup(() => ro.disconnect());
  });
  const H = () => props.height ?? 170;
  const pad = { l: 38, r: 10, t: 10, b: 22 };
  const x = (t: number) => pad.l + ((t - props.from) / Math.max(1, props.to - props.from)) * (width() - pad.l - pad.r);
  const y = (v: number) => pad.t + (1 - Math.min(100, Math.max(0, v)) / 100) * (H() - pad.t - pad.b);
  const paths = createMemo(() => ({
    line: linePath(series(props.points, props.metric), x, y),
    area: areaPath(series(props.points, props.metric), x, y, y(0)),
  }));
  // One label per 90 px at most: a 12-hour clock's "08:15 PM" needs about 55.
  const ticks = createMemo(() =>
    timeTicks(props.from, props.to, Math.max(2, Math.floor((width() - pad.l - pad.r) / 90)), -new Date(props.from).getTimezoneOffset() * 60_000),
  );
  // A label near an edge is anchored inside the plot, so it is never cut off.
  const anchor = (t: number) => (x(t) < pad.l + 30 ? "start" : x(t) > width() - pad.r - 30 ? "end" : "middle");
  const onMove = (e: PointerEvent) => {
    const rect = (e.currentTarget as SVGElement).getBoundingClientRect();
    const t = props.from + ((e.clientX - rect.left - pad.l) / Math.max(1, width() - pad.l - pad.r)) * (props.to - props.from);
    let best: Point | undefined;
    for (const p of props.points) if (!best || Math.abs(p.t - t) < Math.abs(best.t - t)) best = p;
    setHover(best);
  };
  return (
    // Sized by its container, never by the SVG inside: otherwise the SVG drawn at the old width holds the
    // box open and the chart never narrows with the window.
    <div ref={box} style={{ position: "relative", "min-width": "0", overflow: "hidden" }}>
      <svg
        width={width()}
        height={H()}
        role="img"
        aria-label={`${METRIC_LABEL[props.metric]} over time`}
        onPointerMove={onMove}
        onPointerLeave={() => setHover(undefined)}
        style={{ display: "block" }}
      >
        <For each={[0, 25, 50, 75, 100]}>
          {(v) => (
            <g>
              <line x1={pad.l} x2={width() - pad.r} y1={y(v)} y2={y(v)} stroke="var(--an-border)" stroke-dasharray={v === 0 ? undefined : "3 4"} />
              <text x={pad.l - 6} y={y(v) + 4} text-anchor="end" font-size="10.5" fill="var(--an-text-faint)" data-axis="y">
                {v}%
              </text>
            </g>
          )}
        </For>
        <For each={ticks()}>
          {(t) => (
            <text x={x(t)} y={H() - 6} text-anchor={anchor(t)} font-size="10.5" fill="var(--an-text-faint)" data-axis="x">
              {hhmm(t)}
            </text>
          )}
        </For>
        <path d={paths().area} fill={METRIC_COLOR[props.metric]} opacity="0.12" />
        <path d={paths().line} fill="none" stroke={METRIC_COLOR[props.metric]} stroke-width="1.75" stroke-linejoin="round" />
        <Show when={hover()}>
          {(p) => (
            <g>
              <line x1={x(p().t)} x2={x(p().t)} y1={pad.t} y2={H() - pad.b} stroke="var(--an-border-strong)" />
              <Show when={p()[props.metric] !== null}>
                <circle cx={x(p().t)} cy={y(p()[props.metric] ?? 0)} r="3.5" fill={METRIC_COLOR[props.metric]} />
              </Show>
            </g>
          )}
        </Show>
      </svg>
      <Show when={hover()}>
        {(p) => (
          <div
            class="small"
            style={{
              position: "absolute",
              top: "4px",
              left: `${Math.min(width() - 120, Math.max(pad.l, x(p().t) + 8))}px`,
              padding: "3px 8px",
              background: "var(--an-bg-sunken)",
              border: "1px solid var(--an-border)",
              "border-radius": "6px",
              "pointer-events": "none",
              "white-space": "nowrap",
            }}
          >
            {hhmm(p().t)} · {p()[props.metric] === null ? "down" : `${p()[props.metric]}%`}
          </div>
        )}
      </Show>
    </div>
  );
}
