/**
 * SVG path data for a series with gaps: a null value ends the current line, so a host that was down
 * shows as a break instead of a line drawn across the outage.
 */
export function linePath(values: readonly (readonly [number, number | null])[], x: (t: number) => number, y: (v: number) => number): string {
  let d = "";
  let pen = false;
  for (const [t, v] of values) {
    if (v === null) {
      pen = false;
      continue;
    }
    d += `${pen ? "L" : "M"}${x(t).toFixed(1)},${y(v).toFixed(1)}`;
    pen = true;
  }
  return d;
}

/** The same line closed down to the baseline, for a soft fill under it (each unbroken run separately). */
export function areaPath(values: readonly (readonly [number, number | null])[], x: (t: number) => number, y: (v: number) => number, base: number): string {
  let d = "";
  let run: [number, number][] = [];
  const flush = () => {
    if (run.length > 1) {
      const [first] = run;
      const last = run.at(-1);
      if (first && last)
        d += `M${first[0].toFixed(1)},${base}${run.map(([px, py]) => `L${px.toFixed(1)},${py.toFixed(1)}`).join("")}L${last[0].toFixed(1)},${base}Z`;
    }
    run = [];
  };
  for (const [t, v] of values) {
    if (v === null) flush();
    else run.push([x(t), y(v)]);
  }
  flush();
  return d;
}
