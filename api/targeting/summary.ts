import {DomainError} from "../oba/errors.js";
import type {Reader} from "../oba/query.js";
import {parsePeriod, type Period} from "../oba/periods.js";
import {publishedCount, shownCountsOf, shownWards, type ShownCounts, type WardRateDisclosure} from "./disclosure.js";
import {compareTargetWards, gapTrend, type GroupYear} from "./gap.js";
import {describeMeasure, measuresOr404, type TargetingMeasure} from "./measures.js";
import {financialYears, targetLa, wardGeography, wardPanel, type PanelPeriod, type WardGeography} from "./panel.js";
import {pct, publishEstimate, publishExcess, publishRatio, round} from "./publish.js";
import {geographyView, maskFor, protect, vintageNotes, type Audience} from "./service.js";
import type {AreaRow} from "./ward-table.js";

/**
 * GET /api/target-wards/summary: the target wards together against the rest of the borough on every
 * indicator published by ward, for one year and as a gap over the years since `since`.
 */

/** The target wards and the rest of the borough for a year, each total as the audience is shown it. */
function groupYear(geo: WardGeography, pp: PanelPeriod, shown: ShownCounts | null): GroupYear {
  const sum = (target: boolean) => {
    const ws = geo.wards.filter((w) => w.target === target).map((w) => pp.wards.get(w.id)!);
    const numerator = ws.reduce((s, w) => s + w.numerator, 0);
    const denominator = ws.reduce((s, w) => s + w.denominator, 0);
    return {numerator: shown ? shown.numerator(numerator) : numerator, denominator: shown ? shown.denominator(denominator) : denominator, children: ws.reduce((s, w) => s + w.children, 0)};
  };
  return {period: pp.period, target: sum(true), rest: sum(false), unknown: shownWards(pp, shown).unknown};
}

export async function summaryView(db: Reader, q: {period?: string; since: string; indicators?: string[]}, mode: Audience = "suppressed") {
  const since = parsePeriod("financial-year", q.since, "since");
  const laCode = await targetLa(db);
  const all = q.indicators?.length ? measuresOr404(q.indicators, db.reference) : db.reference.targetingMeasures;
  const measures = all.filter((m) => m.indicator.laCode === laCode);
  const otherLa = all.filter((m) => m.indicator.laCode !== laCode);
  if (!measures.length) throw new DomainError("not-found", "no-target-wards", `no target-ward set is configured for LA ${all[0].indicator.laCode}`, {field: "indicators"});
  const geo = await wardGeography(db, laCode);
  const spans = await Promise.all(measures.map((m) => financialYears(db, m)));
  const asked = q.period !== undefined ? parsePeriod("financial-year", q.period, "period") : null;
  const allYears = [...new Map(spans.flatMap((s) => s.years).map((y) => [y.label, y])).values()].sort((a, b) => a.end.localeCompare(b.end));
  if (!allYears.length) throw new DomainError("cannot-compute", "period-not-available", "no extract covering these indicators has been loaded", {field: "period"});
  const year = asked ?? allYears[allYears.length - 1];
  if (asked && !allYears.some((y) => y.label === asked.label)) {
    throw new DomainError("cannot-compute", "period-not-available", `no indicator has data for ${asked.label}; loaded years: ${allYears[0].label} to ${allYears[allYears.length - 1].label}`, {field: "period"});
  }
  const results = await Promise.all(measures.map(async (m, i) => {
    const years = spans[i].years.filter((y) => y.end <= year.end);
    if (!years.some((y) => y.label === year.label)) {
      return {indicator: describeMeasure(m), available: false as const, reason: `${m.indicator.id} has no data for ${year.label} (loaded: ${spans[i].years.length ? `${spans[i].years[0].label} to ${spans[i].years[spans[i].years.length - 1].label}` : "none"})`};
    }
    const panel = await wardPanel(db, m, geo, years);
    const yearsData = await Promise.all(panel.periods.map(async (pp) => {
      const mask = await maskFor(db, m, geo, pp.period, mode);
      return {pp, g: groupYear(geo, pp, shownCountsOf(mask, m.scale === "percent")), d: protect(db, m, geo, pp, mask)};
    }));
    const current = yearsData.find((y) => y.pp.period.label === year.label)!;
    return {indicator: describeMeasure(m), available: true as const, ...summaryEntry(m, current.g, current.d, geo), gap: publishGap(db, m, yearsData.map((y) => y.g), yearsData.map((y) => y.d), since), notes: panel.notes};
  }));
  const borough = db.reference.catalogue.indicators.filter((i) => !i.geographies.includes("ward"));
  return {
    period: {label: year.label, start: year.start, end: year.end},
    since: since.label,
    ...geographyView(geo),
    method: {
      rateRatio: "target wards' O/E with E = target-ward denominator × the rest of the borough's rate; exact/Byar limits on O divided by E",
      shareOfCases: "target wards' cases ÷ cases in all wards, with a Wilson 95% interval; shareOfChildren is their share of children aged 0-17",
      excess: "target wards' cases minus the cases they would have at the rest of the borough's rate (how many fewer there would be), with the exact/Byar 95% limits of the observed count",
      gap: "the gap is the rate ratio; its status compares the pooled ratio before and from `since` (95% interval of the ratio of ratios): no significant change when that interval contains 1, reversed when the ratio has crossed 1, otherwise closing or widening as the distance from parity (|ln ratio|) shrinks or grows; its judgement is better or worse by the indicator's polarity. The Fingertips recent trend and a turn-the-curve verdict on the ratio (forecast from the years before `since`) are given beside it"
    },
    indicators: results,
    closing: results.filter((r) => r.available && r.gap.status === "closing").map((r) => r.indicator.id),
    widening: results.filter((r) => r.available && r.gap.status === "widening").map((r) => r.indicator.id),
    reversed: results.filter((r) => r.available && r.gap.status === "reversed").map((r) => r.indicator.id),
    notByWard: borough.map((i) => ({id: i.id, reason: "published for the borough only"})),
    otherAuthorities: otherLa.map((m) => ({id: m.indicator.id, reason: `for LA ${m.indicator.laCode}, which has no target-ward set`})),
    notes: vintageNotes(geo, allYears.filter((y) => y.end <= year.end))
  };
}

function summaryEntry(m: TargetingMeasure, g: GroupYear, d: WardRateDisclosure, geo: WardGeography) {
  const cmp = compareTargetWards(m.scale, g);
  const hideT = d.rateHidden("total:target");
  const hideR = d.rateHidden("total:rest");
  const hideB = d.rateHidden("total:borough");
  const area = (cell: "total:target" | "total:rest" | "total:borough", a: AreaRow, hidden: boolean) => ({
    count: publishedCount(d.numerators, cell),
    denominator: m.scale === "percent" ? publishedCount(d.denominators!, cell) : a.denominator,
    children: a.children,
    rate: publishEstimate(a.rate, hidden, a.numerator)
  });
  const either = hideT || hideR;
  const name = m.indicator.name.replace(/ per 10,000 children$/, "").toLowerCase();
  const n = geo.targetSet.wards.length;
  let statement: string | null = null;
  if (!either && cmp.shareOfCases && cmp.shareOfChildren !== null && cmp.rateRatio) {
    const s = cmp.shareOfCases;
    const rr = cmp.rateRatio;
    statement = `${pct(s.value)} (95% CI ${pct(s.ci95.lower as number)} to ${pct(s.ci95.upper as number)}) of ${name} in ${g.period.label} ${m.indicator.numerator.kind === "snapshot" ? "at the year end were" : "came"} from the ${n} target wards, which have ${pct(cmp.shareOfChildren)} of the borough's children` +
      (m.scale === "percent" && cmp.shareOfDenominator !== null ? ` and ${pct(cmp.shareOfDenominator)} of the denominator` : "") +
      `: ${m.scale === "percent" ? "a percentage" : "a rate"} ${round(rr.value)} times the rest of the borough's (95% CI ${rr.ci95.lower === null ? "–" : round(rr.ci95.lower)} to ${rr.ci95.upper === null ? "–" : round(rr.ci95.upper)}).`;
  }
  let excessStatement: string | null = null;
  if (!either && cmp.excess) {
    const e = cmp.excess;
    excessStatement = e.value >= 0
      ? `At the rest of the borough's ${m.scale === "percent" ? "percentage" : "rate"}, the target wards would have had ${Math.round(e.value)} fewer (95% CI ${e.lower95 === null ? "–" : Math.round(e.lower95)} to ${e.upper95 === null ? "–" : Math.round(e.upper95)}) in ${g.period.label}.`
      : `At the rest of the borough's ${m.scale === "percent" ? "percentage" : "rate"}, the target wards would have had ${Math.round(-e.value)} more in ${g.period.label}.`;
  }
  return {
    period: g.period.label,
    targetWards: area("total:target", cmp.target, hideT),
    rest: area("total:rest", cmp.rest, hideR),
    borough: area("total:borough", cmp.borough, hideB),
    rateRatio: publishRatio(cmp.rateRatio, either, hideR),
    ratioToBorough: publishRatio(cmp.ratioToBorough, hideT || hideB, hideB),
    shareOfCases: either || !cmp.shareOfCases ? {value: either ? "c" : "z", lower95: either ? "c" : "z", upper95: either ? "c" : "z"}
      : {value: cmp.shareOfCases.value, lower95: cmp.shareOfCases.ci95.lower, upper95: cmp.shareOfCases.ci95.upper},
    shareOfChildren: cmp.shareOfChildren,
    shareOfDenominator: cmp.shareOfDenominator,
    excess: {...publishExcess(cmp.excess, either), comparator: "rest of the borough", statement: excessStatement},
    statement
  };
}

function publishGap(db: Reader, m: TargetingMeasure, years: GroupYear[], ds: WardRateDisclosure[], since: Period) {
  const g = gapTrend(m.scale, years, since, {polarity: m.indicator.polarity, computeOnce: db.computeOnce.bind(db)});
  const hiddenIn = new Set(years.filter((_, i) => ds[i].rateHidden("total:target") || ds[i].rateHidden("total:rest")).map((y) => y.period.label));
  return {
    ...g,
    points: g.points.map((p) => hiddenIn.has(p.period)
      ? {period: p.period, value: "c", lower95: "c", upper95: "c", targetRate: "c", restRate: "c", difference: "c"}
      : p)
  };
}
