import {DomainError} from "../oba/errors.js";
import {fyLabel, periodsAfter, type Period} from "../oba/periods.js";
import {smallCounts} from "../oba/policy.js";
import {forecast, ForecastError} from "../stats/forecast/index.js";
import {xmr} from "../stats/spc.js";
import {recentTrend} from "../stats/trend.js";
import {QUADRANTS, describeMeasure, type PerformanceMeasure} from "./catalogue.js";
import {canSee, isHidden, namedProviders, planDisclosure, planPooledDisclosure, publishValue, type Access, type DisclosurePlan, type PublishedValue, type Unit} from "./disclosure.js";
import {historyPeriods, resolvePeriod, type Coverage, type EpisodeRow, type PeriodKind, type ResolvedPeriod} from "./episodes.js";
import {computeMeasure, pooledMeasure, relevantTo, type MeasureValue} from "./measures.js";

/**
 * An OBA report card for one provider or one programme: every performance measure of the
 * catalogue in its quadrant, for the period asked, with its baseline — the history of the same
 * measure by period, the Fingertips recent trend, an XmR chart (Making Data Count) and, with five
 * points or more, a forecast of where the measure is headed if nothing changes.
 */

const improvementOf = (m: PerformanceMeasure) => (m.polarity === "high-is-good" ? "increase" : m.polarity === "low-is-good" ? "decrease" : "neutral") as "increase" | "decrease" | "neutral";

/** The baseline of one measure from its history (as computed for the audience: from rounded counts when its policy rounds). */
export function measureBaseline(m: PerformanceMeasure, type: PeriodKind, history: MeasureValue[]) {
  const usable = history.filter((v) => v.value !== null);
  const valueType = m.unit === "percent" ? ({valueType: "proportion"} as const) : {};
  const trend = recentTrend(usable.map((v) => ({value: v.value, lower: v.ci95?.lower ?? null, upper: v.ci95?.upper ?? null})), {polarity: m.polarity, ...valueType});
  const trendNote = m.unit === "percent" ? null : m.unit === "count" ? "Fingertips does not test counts; this uses their Poisson intervals" : "Fingertips does not test costs; this uses their Student-t intervals";
  let spc = null;
  if (usable.length >= 2) {
    const r = xmr(usable.map((v) => v.value as number), {improvement: improvementOf(m)});
    const g = r.groups[0];
    spc = {
      variationIcon: r.variationIcon, trial: r.trial, message: r.message, mean: g.mean, lpl: g.lpl, upl: g.upl,
      points: r.points.map((p, i) => ({period: usable[i].period.label, pointType: p.pointType, rule: p.rule}))
    };
  }
  const h = type === "quarter" ? 4 : 3;
  let fc: unknown;
  if (usable.length < 5) {
    fc = {available: false, reason: `${usable.length} period(s) with a value; a statistical forecast needs at least 5`};
  } else {
    const scale = m.unit === "percent" ? 100 : 1;
    try {
      const r = forecast(usable.map((v) => (v.value as number) / scale), {frequency: type === "quarter" ? 4 : 1, h, kind: m.unit === "percent" ? "proportion" : "count"});
      const next = periodsAfter(type, usable[usable.length - 1].period, h);
      fc = {
        available: true, method: r.method, reason: r.reason, warnings: r.warnings,
        points: next.map((p, i) => ({period: p.label, mean: r.mean[i] * scale, lower80: r.lower80[i] * scale, upper80: r.upper80[i] * scale, lower95: r.lower95[i] * scale, upper95: r.upper95[i] * scale}))
      };
    } catch (e) {
      if (!(e instanceof ForecastError)) throw e;
      fc = {available: false, reason: e.message};
    }
  }
  return {trend: trendNote ? {...trend, note: trendNote} : trend, spc, forecast: fc};
}

const WITHHELD = "withheld: it is computed from a count that disclosure control hides (c), and would give that count back";
const WITHHELD_BASELINE = {
  trend: {marker: "cannot-be-calculated" as const, slope: null, chi2: null, significant: false, pointsUsed: 0, reason: `the recent trend is ${WITHHELD}`},
  spc: null,
  forecast: {available: false, reason: `the forecast is ${WITHHELD}`}
};

export interface ReportCardInput {
  unit: Unit;
  units: readonly Unit[];
  measures: readonly PerformanceMeasure[];
  episodes: readonly EpisodeRow[];
  period: ResolvedPeriod;
  coverage: Coverage | null;
  access: Access;
  /** The disclosure plan of a period (default: made here; the routes pass a per-version cache). */
  planFor?: (p: Period, primaryMax: number) => DisclosurePlan;
}

/** The report card, published for the access (403 when the access may not see the unit). */
export function reportCard(input: ReportCardInput) {
  const {unit, units, measures, episodes, period, coverage, access} = input;
  const see = canSee(access, unit);
  if (!see.see) throw new DomainError("forbidden", "forbidden", see.reason ?? "not allowed to see this provider's figures");
  const periods = historyPeriods(period.type, coverage, period);
  const plans = new Map<string, DisclosurePlan>();
  const planFor = (p: Period) => {
    let plan = plans.get(p.label);
    if (!plan) plans.set(p.label, (plan = input.planFor ? input.planFor(p, access.primaryMax) : planDisclosure(measures, units, episodes, p, access.primaryMax)));
    return plan;
  };
  const mine = episodes.filter(unit.includes);
  const pooledUnprotected: string[] = [];
  /**
   * A year too small to show, for a measure that allows it: the year pooled with the one before
   * (counts added), under a plan made with both years' plans so it gives neither back.
   */
  const pooledWhenSmall = (m: PerformanceMeasure, latest: PublishedValue | undefined, full: boolean): (PublishedValue & {years: string[]}) | null => {
    if (!m.poolTwoYearsWhenSmall || full || period.type !== "financial-year" || latest?.flag !== "c") return null;
    const before = resolvePeriod(fyLabel(+period.label.slice(0, 4) - 1));
    if (coverage && before.start < coverage.from) return null;
    const pair = [before, period] as const;
    const label = {label: `${before.label} and ${period.label}`, start: before.start, end: period.end};
    const plan = planPooledDisclosure(measures, units, episodes, pair, [planFor(before), planFor(period)], label, access.primaryMax);
    pooledUnprotected.push(...plan.unprotected);
    return {years: [before.label, period.label], ...publishValue(m, pooledMeasure(m, mine, pair, label, access.roundTo), isHidden(plan, unit.id, m))};
  };
  const rows = measures.map((m) => {
    const history = periods.map((p) => computeMeasure(m, mine.filter((e) => relevantTo(e, p)), p, access.roundTo));
    const published: PublishedValue[] = history.map((v) => publishValue(m, v, see.full || m.dataDevelopment ? null : isHidden(planFor(v.period), unit.id, m)));
    const n = published.length;
    return {
      ...describeMeasure(m),
      latest: published[n - 1] ?? null,
      pooledTwoYears: pooledWhenSmall(m, published[n - 1], see.full),
      previous: n > 1 ? published[n - 2] : null,
      baseline: m.dataDevelopment ? null
        // The trend, SPC and forecast are fitted to every history value: with one hidden they would give it back.
        : published.some((p) => p.flag === "c") ? {history: published, ...WITHHELD_BASELINE}
        : {history: published, ...measureBaseline(m, period.type, history)}
    };
  });
  const unprotected = [...[...plans.values()].flatMap((p) => p.unprotected), ...pooledUnprotected];
  const notes: string[] = [];
  if (coverage && periods.length && periods[0].start === coverage.from) {
    notes.push(`Episodes referred before ${coverage.from} are not loaded: in the first period(s) the measures by start or end date count only episodes referred since then.`);
  }
  if (unprotected.length) notes.push(`Secondary suppression could not protect every small count (${unprotected.length} group(s) had no other count to hide); tell the Performance Hub before publishing this card.`);
  return {
    scope: {kind: unit.kind, id: unit.key, name: unit.name, providers: namedProviders(access, unit.providers), providerCount: unit.providers.length},
    period: {type: period.type, label: period.label, start: period.start, end: period.end},
    access: access.label,
    shown: (see.full ? "in full" : `with small numbers suppressed (counts ${smallCounts(access)} and any count they could be recovered from are shown as c)`)
      + (access.roundTo ? `; counts rounded to the nearest ${access.roundTo}, and every figure computed from the rounded counts` : ""),
    quadrants: QUADRANTS.map((q) => ({id: q.id, question: q.question, measures: measures.filter((m) => m.quadrant === q.id).map((m) => m.id)})),
    measures: rows,
    notes
  };
}
