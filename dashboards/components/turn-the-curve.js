// The turn-the-curve chart: history with its 95% intervals, the baseline forecast with its 80% and
// 95% fan, frozen baselines with the later actuals judged against them, targets, the England
// benchmark and annotations on the timeline. Everything it shows arrives from the API.
import * as Plot from "./vendor/plot.js";
import {COLOURS, accessible} from "./palette.js";
import {formatValue, unitLabel} from "./format.js";
import {periodEnd, isoDate} from "./periods.js";

const GLYPH = {better: "▲", worse: "▼", within: "●", above: "▲", below: "▼"};
const num = (v) => (typeof v === "number" && Number.isFinite(v) ? v : null);

/** Period-end ticks, thinned to fit the width, labelled with the period as councils write it. */
export function periodTicks(labels, width) {
  const unique = [...new Set(labels)];
  const every = Math.max(1, Math.ceil(unique.length / Math.max(2, Math.floor(width / 70))));
  const ticks = unique.filter((_, i) => (unique.length - 1 - i) % every === 0).map((l) => periodEnd(l));
  const names = new Map(unique.map((l) => [periodEnd(l).getTime(), l]));
  return {ticks, tickFormat: (d) => names.get(d.getTime()) ?? ""};
}

/**
 * @param data {indicator: {name, unit, polarity}, history, actuals, forecast: {points}, judged: verdict points,
 *   frozen: [{name, asOf, forecast, judged}], targets: [{period, value}], annotations: [{from, to, text}]}
 */
export function turnTheCurveChart(data, {width = 640, height = 360, showFan = true, showBenchmark = true} = {}) {
  const {indicator, history = [], actuals = [], forecast = null, judged = [], frozen = [], targets = [], annotations = []} = data;
  const unit = indicator.unit;
  const drawn = [];
  const point = (series, p, extra = {}) => {
    const value = typeof p.value === "number" ? p.value : null;
    const row = {series, period: p.period, x: periodEnd(p.period), value, lower95: num(p.lower95), upper95: num(p.upper95), flag: typeof p.value === "string" ? p.value : p.flag ?? null, ...extra};
    drawn.push(row);
    return row;
  };
  const judgedBy = new Map(judged.map((j) => [j.period, j.judgement]));
  const hist = history.map((p) => point("actual", p));
  const later = actuals.map((p) => point("actual after baseline date", p, {judgement: judgedBy.get(p.period) ?? null}));
  const all = [...hist, ...later];
  const fc = (forecast?.points ?? []).map((p) => {
    const row = {series: "forecast", period: p.period, x: periodEnd(p.period), value: num(p.mean), lower80: num(p.lower80), upper80: num(p.upper80), lower95: num(p.lower95), upper95: num(p.upper95)};
    drawn.push(row);
    return row;
  });
  // The forecast line starts from the last history point so the eye follows it out of the data.
  const lastHist = [...hist].reverse().find((r) => r.value !== null);
  const fcLine = lastHist && fc.length ? [{x: lastHist.x, value: lastHist.value, lower80: lastHist.value, upper80: lastHist.value, lower95: lastHist.value, upper95: lastHist.value}, ...fc] : fc;
  const frozenRows = frozen.map((b, i) => {
    const colour = COLOURS.frozen[i % COLOURS.frozen.length];
    const rows = (b.forecast ?? []).map((p) => {
      const row = {series: `frozen baseline: ${b.name}`, period: p.period, x: periodEnd(p.period), value: num(p.mean), lower80: num(p.lower80), upper80: num(p.upper80), lower95: num(p.lower95), upper95: num(p.upper95)};
      drawn.push(row);
      return row;
    });
    const judgedRows = (b.judged ?? []).map((j) => {
      const row = {series: `actual judged against ${b.name}`, period: j.period, x: periodEnd(j.period), value: num(j.actual), flag: typeof j.actual === "string" ? j.actual : null, judgement: j.judgement, lower80: num(j.lower80), upper80: num(j.upper80)};
      drawn.push(row);
      return row;
    });
    return {name: b.name, colour, rows, judgedRows, dash: ["6,3", "2,3", "8,3,2,3", "1,2"][i % 4]};
  });
  const targetRows = targets.map((t) => {
    const row = {series: "target", period: t.period, x: periodEnd(t.period), value: num(t.value)};
    drawn.push(row);
    return row;
  }).filter((t) => t.x && t.value !== null);
  const england = showBenchmark ? all.map((r) => {
    const src = [...history, ...actuals].find((p) => p.period === r.period);
    const b = src?.benchmarks?.find((x) => x.comparator === "england");
    return b && typeof b.value === "number" ? {series: "England", period: r.period, x: r.x, value: b.value} : null;
  }).filter(Boolean) : [];
  drawn.push(...england);
  const notes = annotations.map((a, i) => {
    const row = {series: "annotation", n: i + 1, from: isoDate(a.from), to: isoDate(a.to ?? a.from), text: a.text};
    drawn.push({series: "annotation", period: a.from === (a.to ?? a.from) ? a.from : `${a.from} to ${a.to}`, value: null, note: `${i + 1}. ${a.text}`});
    return row;
  });
  const suppressed = all.filter((r) => r.value === null && r.flag);
  const labels = [...all.map((r) => r.period), ...fc.map((r) => r.period), ...frozenRows.flatMap((b) => b.rows.map((r) => r.period)), ...targetRows.map((r) => r.period)];
  const {ticks, tickFormat} = periodTicks(labels.sort((a, b) => periodEnd(a) - periodEnd(b)), width);
  const lastLabelled = (rows) => rows.filter((r) => r.value !== null).slice(-1);
  // The y-axis fits what was measured (history and actuals with their intervals, targets, England),
  // not the fan: a fan four times the latest value would squash the history into a line. What runs
  // off the chart is clipped and labelled with how far it goes.
  const fitted = [...all.flatMap((r) => [r.value, r.lower95, r.upper95]), ...targetRows.map((r) => r.value), ...england.map((r) => r.value)].filter((v) => v !== null);
  const dataMax = fitted.length ? Math.max(...fitted) : null;
  const dataMin = fitted.length ? Math.min(0, ...fitted) : 0;
  const yMax = dataMax === null ? null : dataMax + 0.15 * Math.max(dataMax - dataMin, Math.abs(dataMax) * 0.1, 1e-9);
  const fanValues = [...fc, ...frozenRows.flatMap((b) => [...b.rows, ...b.judgedRows])].flatMap((r) => [r.value, showFan ? r.upper95 : null, showFan ? r.upper80 : null, r.upper80]).filter((v) => v !== null && v !== undefined);
  const fanMax = fanValues.length ? Math.max(...fanValues) : null;
  const fanMin = [...fc, ...frozenRows.flatMap((b) => b.rows)].flatMap((r) => [r.value, showFan ? r.lower95 : null, r.lower80]).filter((v) => v !== null && v !== undefined);
  const offTop = yMax !== null && fanMax !== null && fanMax > yMax;
  const offBottom = fanMin.length > 0 && Math.min(...fanMin) < dataMin;
  const clipLabel = [
    ...(offTop ? [{x: (fc.length ? fc : frozenRows.flatMap((b) => b.rows)).slice(-1)[0]?.x, text: `▲ band runs off the chart, to ${formatValue(fanMax, unit)}`, anchor: "top", dy: 4}] : []),
    ...(offBottom ? [{x: (fc.length ? fc : frozenRows.flatMap((b) => b.rows)).slice(-1)[0]?.x, text: `▼ band runs off the chart, to ${formatValue(Math.min(...fanMin), unit)}`, anchor: "bottom", dy: -4}] : [])
  ].filter((d) => d.x);
  const marks = [
    // Annotations first, so data draws over them.
    Plot.rectX(notes.filter((n) => n.to > n.from), {x1: "from", x2: "to", fill: COLOURS.annotation, fillOpacity: 0.12}),
    Plot.ruleX(notes, {x: "from", stroke: COLOURS.annotation, strokeDasharray: "2,2"}),
    Plot.text(notes, {x: "from", text: (d) => String(d.n), frameAnchor: "top", dy: -6, fill: COLOURS.ink, fontWeight: 700, fontSize: 11}),
    Plot.ruleY([0], {stroke: COLOURS.faint})
  ];
  if (showFan && fc.length) {
    marks.push(
      Plot.areaY(fcLine, {x: "x", y1: "lower95", y2: "upper95", fill: COLOURS.forecast, fillOpacity: 0.12, curve: "linear", clip: true}),
      Plot.areaY(fcLine, {x: "x", y1: "lower80", y2: "upper80", fill: COLOURS.forecast, fillOpacity: 0.22, curve: "linear", clip: true})
    );
  }
  if (fc.length) {
    marks.push(
      Plot.lineY(fcLine, {x: "x", y: "value", stroke: COLOURS.forecast, strokeWidth: 2, strokeDasharray: "5,3", clip: true}),
      Plot.text(fc.slice(-1).filter((d) => yMax === null || d.value <= yMax), {x: "x", y: "value", text: () => "forecast", dx: 6, textAnchor: "start", fill: COLOURS.forecast, fontSize: 11})
    );
  }
  for (const b of frozenRows) {
    marks.push(
      Plot.ruleX(b.rows, {x: "x", y1: "lower80", y2: "upper80", stroke: b.colour, strokeOpacity: 0.5, strokeWidth: 3, clip: true}),
      Plot.lineY(b.rows, {x: "x", y: "value", stroke: b.colour, strokeWidth: 2, strokeDasharray: b.dash, clip: true}),
      Plot.text(lastLabelled(b.rows), {x: "x", y: "value", text: () => `frozen: ${b.name}`, dx: 6, dy: 12, textAnchor: "start", fill: b.colour, fontSize: 11})
    );
  }
  if (england.length) {
    marks.push(
      Plot.lineY(england, {x: "x", y: "value", stroke: COLOURS.muted, strokeDasharray: "1,3", strokeWidth: 1.5}),
      Plot.text(england.slice(-1), {x: "x", y: "value", text: () => "England", dx: 6, textAnchor: "start", fill: COLOURS.muted, fontSize: 11})
    );
  }
  if (targetRows.length) {
    marks.push(
      Plot.lineY(targetRows, {x: "x", y: "value", stroke: COLOURS.target, strokeWidth: 1.5, strokeDasharray: "8,4"}),
      Plot.dot(targetRows, {x: "x", y: "value", symbol: "diamond", r: 5, fill: COLOURS.target}),
      Plot.text(targetRows.slice(-1), {x: "x", y: "value", text: (d) => `target ${formatValue(d.value, unit)}`, dx: 8, dy: -8, textAnchor: "start", fill: COLOURS.target, fontSize: 11})
    );
  }
  marks.push(
    Plot.ruleX(all, {x: "x", y1: "lower95", y2: "upper95", stroke: COLOURS.ink, strokeOpacity: 0.35}),
    Plot.lineY(all, {x: "x", y: "value", stroke: COLOURS.ink, strokeWidth: 2, defined: (d) => d.value !== null}),
    Plot.dot(hist.filter((d) => d.value !== null), {x: "x", y: "value", r: 3.5, fill: (d) => (d.flag === "u" ? "white" : COLOURS.ink), stroke: COLOURS.ink, defined: (d) => d.value !== null}),
    Plot.text(all.filter((d) => d.flag === "u" && d.value !== null), {x: "x", y: "value", text: () => "u", dx: 7, dy: -7, fill: COLOURS.ink, fontSize: 11}),
    Plot.text(suppressed, {x: "x", text: (d) => d.flag, frameAnchor: "bottom", dy: -4, fill: COLOURS.ink, fontWeight: 700})
  );
  // Actuals after the baseline date: shape and colour say better / within / worse than forecast.
  const judgedDots = later.filter((d) => d.value !== null);
  marks.push(Plot.text(judgedDots, {x: "x", y: "value", text: (d) => GLYPH[d.judgement] ?? "●", fill: (d) => (d.judgement === "better" ? COLOURS.better : d.judgement === "worse" ? COLOURS.worse : COLOURS.ink), fontSize: 15, stroke: "white", strokeWidth: 3, paintOrder: "stroke"}));
  for (const b of frozenRows) {
    const shown = b.judgedRows.filter((d) => d.value !== null);
    marks.push(Plot.text(shown, {x: "x", y: "value", text: (d) => GLYPH[d.judgement] ?? "●", dy: 0, fill: (d) => (d.judgement === "better" ? COLOURS.better : d.judgement === "worse" ? COLOURS.worse : COLOURS.ink), fontSize: 15, stroke: "white", strokeWidth: 3, paintOrder: "stroke"}));
  }
  if (clipLabel.length) {
    for (const anchor of ["top", "bottom"]) {
      marks.push(Plot.text(clipLabel.filter((d) => d.anchor === anchor), {x: "x", frameAnchor: anchor, text: "text", dy: anchor === "top" ? 6 : -6, textAnchor: "end", fill: COLOURS.forecast, fontSize: 11, fontWeight: 700, stroke: "white", strokeWidth: 3, paintOrder: "stroke"}));
    }
  }
  marks.push(Plot.tip(all.filter((d) => d.value !== null), Plot.pointerX({x: "x", y: "value", title: (d) => `${d.period}: ${formatValue(d.value, unit)}${d.lower95 !== null ? ` (95% interval ${formatValue(d.lower95, unit, {suffix: false})} to ${formatValue(d.upper95, unit, {suffix: false})})` : ""}${d.judgement ? `\n${d.judgement} than forecast` : ""}${d.flag === "u" ? "\nu: low reliability" : ""}`})));
  const rightLabels = fc.length || frozenRows.length || england.length || targetRows.length;
  const chart = Plot.plot({
    width, height, marginLeft: 56, marginRight: rightLabels ? 118 : 30, marginTop: 22, marginBottom: 36,
    x: {type: "utc", ticks, tickFormat, label: null},
    y: {type: "linear", label: unitLabel(unit) === "%" ? "Per cent" : unitLabel(unit) === "number" ? "Number" : unitLabel(unit), grid: true, zero: true, nice: true,
      ...(yMax !== null && yMax > dataMin ? {domain: [dataMin, yMax]} : {})},
    style: {fontSize: "12px", fontFamily: 'Arial, "Helvetica Neue", Helvetica, system-ui, sans-serif'},
    ariaLabel: `${indicator.name}: history${fc.length ? ", baseline forecast with 80% and 95% bands" : ""}${frozenRows.length ? `, ${frozenRows.length} frozen baseline(s)` : ""}${targetRows.length ? ", target" : ""}. The data table below the chart gives every value.`,
    marks
  });
  accessible(chart);
  // For tests and the curious: what the axis was fitted to, and what was clipped.
  chart.setAttribute("data-y-max", String(yMax ?? ""));
  chart.setAttribute("data-data-max", String(dataMax ?? ""));
  chart.setAttribute("data-fan-max", String(fanMax ?? ""));
  chart.drawn = drawn.map(({x: _x, ...r}) => r);
  chart.columns = [
    {key: "series", label: "Series"}, {key: "period", label: "Period"},
    {key: "value", label: "Value", format: (v, r) => (v === null ? r.flag ?? "" : formatValue(v, unit))},
    {key: "lower80", label: "80% from", format: (v) => (v == null ? "" : formatValue(v, unit, {suffix: false}))},
    {key: "upper80", label: "80% to", format: (v) => (v == null ? "" : formatValue(v, unit, {suffix: false}))},
    {key: "lower95", label: "95% from", format: (v) => (v == null ? "" : formatValue(v, unit, {suffix: false}))},
    {key: "upper95", label: "95% to", format: (v) => (v == null ? "" : formatValue(v, unit, {suffix: false}))},
    {key: "judgement", label: "Against forecast", format: (v) => v ?? ""},
    {key: "note", label: "Note", format: (v, r) => v ?? (r.flag === "u" ? "u: low reliability" : "")}
  ];
  return chart;
}

/** The numbered annotations under the chart (their text alternative). */
export function annotationRows(annotations) {
  return annotations.map((a, i) => ({n: i + 1, from: a.from, to: a.to, text: a.text, author: a.author}));
}
