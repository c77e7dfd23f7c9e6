// Provider comparisons: funnel plots (raw and case-mix adjusted), value for money and the service map.
// The limits, significance and verdicts are the API's; these functions only draw them.
import * as Plot from "./vendor/plot.js";
import {COLOURS, accessible} from "./palette.js";
import {formatMoney, formatRatio, formatValue} from "./format.js";
import {separateLabels} from "./labels.js";

// Glyphs, not Plot symbols: Plot's "triangle2" points up too, so "below the funnel" was drawn ▲.
const SIG_GLYPH = {"High (0.001)": "▲", "High (0.025)": "▲", "Low (0.001)": "▼", "Low (0.025)": "▼", "Not significant": "●"};

/**
 * Label positions that do not overlap: labels start beside their points (in pixels), and any label
 * that would touch one already placed moves down (or up) by a line until it is clear. Returned in
 * the chart's data coordinates so Plot draws them; `moved` labels get a leader line to their point.
 */
export function placeLabels(rows, {x: [x0, x1], y: [y0, y1]}, {left, top, width, height, lineHeight = 13, charWidth = 6.2, dx = 9}) {
  const px = (v) => left + ((v - x0) / (x1 - x0)) * width;
  const py = (v) => top + (1 - (v - y0) / (y1 - y0)) * height;
  const placed = [];
  const order = [...rows].sort((a, b) => py(a.y) - py(b.y) || px(a.x) - px(b.x));
  for (const r of order) {
    const w = r.label.length * charWidth;
    const boxX = px(r.x) + dx;
    const clash = (y) => placed.some((p) => boxX < p.boxX + p.w && p.boxX < boxX + w && Math.abs(p.y - y) < lineHeight);
    let y = py(r.y);
    for (let k = 1; clash(y) && k < 40; k++) y = py(r.y) + (k % 2 ? 1 : -1) * Math.ceil(k / 2) * lineHeight;
    y = Math.max(top + lineHeight / 2, Math.min(top + height - lineHeight / 2, y));
    placed.push({row: r, boxX, w, y});
  }
  return placed.map((p) => ({...p.row, labelY: y0 + (1 - (p.y - top) / height) * (y1 - y0), moved: Math.abs(p.y - py(p.row.y)) > 1}));
}

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
  const labels = placeLabels(rows.map((r) => ({...r, label: r.provider.length > 22 ? `${r.provider.slice(0, 21)}…` : r.provider})), {x: [0, xMax], y: yDomain},
    {left: frame.left, top: frame.top, width: width - frame.left - frame.right, height: frame.height - frame.top - frame.bottom});
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
      Plot.text([which === "raw" ? `average ${formatValue(funnel.centre, "percent")}` : "as expected"], {x: xMax, y: funnel.centre, dx: 4, textAnchor: "start", fontSize: 11, fill: COLOURS.ink})
    ]
  });
  accessible(chart);
  // placeLabels estimates widths; this measures what Plot drew, so a phone's narrow chart stays legible too.
  separateLabels(chart, {move: 1, keep: [2]});
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
  const chart = Plot.plot({
    width, height: rows.length * 24 + 60, marginLeft: Math.min(320, 10 + 6.5 * Math.max(...rows.map((r) => r.name.length))), marginRight: 30,
    x: {label: "Cost per family better off (£), with 95% interval", grid: true, zero: true, tickFormat: (v) => formatMoney(v)},
    y: {label: null, domain: order.map((r) => r.name)},
    ariaLabel: "Value for money: cost per family better off for each provider and programme, with 95% intervals. The data table below gives every value.",
    marks: [
      Plot.ruleY(rows, {y: "name", x1: "lower95", x2: "upper95", stroke: COLOURS.muted, strokeWidth: 3}),
      Plot.dot(rows, {y: "name", x: "cost", r: 5, fill: (d) => (d.kind === "all" ? COLOURS.ink : d.kind === "programme" ? "white" : COLOURS.better), stroke: COLOURS.ink, symbol: (d) => (d.kind === "programme" ? "square" : "circle")})
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
  const chart = Plot.plot({
    width: Math.min(width, 620), height: wards.length * 24 + 70, marginLeft: 110, marginTop: 40,
    x: {axis: "top", label: "Level of need (Luton thresholds)", domain: map.levels.map((l) => `Level ${l}`)},
    y: {label: null, domain: wards},
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
