import type {Period} from "../oba/periods.js";
import {roundedCount} from "../oba/policy.js";
import {countInterval, meanInterval, proportionInterval} from "../stats/intervals.js";
import type {Cohort, DerivedFlag, MeasureFilter, PerformanceMeasure} from "./catalogue.js";
import type {EpisodeRow} from "./episodes.js";

/**
 * A performance measure for a set of episodes and one period: numerator, denominator, value, 95% and
 * 99.8% intervals and their method. Suppression is applied only when published (disclosure.ts), and
 * decided on the true counts. An audience whose disclosure policy rounds counts (`roundTo`,
 * api/oba/policy.ts) is given the measure computed from the rounded counts: every count is rounded
 * here, once, and the value and intervals are worked out from them, so no figure gives an unrounded
 * count back (docs/methods/disclosure.md).
 */

export interface Limits {
  lower: number | null;
  upper: number | null;
}

export interface MeasureValue {
  measure: string;
  period: Period;
  /** False when the measure cannot be computed for the period (reason says why). */
  available: boolean;
  reason?: string;
  /** Episodes counted (count), in the numerator (proportion, cost-per), or null (mean). */
  numerator: number | null;
  /** Episodes in the cohort (proportion, mean, cost-per); null for counts. */
  denominator: number | null;
  /** Total cost over the cohort (mean, cost-per). */
  totalCost: number | null;
  value: number | null;
  ci95: Limits | null;
  ci998: Limits | null;
  method: "wilson" | "exact" | "byar" | "student-t" | "cost / wilson" | null;
  /** For scored cohorts: how many episodes ended, of which how many had both scores. */
  scoring?: {ended: number; scored: number};
}

/** Is the episode in the cohort for the period? */
export function inCohort(cohort: Cohort, e: EpisodeRow, p: Period): boolean {
  const within = (d: string | null) => d !== null && d >= p.start && d <= p.end;
  switch (cohort) {
    case "referred": return within(e.referralDate);
    case "started": return within(e.startDate);
    case "open": return e.startDate !== null && e.startDate <= p.end && (e.endDate === null || e.endDate >= p.start);
    case "ended": return e.startDate !== null && within(e.endDate);
    case "scored": return e.startDate !== null && within(e.endDate) && e.outcomePre !== null && e.outcomePost !== null;
    case "followed-up": return e.startDate !== null && within(e.endDate) && e.endReason !== "moved_away" && e.followUpComplete;
  }
}

/** Could the episode be in any cohort of the period? (A cheap pre-filter before the cohorts.) */
export function relevantTo(e: EpisodeRow, p: Period): boolean {
  if (e.referralDate >= p.start && e.referralDate <= p.end) return true;
  return e.startDate !== null && e.startDate <= p.end && (e.endDate === null || e.endDate >= p.start);
}

function fieldValue(e: EpisodeRow, f: MeasureFilter): string | number | boolean | null {
  if (f.field === "end_reason") return e.endReason;
  if (f.field === "level_of_need") return e.levelOfNeed;
  const d = f.derived as DerivedFlag;
  if (d === "started_within_10_working_days") return e.workingDaysToStart === null ? null : e.workingDaysToStart <= 10;
  if (d === "reliable_improvement") return e.reliableImprovement;
  if (d === "referred_within_12_months") return e.referredWithin12Months;
  return null;
}

/** A filter never matches an unknown value: an unrecorded end reason is not "not completed". */
export function matchesFilter(e: EpisodeRow, f: MeasureFilter): boolean {
  const v = fieldValue(e, f);
  if (v === null) return false;
  switch (f.op) {
    case "eq": return v === f.value;
    case "ne": return v !== f.value;
    case "in": return (f.value as (string | number)[]).includes(v as string | number);
    case "not-in": return !(f.value as (string | number)[]).includes(v as string | number);
  }
}

export const inNumerator = (m: PerformanceMeasure, e: EpisodeRow) => m.numerator.every((f) => matchesFilter(e, f));

const levels = (f: (level: number) => Limits | null) => ({ci95: f(0.95), ci998: f(0.998)});

/** Why a followed-up cohort cannot be measured yet (its counts as shown), or null when its follow-up is complete. */
function followUpGap(episodes: readonly EpisodeRow[], p: Period, shown: (n: number) => number): string | null {
  const ending = episodes.filter((e) => e.startDate !== null && e.endDate !== null && e.endDate >= p.start && e.endDate <= p.end && e.endReason !== "moved_away");
  const incomplete = ending.filter((e) => !e.followUpComplete).length;
  if (!incomplete) return null;
  return `follow-up incomplete: ${shown(incomplete)} of ${shown(ending.length)} episode(s) ending in ${p.label} have less than 12 months of loaded referrals after them`;
}

/**
 * The measure over `episodes` (already narrowed to a provider or programme) for one period, from
 * its counts rounded to `roundTo` when the audience's policy rounds (null: the true counts).
 *
 * Money follows the counts shown: a total cost is about a count times a unit cost, and programmes'
 * unit costs are published (providers.json), so the true total beside a rounded count would give the
 * count back (total ÷ unit cost). For a rounding audience the total shown is the cohort's mean cost
 * times its rounded count, to the whole pound (pence would tell which count it was scaled from); a
 * mean cost is that total over the rounded count, with the Student-t interval (computed from each
 * episode's cost) moved to it keeping its relative width; a cost per success is that total over the
 * rounded successes, its interval from the Wilson limits on the rounded counts. Withheld counts hide
 * the money built on them where the value is published (disclosure.ts, value.ts).
 */
export function computeMeasure(m: PerformanceMeasure, episodes: readonly EpisodeRow[], p: Period, roundTo: number | null = null): MeasureValue {
  const shown = (k: number) => roundedCount(k, roundTo);
  const base = {measure: m.id, period: p};
  const none = (reason: string): MeasureValue => ({...base, available: false, reason, numerator: null, denominator: null, totalCost: null, value: null, ci95: null, ci998: null, method: null});
  if (m.dataDevelopment) return none(`not collected yet: ${m.dataDevelopment}`);
  if (m.cohort === "followed-up") {
    const gap = followUpGap(episodes, p, shown);
    if (gap) return none(gap);
  }
  const cohort = episodes.filter((e) => inCohort(m.cohort, e, p));
  const hits = cohort.filter((e) => inNumerator(m, e));
  const x = shown(hits.length);
  const n = shown(cohort.length);
  const scoring = m.cohort === "scored" ? {scoring: {ended: shown(episodes.filter((e) => inCohort("ended", e, p)).length), scored: n}} : {};
  const costShown = (total: number) => (roundTo && cohort.length ? Math.round((total * n) / cohort.length) : total);
  switch (m.statistic) {
    case "count": {
      const ci = levels((level) => {
        const c = countInterval(x, {level});
        return {lower: c.lower, upper: c.upper};
      });
      return {...base, available: true, numerator: x, denominator: null, totalCost: null, value: x, ...ci, method: x < 10 ? "exact" : "byar", ...scoring};
    }
    case "proportion": {
      if (n === 0) return {...none("no episodes in the denominator"), numerator: 0, denominator: 0, ...scoring};
      const ci = levels((level) => {
        const w = proportionInterval(x, n, {level, multiplier: 100});
        return {lower: w.lower, upper: w.upper};
      });
      return {...base, available: true, numerator: x, denominator: n, totalCost: null, value: (x / n) * 100, ...ci, method: "wilson", ...scoring};
    }
    case "mean": {
      const costs = cohort.map((e) => e.unitCost);
      const trueTotal = costs.reduce((s, c) => s + c, 0);
      if (n === 0) return {...none("no episodes ended in the period"), denominator: 0, totalCost: 0};
      const total = costShown(trueTotal);
      const value = total / n;
      if (cohort.length === 1) return {...base, available: true, numerator: null, denominator: n, totalCost: total, value, ci95: null, ci998: null, method: null};
      // The interval of the true mean, moved to the mean shown (same relative width).
      const trueMean = trueTotal / cohort.length;
      const scale = value === trueMean || trueMean === 0 ? null : value / trueMean;
      const ci = levels((level) => {
        const t = meanInterval(costs, {level});
        return scale === null ? {lower: t.lower, upper: t.upper} : {lower: t.lower === null ? null : t.lower * scale, upper: t.upper === null ? null : t.upper * scale};
      });
      return {...base, available: true, numerator: null, denominator: n, totalCost: total, value, ...ci, method: "student-t"};
    }
    case "cost-per": {
      const total = costShown(cohort.reduce((s, e) => s + e.unitCost, 0));
      if (n === 0) return {...none("no episodes ended in the period"), numerator: 0, denominator: 0, totalCost: 0};
      if (x === 0) return {...none("none of the episodes counts in the numerator, so the cost per one is not defined"), numerator: 0, denominator: n, totalCost: total};
      const ci = levels((level) => costPerInterval(total, x, n, level));
      return {...base, available: true, numerator: x, denominator: n, totalCost: total, value: total / x, ...ci, method: "cost / wilson"};
    }
  }
}

/**
 * Cost per success with an interval: total cost C over x successes of n, the interval being C
 * divided by the Wilson limits on the number of successes (n × the Wilson interval of x/n). The
 * upper cost limit comes from the lower count limit.
 */
export function costPerInterval(total: number, x: number, n: number, level: number): Limits {
  const w = proportionInterval(x, n, {level});
  const lowCount = (w.lower as number) * n;
  const highCount = (w.upper as number) * n;
  return {lower: total / highCount, upper: lowCount > 0 ? total / lowCount : null};
}

/** Case-mix strata: age group at referral × level of need at referral. */
export const stratumOf = (e: EpisodeRow) => `${e.ageGroup}|L${e.levelOfNeed}`;

export interface StratumCount {
  stratum: string;
  ageGroup: string;
  levelOfNeed: number;
  numerator: number;
  denominator: number;
}

/** Numerator and cohort size per stratum (for indirect standardisation). */
export function strataCounts(m: PerformanceMeasure, episodes: readonly EpisodeRow[], p: Period, roundTo: number | null = null): StratumCount[] {
  const out = new Map<string, StratumCount>();
  for (const e of episodes) {
    if (!inCohort(m.cohort, e, p)) continue;
    const k = stratumOf(e);
    const s = out.get(k) ?? {stratum: k, ageGroup: e.ageGroup, levelOfNeed: e.levelOfNeed, numerator: 0, denominator: 0};
    s.denominator++;
    if (inNumerator(m, e)) s.numerator++;
    out.set(k, s);
  }
  return [...out.values()].sort((a, b) => a.stratum.localeCompare(b.stratum))
    .map((s) => (roundTo ? {...s, numerator: roundedCount(s.numerator, roundTo), denominator: roundedCount(s.denominator, roundTo)} : s));
}

/**
 * A percentage pooled over two periods: the two periods' numerators and denominators added (an
 * episode counts in the period its own cohort puts it in), with Wilson intervals on the sums. Not
 * available when either period is not. A rounding audience is shown the sums rounded (each its own
 * count, as a total is in ONS tables) and the value and intervals from them.
 */
export function pooledMeasure(m: PerformanceMeasure, episodes: readonly EpisodeRow[], periods: readonly [Period, Period], label: Period, roundTo: number | null = null): MeasureValue {
  const [a, b] = periods.map((p) => computeMeasure(m, episodes.filter((e) => relevantTo(e, p)), p));
  const base = {measure: m.id, period: label};
  if (m.statistic !== "proportion") throw new Error(`pooledMeasure: ${m.id} is not a percentage`);
  if (!a.available || !b.available || a.numerator === null || b.numerator === null) {
    return {...base, available: false, reason: (!a.available ? a.reason : b.reason) ?? "not available", numerator: null, denominator: null, totalCost: null, value: null, ci95: null, ci998: null, method: null};
  }
  const x = roundedCount(a.numerator + b.numerator, roundTo);
  const n = roundedCount((a.denominator ?? 0) + (b.denominator ?? 0), roundTo);
  const ci = levels((level) => {
    const w = proportionInterval(x, n, {level, multiplier: 100});
    return {lower: w.lower, upper: w.upper};
  });
  return {...base, available: true, numerator: x, denominator: n, totalCost: null, value: n ? (x / n) * 100 : null, ...(n ? ci : {ci95: null, ci998: null}), method: n ? "wilson" : null};
}
