// Breakdowns that explain the curve: one small panel per group, the group's line in ink over every
// other group in grey (context), all on one scale because they share the indicator's unit.
import * as Plot from "./vendor/plot.js";
import {COLOURS, accessible} from "./palette.js";
import {formatValue, unitLabel} from "./format.js";
import {periodEnd} from "./periods.js";
import {periodTicks} from "./turn-the-curve.js";

/** @param series the API's /series?breakdown= response; labelOf(group) names a group */
export function breakdownChart(series, {width = 640, labelOf = (g) => g} = {}) {
  const unit = series.indicator.unit;
  const rows = (series.groups ?? []).map((p) => ({
    group: labelOf(p.group), period: p.period, x: periodEnd(p.period),
    value: typeof p.value === "number" ? p.value : null, flag: typeof p.value === "string" ? p.value : p.flag ?? null,
    numerator: p.numerator, denominator: p.denominator, lower95: p.lower95 ?? null, upper95: p.upper95 ?? null
  }));
  const groups = [...new Set(rows.map((r) => r.group))];
  const cols = Math.max(1, Math.min(groups.length, Math.floor(width / 190)));
  const index = new Map(groups.map((g, i) => [g, i]));
  const fx = (d) => index.get(d.group) % cols;
  const fy = (d) => Math.floor(index.get(d.group) / cols);
  const context = groups.flatMap((g) => rows.map((r) => ({...r, panel: g})));
  const panelOf = (d) => index.get(d.panel ?? d.group);
  const {ticks, tickFormat} = periodTicks(rows.map((r) => r.period), width / cols);
  const yLabel = unit === "percent" ? "Per cent" : unit === "count" ? "Number" : unitLabel(unit);
  const chart = Plot.plot({
    width, height: Math.ceil(groups.length / cols) * 130 + 40, marginLeft: 48, marginTop: 18, marginBottom: 30, marginRight: 12,
    x: {type: "utc", ticks: ticks.length > 3 ? [ticks[0], ticks[ticks.length - 1]] : ticks, tickFormat, label: null},
    y: {type: "linear", label: yLabel, grid: true, zero: true, nice: true},
    fx: {axis: null, padding: 0.12}, fy: {axis: null, padding: 0.22},
    style: {fontSize: "11px"},
    ariaLabel: `${series.indicator.name} by ${series.breakdown}: one panel per group (${groups.join(", ")}). The data table below gives every value.`,
    marks: [
      Plot.frame({stroke: COLOURS.faint}),
      Plot.lineY(context, {x: "x", y: "value", z: "group", fx: (d) => panelOf(d) % cols, fy: (d) => Math.floor(panelOf(d) / cols), stroke: COLOURS.faint, strokeWidth: 1, defined: (d) => d.value !== null}),
      Plot.lineY(rows, {x: "x", y: "value", fx, fy, stroke: COLOURS.ink, strokeWidth: 2, defined: (d) => d.value !== null}),
      Plot.dot(rows.filter((d) => d.value !== null), {x: "x", y: "value", fx, fy, r: 2, fill: (d) => (d.flag === "u" ? "white" : COLOURS.ink), stroke: COLOURS.ink, defined: (d) => d.value !== null}),
      Plot.text(rows.filter((r) => r.value === null && r.flag), {x: "x", fx, fy, text: "flag", frameAnchor: "bottom", dy: -3, fontWeight: 700}),
      Plot.text(groups.map((g) => ({group: g})), {fx, fy, text: "group", frameAnchor: "top-left", dx: 4, dy: 4, fontWeight: 700, fill: COLOURS.ink}),
      Plot.tip(rows.filter((r) => r.value !== null), Plot.pointerX({x: "x", y: "value", fx, fy, title: (d) => `${d.group}, ${d.period}: ${formatValue(d.value, unit)} (${d.numerator} of ${d.denominator ?? "—"})`}))
    ]
  });
  accessible(chart);
  chart.drawn = rows.map(({x: _x, ...r}) => r);
  chart.columns = [
    {key: "group", label: "Group"}, {key: "period", label: "Period"},
    {key: "numerator", label: "Count", format: (v) => (typeof v === "number" ? v.toLocaleString("en-GB") : v ?? "")},
    {key: "value", label: "Value", format: (v, r) => (v === null ? r.flag ?? "" : `${formatValue(v, unit)}${r.flag === "u" ? " u" : ""}`)}
  ];
  return chart;
}
