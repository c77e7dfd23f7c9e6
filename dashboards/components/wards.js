// Ward targeting charts: a tile map of Luton's 19 wards, the caterpillar plot of rank intervals, the
// target wards against the rest over time, and the concentration curve. Significance is shown by
// outline and a glyph, target wards by a hatch and a word: never by colour alone.
import * as Plot from "./vendor/plot.js";
import {COLOURS, accessible} from "./palette.js";
import {formatValue, formatRatio} from "./format.js";
import {periodEnd} from "./periods.js";
import {periodTicks} from "./turn-the-curve.js";

/**
 * Luton's 2003–2023 wards on a schematic grid, roughly where they lie (north at the top): a tile
 * map gives each ward the same area, so small wards are as visible as large ones.
 */
export const LUTON_TILES = {
  "sundon-park": [1, 0], bramingham: [2, 0], icknield: [3, 0], barnfield: [4, 0],
  leagrave: [0, 1], limbury: [1, 1], northwell: [2, 1], "round-green": [3, 1], stopsley: [4, 1],
  lewsey: [0, 2], challney: [1, 2], saints: [2, 2], biscot: [3, 2], "high-town": [4, 2], wigmore: [5, 2],
  dallow: [1, 3], south: [2, 3], crawley: [3, 3],
  farley: [2, 4]
};

const SIG = {
  "High (0.001)": {glyph: "▲▲", width: 5, dash: null, words: "significantly high (99.8%)"},
  "High (0.025)": {glyph: "▲", width: 3, dash: null, words: "significantly high (95%)"},
  "Low (0.025)": {glyph: "▼", width: 3, dash: "5,3", words: "significantly low (95%)"},
  "Low (0.001)": {glyph: "▼▼", width: 5, dash: "5,3", words: "significantly low (99.8%)"},
  "Not significant": {glyph: "", width: 1, dash: null, words: "not significantly different"}
};

function hatch(svg, id) {
  const defs = document.createElementNS("http://www.w3.org/2000/svg", "defs");
  defs.innerHTML = `<pattern id="${id}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="0" y1="0" x2="0" y2="6" stroke="#0b0c0c" stroke-width="1.2" stroke-opacity="0.55"></line></pattern>`;
  svg.prepend(defs);
}

let hatchSerial = 0;

/** @param wards [{id, name, target, count, rate: {value, flag}, ratio: {value, significance}}] */
export function wardTileMap(wards, {width = 640, unit = "per-10000", indicatorName = ""} = {}) {
  const rows = wards.filter((w) => LUTON_TILES[w.id]).map((w) => {
    const [col, row] = LUTON_TILES[w.id];
    const sig = w.ratio?.significance ?? "Not significant";
    return {ward: w.name, id: w.id, col, row, target: w.target, count: w.count, rate: typeof w.rate?.value === "number" ? w.rate.value : null, flag: w.rate?.flag ?? (typeof w.count === "string" ? w.count : null), ratio: typeof w.ratio?.value === "number" ? w.ratio.value : null, significance: sig};
  });
  const id = `hatch-${++hatchSerial}`;
  // Never smaller than a ward's name at a legible size: on a phone the map scrolls inside its card.
  const tile = Math.max(80, Math.min(120, Math.floor((width - 20) / 6)));
  const by = (s) => rows.filter((r) => r.significance === s);
  const extent = Math.max(2, ...rows.map((r) => (r.ratio ? Math.max(r.ratio, 1 / r.ratio) : 1)));
  const marks = [
    Plot.cell(rows, {x: "col", y: "row", fill: (d) => d.ratio ?? NaN, inset: 2}),
    Plot.cell(rows.filter((r) => r.target), {x: "col", y: "row", fill: `url(#${id})`, inset: 2})
  ];
  for (const [s, style] of Object.entries(SIG)) {
    marks.push(Plot.cell(by(s), {x: "col", y: "row", fill: "none", stroke: s === "Not significant" ? COLOURS.muted : COLOURS.ink, strokeWidth: style.width, strokeDasharray: style.dash ?? undefined, inset: 2 + style.width / 2}));
  }
  const short = (n) => n.replace("Sundon Park", "Sundon Pk").replace("Round Green", "Round Grn");
  marks.push(
    Plot.text(rows, {x: "col", y: "row", text: (d) => short(d.ward), dy: -tile * 0.22, fontWeight: 700, fontSize: tile < 90 ? 11 : 12, fill: COLOURS.ink, stroke: "white", strokeWidth: 3, paintOrder: "stroke"}),
    Plot.text(rows, {x: "col", y: "row", text: (d) => (d.rate === null ? d.flag ?? "x" : `${formatValue(d.rate, unit)}${d.flag === "u" ? " u" : ""}`), dy: 0, fontSize: 12, fill: COLOURS.ink, stroke: "white", strokeWidth: 3, paintOrder: "stroke"}),
    Plot.text(rows, {x: "col", y: "row", text: (d) => `${SIG[d.significance]?.glyph ?? ""}${d.target ? " target" : ""}`.trim(), dy: tile * 0.24, fontSize: 11, fontWeight: 700, fill: COLOURS.ink, stroke: "white", strokeWidth: 3, paintOrder: "stroke"})
  );
  let chart = Plot.plot({
    width: tile * 6 + 20, height: tile * 5 + 20, margin: 10, padding: 0,
    x: {axis: null, domain: [0, 1, 2, 3, 4, 5]}, y: {axis: null, domain: [0, 1, 2, 3, 4]},
    color: {type: "log", scheme: "PuOr", domain: [1 / extent, extent], unknown: "#f3f2f1"},
    ariaLabel: `Tile map of Luton's 19 wards${indicatorName ? ` for ${indicatorName}` : ""}: shade = ratio to the borough rate (orange higher, purple lower); thick outline = significantly high, dashed = significantly low; hatched = target ward. The data table below gives every value.`,
    marks
  });
  hatch(chart, id);
  // Plot shrinks a chart to its container (max-width: 100%), which would shrink the names with it.
  chart.style.maxWidth = "none";
  // The shade's key, as a small ramp above the map (an SVG, so exports keep it).
  // Five named ticks, symmetric on the log scale: a log scale's own ticks (0.6, 0.7, 0.8 …) collide on a narrow key.
  const keyTicks = [1 / extent, 1 / Math.sqrt(extent), 1, Math.sqrt(extent), extent];
  const key = chart.legend("color", {label: "Ratio to the borough rate (log scale)", tickFormat: (v) => formatRatio(v), ticks: keyTicks, width: Math.min(340, Math.max(280, width - 20)), marginLeft: 14, marginRight: 14});
  const figure = document.createElement("div");
  figure.append(...(key ? [key] : []), chart);
  accessible(figure);
  if (key) key.setAttribute("aria-label", "Colour key: ratio to the borough rate, purple lower, orange higher");
  chart = figure;
  chart.drawn = rows.map(({col: _c, row: _r, ...r}) => r);
  chart.columns = [
    {key: "ward", label: "Ward"}, {key: "target", label: "Target ward", format: (v) => (v ? "yes" : "")},
    {key: "count", label: "Count", format: (v) => (typeof v === "number" ? v.toLocaleString("en-GB") : v ?? "")},
    {key: "rate", label: "Rate", format: (v, r) => (v === null ? r.flag ?? "x" : `${formatValue(v, unit)}${r.flag === "u" ? " u" : ""}`)},
    {key: "ratio", label: "Ratio to borough", format: (v) => (v === null ? "x" : formatRatio(v))},
    {key: "significance", label: "Significance", format: (v) => SIG[v]?.words ?? v}
  ];
  return chart;
}

/** Caterpillar plot: each ward's median rank and 95% rank interval (1 = most need). */
export function caterpillar(wards, {width = 640, what = "need"} = {}) {
  const rows = wards.filter((w) => w.rank).map((w) => ({ward: w.name, target: w.target, median: w.rank.medianRank, lower: w.rank.lowerRank, upper: w.rank.upperRank, top5: w.rank.confidentlyTop5}))
    .sort((a, b) => a.median - b.median || a.lower - b.lower);
  const chart = Plot.plot({
    width, height: rows.length * 22 + 60, marginLeft: 120, marginRight: 30,
    x: {label: `Rank on ${what} (1 = most need), with 95% interval`, domain: [0.5, rows.length + 0.5], grid: true, ticks: rows.length > 12 ? 10 : rows.length},
    y: {label: null, domain: rows.map((r) => r.ward)},
    ariaLabel: `Caterpillar plot of ward ranks on ${what}: each ward's median rank and 95% rank interval from simulation; target wards drawn as diamonds. The data table below gives every rank.`,
    marks: [
      Plot.ruleX([5.5], {stroke: COLOURS.muted, strokeDasharray: "4,3"}),
      Plot.text(["top 5"], {x: 5.5, frameAnchor: "top", dy: -8, dx: -3, textAnchor: "end", fill: COLOURS.muted, fontSize: 11}),
      Plot.ruleY(rows, {y: "ward", x1: "lower", x2: "upper", stroke: (d) => (d.target ? COLOURS.better : COLOURS.muted), strokeWidth: 3}),
      Plot.dot(rows, {y: "ward", x: "median", r: 5, symbol: (d) => (d.target ? "diamond" : "circle"), fill: (d) => (d.target ? COLOURS.better : "white"), stroke: COLOURS.ink}),
      Plot.text(rows.filter((r) => r.top5), {y: "ward", x: "upper", text: () => "confidently top 5", dx: 8, textAnchor: "start", fontSize: 11})
    ]
  });
  accessible(chart);
  chart.drawn = rows;
  chart.columns = [{key: "ward", label: "Ward"}, {key: "target", label: "Target ward", format: (v) => (v ? "yes" : "")}, {key: "median", label: "Median rank"}, {key: "lower", label: "95% from"}, {key: "upper", label: "95% to"}, {key: "top5", label: "Confidently top 5", format: (v) => (v ? "yes" : "no")}];
  return chart;
}

/** Target wards vs the rest of the borough over time (rates), from the summary's gap series. */
export function targetVsRest(gap, {width = 640, unit = "per-10000", name = ""} = {}) {
  const rows = gap.points.flatMap((p) => [
    {group: "Target wards", period: p.period, x: periodEnd(p.period), value: p.targetRate},
    {group: "Rest of the borough", period: p.period, x: periodEnd(p.period), value: p.restRate}
  ]).filter((r) => typeof r.value === "number");
  const ratio = gap.points.map((p) => ({period: p.period, ratio: p.value, lower95: p.lower95, upper95: p.upper95}));
  const {ticks, tickFormat} = periodTicks(gap.points.map((p) => p.period), width);
  const since = gap.since ? periodEnd(gap.since) : null;
  const chart = Plot.plot({
    width, height: 280, marginLeft: 56, marginRight: 140,
    x: {type: "utc", ticks, tickFormat, label: null},
    y: {type: "linear", label: unit === "percent" ? "Per cent" : "per 10,000 children", grid: true, zero: true},
    color: {domain: ["Target wards", "Rest of the borough"], range: [COLOURS.better, COLOURS.muted]},
    ariaLabel: `${name}: the target wards' rate and the rest of the borough's, by year. The data table below gives every value and the rate ratio.`,
    marks: [
      since ? Plot.ruleX([since], {stroke: COLOURS.annotation, strokeDasharray: "2,2"}) : null,
      since ? Plot.text([`from ${gap.since}`], {x: since, frameAnchor: "top", dy: -6, textAnchor: "start", dx: 3, fill: COLOURS.muted, fontSize: 11}) : null,
      Plot.lineY(rows.filter((r) => r.group === "Target wards"), {x: "x", y: "value", stroke: "group", strokeWidth: 2.5}),
      Plot.lineY(rows.filter((r) => r.group !== "Target wards"), {x: "x", y: "value", stroke: "group", strokeWidth: 2.5, strokeDasharray: "6,3"}),
      Plot.dot(rows, {x: "x", y: "value", fill: "group", symbol: "group", r: 3.5}),
      Plot.text(rows.filter((r) => r.period === gap.points.at(-1).period), {x: "x", y: "value", text: "group", dx: 8, textAnchor: "start", fill: "group", fontWeight: 700})
    ].filter(Boolean)
  });
  accessible(chart);
  const byPeriod = new Map(ratio.map((r) => [r.period, r]));
  chart.drawn = gap.points.map((p) => ({period: p.period, targetRate: p.targetRate, restRate: p.restRate, ratio: byPeriod.get(p.period).ratio, ratioLower95: byPeriod.get(p.period).lower95, ratioUpper95: byPeriod.get(p.period).upper95}));
  chart.columns = [{key: "period", label: "Period"}, {key: "targetRate", label: "Target wards", format: (v) => formatValue(v, unit)}, {key: "restRate", label: "Rest of borough", format: (v) => formatValue(v, unit)}, {key: "ratio", label: "Rate ratio", format: formatRatio}, {key: "ratioLower95", label: "95% from", format: formatRatio}, {key: "ratioUpper95", label: "95% to", format: formatRatio}];
  return chart;
}

/** Concentration curve: cumulative share of cases against cumulative share of children. */
export function concentrationCurve(curve, {width = 640, nameOf = (id) => id, orderLabel = "rate"} = {}) {
  const pts = [{id: null, populationShare: 0, caseShare: 0}, ...curve.points].map((p) => ({
    ward: p.id ? nameOf(p.id) : "(start)", target: p.target ?? false, x: p.populationShare, y: typeof p.caseShare === "number" ? p.caseShare : null, cases: p.cases, population: p.population
  }));
  const shown = pts.filter((p) => p.y !== null);
  const size = Math.min(width, 460);
  const chart = Plot.plot({
    width: size, height: size, marginLeft: 56, marginBottom: 46,
    x: {label: "Cumulative % of children", domain: [0, 1], tickFormat: "%", grid: true},
    y: {label: "Cumulative % of cases", domain: [0, 1], tickFormat: "%", grid: true},
    ariaLabel: `Concentration curve (wards ordered by ${orderLabel}): the further above the diagonal, the more cases are concentrated; target wards as diamonds. Concentration index ${curve.index}.`,
    marks: [
      Plot.line([[0, 0], [1, 1]], {stroke: COLOURS.faint, strokeDasharray: "4,3"}),
      Plot.line(shown, {x: "x", y: "y", stroke: COLOURS.ink, strokeWidth: 2}),
      Plot.dot(shown.filter((p) => p.ward !== "(start)"), {x: "x", y: "y", r: 4, symbol: (d) => (d.target ? "diamond" : "circle"), fill: (d) => (d.target ? COLOURS.better : "white"), stroke: COLOURS.ink}),
      Plot.tip(shown.filter((p) => p.ward !== "(start)"), Plot.pointer({x: "x", y: "y", title: (d) => `${d.ward}${d.target ? " (target)" : ""}: ${Math.round(d.y * 1000) / 10}% of cases, ${Math.round(d.x * 1000) / 10}% of children`}))
    ]
  });
  accessible(chart);
  chart.drawn = pts.slice(1).map((p) => ({ward: p.ward, target: p.target, cases: p.cases, children: p.population, cumulativeChildren: p.x, cumulativeCases: p.y}));
  chart.columns = [{key: "ward", label: "Ward"}, {key: "target", label: "Target", format: (v) => (v ? "yes" : "")}, {key: "cases", label: "Cases"}, {key: "children", label: "Children"},
    {key: "cumulativeChildren", label: "Cumulative % children", format: (v) => `${(v * 100).toFixed(1)}%`}, {key: "cumulativeCases", label: "Cumulative % cases", format: (v) => (v === null ? "c" : `${(v * 100).toFixed(1)}%`)}];
  return chart;
}
