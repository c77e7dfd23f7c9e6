// A word-sized history for a report-card row: the published values (suppressed ones leave a gap),
// the 95% interval as a faint band, the latest point marked.
import * as Plot from "./vendor/plot.js";
import {COLOURS, accessible} from "./palette.js";
import {formatValue} from "./format.js";
import {periodEnd} from "./periods.js";

export function sparkline(points, {width = 110, height = 34, unit, name = "indicator"} = {}) {
  const rows = points.map((p) => ({period: p.period, x: periodEnd(p.period), value: typeof p.value === "number" ? p.value : null, lower95: p.lower95 ?? null, upper95: p.upper95 ?? null, flag: p.flag ?? (typeof p.value === "string" ? p.value : null)}));
  const shown = rows.filter((r) => r.value !== null);
  const first = shown[0];
  const last = shown[shown.length - 1];
  const label = shown.length
    ? `${name}: ${first.period} ${formatValue(first.value, unit)} to ${last.period} ${formatValue(last.value, unit)}${rows.length > shown.length ? `; ${rows.length - shown.length} period(s) suppressed` : ""}`
    : `${name}: no published values`;
  const chart = Plot.plot({
    width, height, margin: 3, marginRight: 6, axis: null,
    x: {type: "utc"}, y: {type: "linear", nice: false, zero: false},
    ariaLabel: label,
    marks: [
      Plot.areaY(rows, {x: "x", y1: "lower95", y2: "upper95", fill: COLOURS.better, fillOpacity: 0.14, defined: (d) => d.lower95 !== null && d.upper95 !== null}),
      Plot.lineY(rows, {x: "x", y: "value", stroke: COLOURS.ink, strokeWidth: 1.5, defined: (d) => d.value !== null}),
      Plot.dot(last ? [last] : [], {x: "x", y: "value", r: 2.5, fill: COLOURS.ink})
    ]
  });
  accessible(chart);
  chart.drawn = rows.map(({x: _x, ...r}) => r);
  return chart;
}
