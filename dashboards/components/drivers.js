// The story behind the baseline, in numbers: how much each group contributed to the change between
// two periods (the API's decomposition; contributions add up to the total change).
import * as Plot from "./vendor/plot.js";
import {COLOURS, accessible} from "./palette.js";
import {formatChange, formatValue} from "./format.js";

export function driversChart(drivers, {width = 640, labelOf = (g) => g} = {}) {
  const unit = drivers.indicator.unit;
  const polarity = drivers.indicator.polarity;
  // A contribution is "better" when it moves the indicator the good way.
  const judge = (c) => (polarity === "no-judgement" || c === 0 ? "no judgement" : (c > 0) === (polarity === "high-is-good") ? "better" : "worse");
  const rows = drivers.groups.map((g) => ({
    group: g.group === "suppressed groups" ? `Suppressed groups (${drivers.suppressedGroups ?? ""})`.replace(" ()", "") : labelOf(g.group),
    from: g.from.numerator, to: g.to.numerator, change: g.change, contribution: g.contribution,
    withinEffect: g.withinEffect, mixEffect: g.mixEffect, judgement: judge(g.contribution)
  }));
  const total = {group: "Total change", contribution: drivers.totalChange, judgement: judge(drivers.totalChange), total: true};
  const all = [...rows, total];
  const colour = (d) => (d.judgement === "better" ? COLOURS.better : d.judgement === "worse" ? COLOURS.worse : COLOURS.muted);
  const label = (d) => `${formatChange(d.contribution, unit)} ${d.judgement === "better" ? "▲" : d.judgement === "worse" ? "▼" : ""}`;
  const extent = Math.max(...all.map((d) => Math.abs(d.contribution)), 1e-9);
  const chart = Plot.plot({
    width, height: all.length * 28 + 50, marginLeft: Math.min(220, 12 + 7 * Math.max(...all.map((d) => d.group.length))), marginRight: 70, marginBottom: 34,
    x: {label: `Contribution to the change, ${drivers.from.period} to ${drivers.to.period}${unit === "percent" ? " (percentage points)" : ""}`, domain: [-extent * 1.35, extent * 1.35], grid: true},
    y: {label: null, domain: all.map((d) => d.group)},
    style: {fontSize: "12px"},
    ariaLabel: `What drove the change in ${drivers.indicator.name} from ${drivers.from.period} to ${drivers.to.period}, by ${drivers.breakdownLabel}. The data table below gives every contribution.`,
    marks: [
      Plot.barX(all, {x: "contribution", y: "group", fill: colour, fillOpacity: (d) => (d.total ? 1 : 0.85)}),
      Plot.ruleX([0], {stroke: COLOURS.ink}),
      Plot.text(all.filter((d) => d.contribution >= 0), {x: "contribution", y: "group", text: label, textAnchor: "start", dx: 4, fill: COLOURS.ink}),
      Plot.text(all.filter((d) => d.contribution < 0), {x: "contribution", y: "group", text: label, textAnchor: "end", dx: -4, fill: COLOURS.ink})
    ]
  });
  accessible(chart);
  chart.drawn = all.map(({total: _t, ...r}) => r);
  chart.columns = [
    {key: "group", label: drivers.breakdownLabel}, {key: "from", label: `Count ${drivers.from.period}`, format: (v) => (typeof v === "number" ? v.toLocaleString("en-GB") : v ?? "")},
    {key: "to", label: `Count ${drivers.to.period}`, format: (v) => (typeof v === "number" ? v.toLocaleString("en-GB") : v ?? "")},
    {key: "contribution", label: "Contribution", format: (v) => formatChange(v, unit)},
    {key: "withinEffect", label: "Within-group effect", format: (v) => (v === null || v === undefined ? "" : formatChange(v, unit))},
    {key: "mixEffect", label: "Mix effect", format: (v) => (v === null || v === undefined ? "" : formatChange(v, unit))},
    {key: "judgement", label: "Direction"}
  ];
  chart.summary = `${drivers.indicator.name} went from ${formatValue(drivers.from.value, unit)} to ${formatValue(drivers.to.value, unit)} (${formatChange(drivers.totalChange, unit)}).`;
  return chart;
}
