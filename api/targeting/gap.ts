import {judgeAgainstBaseline, type Verdict} from "../oba/baseline.js";
import type {Period} from "../oba/periods.js";
import {computeNow, type ComputeOnce} from "../oba/query.js";
import {forecast, ForecastError} from "../stats/forecast/index.js";
import {proportionInterval, recentTrend, type Interval, type RecentTrend} from "../stats/index.js";
import {estimate, excessCases, ratio, type AreaRow, type Excess, type Ratio, type Scale} from "./ward-table.js";

/**
 * The five target wards together against the rest of the borough (METHODS §6, "same for target
 * wards together vs the rest"), for one year and as a gap over the years.
 */

const Z95 = 1.959963984540054;

export interface Counts {
  numerator: number;
  denominator: number;
  children: number;
}

export interface GroupYear {
  period: Period;
  target: Counts;
  rest: Counts;
  /** Records with no known ward (borough only). */
  unknown: {numerator: number; denominator: number};
}

export interface TargetComparison {
  period: Period;
  target: AreaRow;
  rest: AreaRow;
  borough: AreaRow;
  /** Target wards' O/E with E at the rest of the borough's rate: the rate ratio. */
  rateRatio: Ratio | null;
  /** Target wards' O/E with E at the borough rate. */
  ratioToBorough: Ratio | null;
  /** Share of the borough's cases (with a known ward) in the target wards, with its Wilson interval. */
  shareOfCases: {value: number; ci95: Interval} | null;
  /** Share of the borough's children aged 0-17 living in the target wards. */
  shareOfChildren: number | null;
  /** Percentages: share of the indicator's own denominator in the target wards. */
  shareOfDenominator: number | null;
  /** Cases above (or below) what the target wards would have at the rest of the borough's rate. */
  excess: Excess | null;
}

const row = (scale: Scale, c: Counts): AreaRow => ({...c, rate: estimate(scale, c.numerator, c.denominator)});

export function compareTargetWards(scale: Scale, y: GroupYear): TargetComparison {
  const {target: t, rest: r} = y;
  const borough: Counts = {
    numerator: t.numerator + r.numerator + y.unknown.numerator,
    denominator: t.denominator + r.denominator + y.unknown.denominator,
    children: t.children + r.children
  };
  const restRate = r.denominator > 0 ? r.numerator / r.denominator : null;
  const rateRatio = restRate === null ? null : ratio(t.numerator, t.denominator, restRate);
  const cases = t.numerator + r.numerator;
  return {
    period: y.period,
    target: row(scale, t), rest: row(scale, r), borough: row(scale, borough),
    rateRatio,
    ratioToBorough: borough.denominator > 0 ? ratio(t.numerator, t.denominator, borough.numerator / borough.denominator) : null,
    shareOfCases: cases > 0 ? (() => {
      const ci95 = proportionInterval(t.numerator, cases, {level: 0.95});
      return {value: ci95.value, ci95};
    })() : null,
    shareOfChildren: t.children + r.children > 0 ? t.children / (t.children + r.children) : null,
    shareOfDenominator: scale === "percent" && t.denominator + r.denominator > 0 ? t.denominator / (t.denominator + r.denominator) : null,
    excess: rateRatio ? excessCases(t.numerator, rateRatio.expected) : null
  };
}

// ---------------------------------------------------------------- the gap over time

export interface GapPoint {
  period: string;
  /** Target wards' rate ratio to the rest of the borough. */
  value: number;
  lower95: number | null;
  upper95: number | null;
  targetRate: number | null;
  restRate: number | null;
  /** Target rate minus rest rate (per 10,000 or percentage points). */
  difference: number | null;
}

export type GapStatus = "closing" | "widening" | "reversed" | "no significant change" | "no clear gap before" | "cannot be assessed";

/** Which way is good for the indicator itself (catalogue polarity), so the gap's movement can be judged. */
export type GapPolarity = "low-is-good" | "high-is-good" | "no-judgement";

export interface PooledGap {
  from: string;
  to: string;
  years: number;
  rateRatio: number;
  lower95: number;
  upper95: number;
}

export interface GapTrend {
  /** The gap is the target wards' rate ratio to the rest of the borough; parity is 1. */
  measure: string;
  since: string;
  points: GapPoint[];
  /** Pooled years before `since` against pooled years from it: did the ratio move towards 1? */
  beforeAfter: {
    before: PooledGap;
    after: PooledGap;
    /** after ÷ before, with a 95% interval on the log scale (Poisson variance of the four pooled counts). */
    change: {value: number; lower95: number; upper95: number};
  } | null;
  /** Fingertips recent trend of the ratio (last 5 points) and what it means for the gap. */
  fingertips: RecentTrend & {reading: "closing" | "widening" | "no change" | "cannot be calculated"};
  /** Turn the curve on the gap itself: the ratio's baseline forecast from the years before `since`, and the years since judged against its 80% band. */
  turnTheCurve: {
    baseline: {method: string; reason: string; warnings: string[]; points: {period: string; mean: number; lower80: number; upper80: number; lower95: number; upper95: number}[]} | null;
    verdict: Verdict | null;
    reason: string;
  };
  /** What each test said, in words. */
  tests: {beforeAfter: "towards parity" | "away from parity" | "no clear change" | "not assessed"; fingertips: string; turnTheCurve: string};
  /** Decided by the before/after interval alone: a change whose interval contains 1 is no significant change. */
  status: GapStatus;
  closing: boolean;
  /** Which way the target wards' ratio moved (the arrow), when the change is significant. */
  direction: "up" | "down" | null;
  /** Whether that movement is good for the target wards by the indicator's polarity (the colour and word), when significant. */
  judgement: "better" | "worse" | "no judgement" | null;
  /** The verdict in a sentence a newcomer can read. */
  headline: string;
  reason: string;
}

const fmt = (v: number, d = 2) => v.toFixed(d);

function pool(years: readonly GroupYear[]): {t: number; nt: number; r: number; nr: number} {
  const s = {t: 0, nt: 0, r: 0, nr: 0};
  for (const y of years) {
    s.t += y.target.numerator;
    s.nt += y.target.denominator;
    s.r += y.rest.numerator;
    s.nr += y.rest.denominator;
  }
  return s;
}

function pooled(years: readonly GroupYear[], s: {t: number; nt: number; r: number; nr: number}): PooledGap | null {
  if (!(s.t > 0 && s.r > 0 && s.nt > 0 && s.nr > 0)) return null;
  const rr = (s.t / s.nt) / (s.r / s.nr);
  const se = Math.sqrt(1 / s.t + 1 / s.r);
  return {from: years[0].period.label, to: years[years.length - 1].period.label, years: years.length, rateRatio: rr, lower95: rr * Math.exp(-Z95 * se), upper95: rr * Math.exp(Z95 * se)};
}

/**
 * The gap between the target wards and the rest of the borough over the years, and whether it is
 * closing since `since` (the year the strategy started). Three readings, reported together:
 *
 * 1. before/after: the pooled rate ratio of the years from `since` over that of the years before
 *    (a ratio of rate ratios, log-scale interval from the four pooled counts);
 * 2. the Fingertips recent-trend test on the yearly ratios (last five points, 99.8%);
 * 3. turn the curve on the gap: a baseline forecast of ln(ratio) fitted to the years before `since`,
 *    the years since judged against its 80% band (better = nearer parity).
 *
 * Status, from the before/after comparison (the other two are reported beside it, never override it,
 * so a verdict cannot rest on the one test of three that happened to agree): "no clear gap before"
 * when the pooled ratio before `since` has a 95% interval including 1 (nothing to close); "no
 * significant change" when the ratio of ratios' 95% interval contains 1; otherwise "reversed" when
 * the ratio has crossed 1 and the target wards are now clearly on the other side of the rest (their
 * pooled interval excludes 1), "closing" when the distance from parity, |ln ratio|, is smaller, and
 * "widening" when it is larger.
 *
 * Direction (the arrow) is which way the ratio moved; judgement (colour and word) is whether that is
 * good for the target wards by the indicator's polarity: a widening gap in early-help assessments,
 * where more is better and the target wards pull ahead, is better, not worse.
 */
export function gapTrend(scale: Scale, years: readonly GroupYear[], since: Period, options: {polarity?: GapPolarity; computeOnce?: ComputeOnce} = {}): GapTrend {
  const polarity = options.polarity ?? "no-judgement";
  const comparisons = years.map((y) => compareTargetWards(scale, y));
  const points: GapPoint[] = comparisons.filter((c) => c.rateRatio !== null).map((c) => ({
    period: c.period.label,
    value: c.rateRatio!.value, lower95: c.rateRatio!.ci95.lower, upper95: c.rateRatio!.ci95.upper,
    targetRate: c.target.rate.value, restRate: c.rest.rate.value,
    difference: c.target.rate.value !== null && c.rest.rate.value !== null ? c.target.rate.value - c.rest.rate.value : null
  }));
  const before = years.filter((y) => y.period.end < since.start);
  const after = years.filter((y) => y.period.start >= since.start);
  const pb = before.length ? pooled(before, pool(before)) : null;
  const pa = after.length ? pooled(after, pool(after)) : null;

  let beforeAfter: GapTrend["beforeAfter"] = null;
  if (pb && pa) {
    const sb = pool(before);
    const sa = pool(after);
    const se = Math.sqrt(1 / sb.t + 1 / sb.r + 1 / sa.t + 1 / sa.r);
    const change = pa.rateRatio / pb.rateRatio;
    beforeAfter = {before: pb, after: pa, change: {value: change, lower95: change * Math.exp(-Z95 * se), upper95: change * Math.exp(Z95 * se)}};
  }

  // Which way is "towards parity": down when the target wards were above the rest before.
  const side = pb ? Math.sign(Math.log(pb.rateRatio)) : points.length ? Math.sign(Math.log(points[0].value)) : 0;
  const gapPolarity = side > 0 ? "low-is-good" : side < 0 ? "high-is-good" : "no-judgement";

  const trend = recentTrend(points.map((p) => ({value: p.value, lower: p.lower95, upper: p.upper95})), {polarity: gapPolarity});
  const reading: GapTrend["fingertips"]["reading"] = trend.marker === "cannot-be-calculated" ? "cannot be calculated"
    : trend.marker === "no-change" || side === 0 ? "no change"
    : (trend.marker === "decreasing") === (side > 0) ? "closing" : "widening";

  const turnTheCurve = gapBaseline(points, since, gapPolarity, options.computeOnce ?? computeNow);

  let status: GapStatus = "cannot be assessed";
  let reason: string;
  let direction: GapTrend["direction"] = null;
  let judgement: GapTrend["judgement"] = null;
  let headline: string;
  const tests = {beforeAfter: "not assessed" as "towards parity" | "away from parity" | "no clear change" | "not assessed", fingertips: reading, turnTheCurve: turnTheCurve.verdict?.verdict ?? "not judged"};
  if (!beforeAfter) {
    reason = `the gap cannot be compared before and after ${since.label}: ${!before.length ? "no year before it" : !after.length ? "no year from it" : "a pooled count is zero"}`;
    headline = `The gap cannot be assessed yet: ${!before.length ? `no year before ${since.label}` : !after.length ? `no year from ${since.label}` : `no cases in the target wards or the rest ${pb ? `from ${since.label}` : `before ${since.label}`}`}.`;
  } else {
    const {before: b, after: a, change} = beforeAfter;
    const text = `the target wards' rate ratio to the rest of the borough went from ${fmt(b.rateRatio)} (${b.from} to ${b.to}) to ${fmt(a.rateRatio)} (${a.from} to ${a.to}): ×${fmt(change.value, 3)} (95% CI ${fmt(change.lower95, 3)} to ${fmt(change.upper95, 3)})`;
    const significant = change.lower95 > 1 || change.upper95 < 1;
    const significantTowards = side > 0 ? change.upper95 < 1 : change.lower95 > 1;
    const significantAway = side > 0 ? change.lower95 > 1 : change.upper95 < 1;
    tests.beforeAfter = significantTowards ? "towards parity" : significantAway ? "away from parity" : "no clear change";
    const where = (r: number, rest: string) => r >= 2 ? `${fmt(r, 1)} times ${rest}` : r >= 1 ? `${Math.round((r - 1) * 100)}% above ${rest}` : `${Math.round((1 - r) * 100)}% below ${rest}`;
    const moved = `the target wards went from ${where(b.rateRatio, "the rest of the borough")} to ${where(a.rateRatio, "it")}`;
    if (b.lower95 <= 1 && b.upper95 >= 1) {
      status = "no clear gap before";
      reason = `${text}; before ${since.label} the target wards could not be told apart from the rest of the borough (95% CI ${fmt(b.lower95)} to ${fmt(b.upper95)}), so there was no clear gap to close`;
      headline = `No clear gap before ${since.label}: the target wards could not be told apart from the rest of the borough.`;
    } else if (!significant) {
      status = "no significant change";
      reason = `${text}; the interval contains 1, so the change could be chance`;
      headline = `No significant change in the gap: ${moved}, but the change could be chance.`;
    } else {
      direction = change.value > 1 ? "up" : "down";
      judgement = polarity === "no-judgement" ? "no judgement"
        : (direction === "down") === (polarity === "low-is-good") ? "better" : "worse";
      const crossed = Math.sign(Math.log(a.rateRatio)) === -side && (side > 0 ? a.upper95 < 1 : a.lower95 > 1);
      if (crossed) {
        status = "reversed";
        reason = `reversed: ${text}; the ratio has crossed parity and the target wards are now clearly ${a.rateRatio < 1 ? "below" : "above"} the rest of the borough (95% CI ${fmt(a.lower95)} to ${fmt(a.upper95)})`;
        headline = `Gap reversed: ${moved}.`;
      } else if (Math.abs(Math.log(a.rateRatio)) < Math.abs(Math.log(b.rateRatio))) {
        status = "closing";
        reason = `closing: ${text}; nearer parity, beyond chance`;
        headline = `Gap closing: ${moved}.`;
      } else {
        status = "widening";
        reason = `widening: ${text}; further from parity, beyond chance`;
        headline = `Gap widening: ${moved}.`;
      }
    }
    reason += `. Fingertips trend of the ratio: ${reading}; turn the curve on the gap: ${tests.turnTheCurve}.`;
  }
  return {
    measure: "rate ratio, target wards ÷ rest of the borough (1 = parity)",
    since: since.label, points, beforeAfter,
    fingertips: {...trend, reading},
    turnTheCurve, tests, status, closing: status === "closing", direction, judgement, headline, reason
  };
}

function gapBaseline(points: readonly GapPoint[], since: Period, polarity: "low-is-good" | "high-is-good" | "no-judgement", computeOnce: ComputeOnce): GapTrend["turnTheCurve"] {
  const history = points.filter((p) => p.period < since.label && p.value > 0);
  const later = points.filter((p) => p.period >= since.label && p.value > 0);
  if (!later.length) return {baseline: null, verdict: null, reason: `no year from ${since.label} to judge`};
  if (!history.length) return {baseline: null, verdict: null, reason: `no year before ${since.label} to build a baseline from`};
  // Horizons by financial year, so a year with no ratio does not shift the later ones.
  const startYear = (label: string) => Number(label.slice(0, 4));
  const last = startYear(history[history.length - 1].period);
  const steps = later.map((p) => startYear(p.period) - last);
  let result;
  try {
    const y = history.map((p) => Math.log(p.value));
    const h = Math.max(...steps);
    result = computeOnce("gap-forecast", [y, h], () => forecast(y, {frequency: 1, h, method: "auto", kind: "value"}));
  } catch (e) {
    if (e instanceof ForecastError) return {baseline: null, verdict: null, reason: `no baseline for the gap: ${e.message}`};
    throw e;
  }
  const rows = later.map((p, i) => {
    const k = steps[i] - 1;
    return {
      period: p.period, mean: Math.exp(result.mean[k]), lower80: Math.exp(result.lower80[k]), upper80: Math.exp(result.upper80[k]),
      lower95: Math.exp(result.lower95[k]), upper95: Math.exp(result.upper95[k])
    };
  });
  const verdict = judgeAgainstBaseline(polarity, rows, later.map((p) => ({period: p.period, value: p.value})),
    {sustain: Math.min(2, later.length), lastHistoryValue: history.length ? history[history.length - 1].value : null});
  return {
    baseline: {method: result.method, reason: result.reason, warnings: result.warnings, points: rows},
    verdict,
    reason: "the ratio's forecast is made on the log scale from the years before the strategy; better than forecast means nearer parity"
  };
}
