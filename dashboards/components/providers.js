// Provider comparisons: funnel plots (raw and case-mix adjusted), value for money and the service map.
// The limits, significance and verdicts are the API's; these functions only draw them.
import * as Plot from "./vendor/plot.js";
import {COLOURS, accessible} from "./palette.js";
import {formatMoney, formatRatio, formatValue} from "./format.js";
import {labelWidth, placeLabels} from "./labels.js";

// Glyphs, not Plot symbols: Plot's "triangle2" points up too, so "below the funnel" was drawn ▲.
const SIG_GLYPH = {"High (0.001)": "▲", "High (0.025)": "▲", "Low (0.001)": "▼", "Low (0.025)": "▼", "Not significant": "●"};

function funnelLines(funnel) {
  const lines = [];
  for (const level of ["lower998", "lower95", "upper95", "upper998"]) {
    for (const p of funnel.points) if (p[level] && Number.isFinite(p[level].x) && Number.isFinite(p[level].value)) lines.push({level, x: p[level].x, value: p[level].value});
  }
  return lines;
}

/**
 * @param compare /api/providers/compare response
 * @param which "raw" (percentage vs denominator) or "adjusted" (observed/expected ratio vs expected)
 */
export function funnelPlot(compare, {width = 640, which = "raw"} = {}) {
  const funnel = compare.funnels[which];
  const polarity = compare.measure.polarity;
  const rows = compare.providers.filter((p) => (which === "raw" ? typeof p.value === "number" && typeof p.denominator === "number" : p.adjusted && typeof p.adjusted.ratio === "number"))
    .map((p) => which === "raw"
      ? {provider: p.name, x: p.denominator, y: p.value, lower95: p.lower95, upper95: p.upper95, significance: p.significance}
      : {provider: p.name, x: p.adjusted.expected, y: p.adjusted.ratio, lower95: p.adjusted.lower95, upper95: p.adjusted.upper95, significance: p.adjusted.significance});
  const judge = (s) => (!s || s === "Not significant" || polarity === "no-judgement" ? "similar" : s.startsWith("High") === (polarity === "high-is-good") ? "better" : "worse");
  const xMax = Math.max(...rows.map((r) => r.x), 1) * 1.15;
  const lines = funnelLines(funnel).filter((l) => l.x <= xMax && l.x > 0);
  const yValues = [...rows.map((r) => r.y), funnel.centre];
  const yDomain = which === "raw" ? [0, 100] : [0, Math.max(2, ...yValues) * 1.2];
  const clipped = lines.map((l) => ({...l, value: Math.max(yDomain[0], Math.min(yDomain[1], l.value))}));
  const frame = {left: 56, top: 20, right: 150, bottom: 30, height: 360};
  // Labels placed in pixels beside their points, clear of each other and of the average's label.
  const px = (v) => frame.left + (v / xMax) * (width - frame.left - frame.right);
  const py = (v) => frame.top + (1 - (v - yDomain[0]) / (yDomain[1] - yDomain[0])) * (frame.height - frame.top - frame.bottom);
  const centreLabel = which === "raw" ? `average ${formatValue(funnel.centre, "percent")}` : "as expected";
  const named = rows.map((r) => ({...r, label: r.provider.length > 22 ? `${r.provider.slice(0, 21)}…` : r.provider}));
  const placed = placeLabels(named.map((r) => ({x: px(r.x) + 9, y: py(r.y), w: labelWidth(r.label)})),
    {top: frame.top, bottom: frame.height - frame.bottom, obstacles: [{x: px(xMax) + 4, y: py(funnel.centre), w: labelWidth(centreLabel)}]});
  const labels = named.map((r, i) => ({...r, labelY: yDomain[0] + (1 - (placed[i].labelY - frame.top) / (frame.height - frame.top - frame.bottom)) * (yDomain[1] - yDomain[0]), moved: placed[i].moved}));
  const colourOf = (d) => (judge(d.significance) === "better" ? COLOURS.better : judge(d.significance) === "worse" ? COLOURS.worse : COLOURS.muted);
  const chart = Plot.plot({
    width, height: frame.height, marginLeft: frame.left, marginRight: frame.right, marginTop: frame.top, marginBottom: frame.bottom,
    x: {label: which === "raw" ? "Families in the denominator" : "Expected number (from each provider's case mix)", domain: [0, xMax], grid: true},
    y: {label: which === "raw" ? `${compare.measure.name} (%)` : "Observed ÷ expected (1 = as expected)", domain: yDomain, grid: true},
    ariaLabel: `Funnel plot of ${compare.measure.name}, ${which === "raw" ? "raw percentages" : "case-mix adjusted ratios"}: providers outside the funnel differ significantly from the ${which === "raw" ? "pooled average" : "expected"}. The data table below gives every value.`,
    marks: [
      Plot.ruleY([funnel.centre], {stroke: COLOURS.ink, strokeWidth: 1.5}),
      Plot.line(clipped.filter((l) => l.level.endsWith("95")), {x: "x", y: "value", z: "level", stroke: COLOURS.muted, strokeDasharray: "5,3", curve: "monotone-x"}),
      Plot.line(clipped.filter((l) => l.level.endsWith("998")), {x: "x", y: "value", z: "level", stroke: COLOURS.muted, curve: "monotone-x"}),
      Plot.ruleX(rows, {x: "x", y1: (d) => Math.max(yDomain[0], d.lower95 ?? d.y), y2: (d) => Math.min(yDomain[1], d.upper95 ?? d.y), stroke: (d) => (judge(d.significance) === "better" ? COLOURS.better : judge(d.significance) === "worse" ? COLOURS.worse : COLOURS.muted), strokeOpacity: 0.6}),
      Plot.text(rows, {x: "x", y: "y", text: (d) => SIG_GLYPH[d.significance] ?? "●", fontSize: 15, fill: (d) => (judge(d.significance) === "similar" ? COLOURS.ink : colourOf(d)), stroke: "white", strokeWidth: 3, paintOrder: "stroke", className: "funnel-glyph"}),
      Plot.link(labels.filter((d) => d.moved), {x1: "x", y1: "y", x2: "x", y2: "labelY", dx: 6, stroke: COLOURS.faint}),
      Plot.text(labels, {x: "x", y: "labelY", text: "label", dx: 9, textAnchor: "start", fontSize: 11, fill: COLOURS.ink, stroke: "white", strokeWidth: 3, paintOrder: "stroke", className: "funnel-label"}),
      Plot.text([centreLabel], {x: xMax, y: funnel.centre, dx: 4, textAnchor: "start", fontSize: 11, fill: COLOURS.ink})
    ]
  });
  accessible(chart);
  chart.drawn = [...rows.map((r) => ({series: "provider", provider: r.provider, x: r.x, value: r.y, lower95: r.lower95, upper95: r.upper95, significance: r.significance, symbol: SIG_GLYPH[r.significance] ?? "●"})), ...lines.map((l) => ({series: `limit ${l.level}`, provider: "", x: l.x, value: l.value}))];
  chart.columns = [
    {key: "series", label: "Series"}, {key: "provider", label: "Provider"},
    {key: "x", label: which === "raw" ? "Denominator" : "Expected", format: (v) => v.toLocaleString("en-GB", {maximumFractionDigits: 1})},
    {key: "value", label: which === "raw" ? "Per cent" : "Ratio", format: (v) => (which === "raw" ? formatValue(v, "percent") : formatRatio(v))},
    {key: "lower95", label: "95% from", format: (v) => (v == null ? "" : which === "raw" ? formatValue(v, "percent") : formatRatio(v))},
    {key: "upper95", label: "95% to", format: (v) => (v == null ? "" : which === "raw" ? formatValue(v, "percent") : formatRatio(v))},
    {key: "significance", label: "Significance", format: (v) => v ?? ""},
    {key: "symbol", label: "Symbol", format: (v) => v ?? ""}
  ];
  return chart;
}

/** Cost per family better off with its interval, per provider / programme / overall. */
export function valueForMoney(vfm, {width = 640} = {}) {
  const rows = vfm.rows.filter((r) => typeof r.costPerFamilyBetterOff === "number").map((r) => ({
    name: `${r.kind === "programme" ? "Programme: " : r.kind === "all" ? "" : ""}${r.name}`, kind: r.kind, cost: r.costPerFamilyBetterOff, lower95: r.lower95, upper95: r.upper95,
    betterOff: r.betterOff, episodesEnded: r.episodesEnded, totalCost: r.totalCost, flag: r.flag
  }));
  const order = [...rows].sort((a, b) => (a.kind === b.kind ? a.cost - b.cost : a.kind === "all" ? -1 : b.kind === "all" ? 1 : a.kind === "programme" ? 1 : -1));
  // Names as a left axis where they leave room for the intervals; on a narrow chart (a phone) each
  // name goes on its own line above its interval instead of running off the left edge.
  const nameWidth = Math.max(...rows.map((r) => labelWidth(r.name, 10))) + 14;
  const narrow = width - nameWidth < 240;
  const chart = Plot.plot({
    width, height: rows.length * (narrow ? 40 : 24) + 60, marginLeft: narrow ? 14 : nameWidth, marginRight: 30, marginTop: narrow ? 30 : 20,
    x: {label: "Cost per family better off (£), with 95% interval", grid: true, zero: true, tickFormat: (v) => formatMoney(v)},
    y: {label: null, domain: order.map((r) => r.name), axis: narrow ? null : "left"},
    ariaLabel: "Value for money: cost per family better off for each provider and programme, with 95% intervals. The data table below gives every value.",
    marks: [
      Plot.ruleY(rows, {y: "name", x1: "lower95", x2: "upper95", stroke: COLOURS.muted, strokeWidth: 3}),
      Plot.dot(rows, {y: "name", x: "cost", r: 5, fill: (d) => (d.kind === "all" ? COLOURS.ink : d.kind === "programme" ? "white" : COLOURS.better), stroke: COLOURS.ink, symbol: (d) => (d.kind === "programme" ? "square" : "circle")}),
      ...(narrow ? [Plot.text(rows, {y: "name", text: "name", frameAnchor: "left", dy: -8, lineAnchor: "bottom", textAnchor: "start", fontSize: 11, fill: COLOURS.ink, lineWidth: (width - 30) / 12.5, className: "row-name"})] : [])
    ]
  });
  accessible(chart);
  chart.drawn = order;
  chart.columns = [{key: "name", label: "Provider or programme"}, {key: "cost", label: "Cost per family better off", format: formatMoney}, {key: "lower95", label: "95% from", format: formatMoney}, {key: "upper95", label: "95% to", format: formatMoney},
    {key: "betterOff", label: "Families better off"}, {key: "episodesEnded", label: "Episodes ended"}, {key: "totalCost", label: "Total cost", format: formatMoney}];
  return chart;
}

/**
 * Service map for one age group: each ward × level of need cell shows provision (episodes started)
 * over need, shaded by the API's ratio of provision to what the borough's own rate would give;
 * gaps (the API's judgement) are outlined and labelled.
 */
export function serviceMap(map, {width = 640, ageGroup} = {}) {
  const rows = map.wards.flatMap((w) => w.cells.filter((c) => c.ageGroup === ageGroup).map((c) => ({
    ward: w.name, level: `Level ${c.level}`, need: c.need, provision: c.provision, expected: c.expectedProvision,
    ratio: typeof c.ratio === "number" ? c.ratio : null, significance: c.significance, gap: c.flag === "gap", programmes: (c.programmes ?? []).join(", ")
  })));
  const wards = [...new Set(rows.map((r) => r.ward))];
  // Ward names fit the left margin: as wide as the longest needs, up to two-fifths of the chart; a
  // longer name ("Ward not recorded or …") is shortened with an ellipsis (the data table has it whole).
  const chartWidth = Math.min(width, 620);
  const marginLeft = Math.ceil(Math.min(Math.max(...wards.map((w) => labelWidth(w, 10))) + 14, Math.max(100, chartWidth * 0.4)));
  const fits = Math.floor((marginLeft - 14) / labelWidth("x", 10));
  const chart = Plot.plot({
    width: chartWidth, height: wards.length * 24 + 70, marginLeft, marginTop: 40,
    x: {axis: "top", label: "Level of need (Luton thresholds)", domain: map.levels.map((l) => `Level ${l}`)},
    y: {label: null, domain: wards, tickFormat: (w) => (w.length > fits ? `${w.slice(0, fits - 1).trimEnd()}…` : w)},
    color: {type: "log", scheme: "PuOr", reverse: true, domain: [0.25, 4], clamp: true, unknown: "#f3f2f1"},
    ariaLabel: `Service map, ages ${ageGroup}: provision (service episodes started) against need (CAF assessments and referrals) by ward and level of need; shade = provision relative to the borough's rate for the same level and age (purple more, orange less); gaps outlined in bold and labelled "gap". The data table below gives every cell.`,
    marks: [
      Plot.cell(rows, {x: "level", y: "ward", fill: (d) => d.ratio, inset: 1}),
      Plot.cell(rows.filter((r) => r.gap), {x: "level", y: "ward", fill: "none", stroke: COLOURS.ink, strokeWidth: 3, inset: 2}),
      Plot.text(rows, {x: "level", y: "ward", text: (d) => `${d.provision}/${d.need}${d.gap ? " gap" : ""}`, fontSize: 11, fill: COLOURS.ink, stroke: "white", strokeWidth: 3, paintOrder: "stroke"})
    ]
  });
  accessible(chart);
  chart.drawn = rows;
  chart.columns = [{key: "ward", label: "Ward"}, {key: "level", label: "Level"}, {key: "provision", label: "Episodes started"}, {key: "need", label: "Need"},
    {key: "expected", label: "Expected at borough rate", format: (v) => (typeof v === "number" ? v.toFixed(1) : "")},
    {key: "ratio", label: "Provision ratio", format: (v) => (v === null ? "x" : formatRatio(v))}, {key: "significance", label: "Significance", format: (v) => v ?? ""},
    {key: "gap", label: "Gap", format: (v) => (v ? "gap" : "")}, {key: "programmes", label: "Programmes commissioned"}];
  return chart;
}
