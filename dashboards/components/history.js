// Small multiples for the report card: each indicator's history with its 95% interval and the
// England benchmark, one small chart per indicator (their units differ, so each has its own scale).
import * as Plot from "./vendor/plot.js";
import {html} from "htl";
import {COLOURS, accessible} from "./palette.js";
import {formatValue, unitLabel} from "./format.js";
import {periodEnd} from "./periods.js";
import {periodTicks} from "./turn-the-curve.js";

/** @param panels [{indicator: {id, name, unit}, points}] (API series points) */
export function historyMultiples(panels, {width = 640} = {}) {
  const cols = Math.max(1, Math.min(3, Math.floor(width / 300)));
  const w = Math.floor((width - (cols - 1) * 16) / cols);
  const drawn = [];
  const charts = panels.map(({indicator, points}) => {
    const unit = indicator.unit;
    const rows = points.map((p) => ({
      indicator: indicator.name, period: p.period, x: periodEnd(p.period), value: typeof p.value === "number" ? p.value : null,
      lower95: p.lower95 ?? null, upper95: p.upper95 ?? null, flag: typeof p.value === "string" ? p.value : p.flag ?? null,
      england: p.benchmarks?.find((b) => b.comparator === "england")?.value ?? null
    }));
    drawn.push(...rows.map(({x: _x, ...r}) => r));
    const {ticks, tickFormat} = periodTicks(rows.map((r) => r.period), w);
    const title = indicator.name.length > w / 7.2 ? `${indicator.name.slice(0, Math.floor(w / 7.2) - 1)}…` : indicator.name;
    const chart = Plot.plot({
      width: w, height: 170, marginLeft: 48, marginTop: 26, marginBottom: 26, marginRight: 26,
      x: {type: "utc", ticks: ticks.length > 2 ? [ticks[0], ticks[ticks.length - 1]] : ticks, tickFormat, label: null},
      y: {type: "linear", label: null, grid: true, zero: true, nice: true, ticks: 4, tickFormat: (v) => (typeof v === "number" ? `${v.toLocaleString("en-GB", {maximumFractionDigits: 1})}${unit === "percent" ? "%" : ""}` : "")},
      style: {fontSize: "11px"},
      ariaLabel: `${indicator.name} (${unitLabel(unit)}), ${rows[0]?.period ?? ""} to ${rows[rows.length - 1]?.period ?? ""}`,
      marks: [
        Plot.text([title], {frameAnchor: "top-left", dy: -20, dx: -40, fontWeight: 700, fontSize: 12, textAnchor: "start", fill: COLOURS.ink}),
        Plot.areaY(rows, {x: "x", y1: "lower95", y2: "upper95", fill: COLOURS.better, fillOpacity: 0.14, defined: (d) => d.lower95 !== null && d.upper95 !== null}),
        Plot.lineY(rows, {x: "x", y: "england", stroke: COLOURS.muted, strokeDasharray: "1,3", strokeWidth: 1.5, defined: (d) => d.england !== null}),
        Plot.lineY(rows, {x: "x", y: "value", stroke: COLOURS.ink, strokeWidth: 2, defined: (d) => d.value !== null}),
        Plot.dot(rows.filter((d) => d.value !== null), {x: "x", y: "value", r: 2.5, fill: (d) => (d.flag === "u" ? "white" : COLOURS.ink), stroke: COLOURS.ink, defined: (d) => d.value !== null}),
        Plot.text(rows.filter((r) => r.value === null && r.flag), {x: "x", text: "flag", frameAnchor: "bottom", dy: -3, fontWeight: 700}),
        Plot.tip(rows.filter((r) => r.value !== null), Plot.pointerX({x: "x", y: "value", title: (d) => `${d.period}: ${formatValue(d.value, unit)}${d.england !== null ? `\nEngland ${formatValue(d.england, unit)}` : ""}`}))
      ]
    });
    accessible(chart);
    return chart;
  });
  const grid = html`<div class="multiples" style=${`display:grid;grid-template-columns:repeat(${cols}, ${w}px);gap:16px`}>${charts}</div>`;
  grid.drawn = drawn;
  grid.columns = [
    {key: "indicator", label: "Indicator"}, {key: "period", label: "Period"},
    {key: "value", label: "Value", format: (v, r) => (v === null ? r.flag ?? "x" : `${v.toLocaleString("en-GB", {maximumFractionDigits: 1})}${r.flag === "u" ? " u" : ""}`)},
    {key: "lower95", label: "95% from", format: (v) => (v === null ? "" : v.toLocaleString("en-GB", {maximumFractionDigits: 1}))},
    {key: "upper95", label: "95% to", format: (v) => (v === null ? "" : v.toLocaleString("en-GB", {maximumFractionDigits: 1}))},
    {key: "england", label: "England", format: (v) => (v === null ? "" : v.toLocaleString("en-GB", {maximumFractionDigits: 1}))}
  ];
  return grid;
}
