import {computeNow, type ComputeOnce} from "../oba/query.js";
import {shownWards, type ShownCounts} from "./disclosure.js";
import {
  countInterval, funnelSignificance, indirectlyStandardisedRatio, proportionInterval, RANK_DRAWS, rankIntervals, rateInterval,
  type FunnelSignificance, type Interval, type RankInterval
} from "../stats/index.js";

/**
 * One measure, one period, every ward (METHODS §6), on unrounded counts: rate with 95% and 99.8%
 * intervals, ratio to the borough (O/E with E = ward denominator × borough rate, exact/Byar limits on
 * O over E, funnel-for-ratios significance), ratio to the rest of the borough (E at the rate of every
 * other ward), excess cases over the borough rate, and the ward's rank with a simulation interval.
 * Disclosure control is applied later, when the table is published.
 */

export type Scale = "per-10000" | "percent";

export interface Estimate {
  value: number | null;
  ci95: Interval | null;
  ci998: Interval | null;
  /** exact (under 10 events), byar, or wilson (percentages). */
  method: Interval["method"] | null;
}

const NONE: Estimate = {value: null, ci95: null, ci998: null, method: null};

/** A rate per 10,000 (exact/Byar) or a percentage (Wilson); null value when the denominator is 0. */
export function estimate(scale: Scale, x: number, n: number): Estimate {
  if (!(n > 0)) return NONE;
  const at = (level: number) => scale === "percent"
    ? proportionInterval(x, n, {level, multiplier: 100})
    : rateInterval(x, n, {level, multiplier: 10000});
  const ci95 = at(0.95);
  return {value: ci95.value, ci95, ci998: at(0.998), method: ci95.method};
}

export interface Ratio {
  observed: number;
  expected: number;
  value: number;
  ci95: Interval;
  ci998: Interval;
}

/** O/E with E = denominator × comparator rate (events per unit); null when E is 0. */
export function ratio(observed: number, denominator: number, comparatorRate: number): Ratio | null {
  const expected = denominator * comparatorRate;
  if (!(expected > 0)) return null;
  const ci95 = indirectlyStandardisedRatio(observed, expected, {level: 0.95});
  return {observed, expected, value: ci95.value, ci95, ci998: indirectlyStandardisedRatio(observed, expected, {level: 0.998})};
}

export interface Excess {
  /** Observed minus expected at the comparator's rate. */
  value: number;
  /** Exact/Byar 95% limits of the observed count, minus expected (null where undefined). */
  lower95: number | null;
  upper95: number | null;
}

/** "How many more (or fewer) cases than at the comparator's rate", with the interval of the observed count. */
export function excessCases(observed: number, expected: number): Excess {
  const c = countInterval(observed, {level: 0.95});
  return {value: observed - expected, lower95: c.lower === null ? null : c.lower - expected, upper95: c.upper === null ? null : c.upper - expected};
}

export interface WardInput {
  id: string;
  target: boolean;
  numerator: number;
  /** Child population, or the indicator's own denominator count for percentages. */
  denominator: number;
  children: number;
}

export interface AreaRow {
  numerator: number;
  denominator: number;
  children: number;
  rate: Estimate;
}

export interface WardRow extends WardInput {
  rate: Estimate;
  ratioToBorough: (Ratio & {significance: FunnelSignificance}) | null;
  ratioToRest: Ratio | null;
  excess: Excess | null;
  /** Rank 1 = the most need (highest value, or lowest for a high-is-good indicator). */
  rank: RankInterval | null;
}

export interface WardTable {
  scale: Scale;
  wards: WardRow[];
  borough: AreaRow;
  target: AreaRow;
  rest: AreaRow;
  unknown: {numerator: number; denominator: number};
}

export interface WardTableOptions {
  seed: number;
  draws?: number;
  /** +1 when a higher value means more need. */
  needDirection: 1 | -1;
  /** Simulate rank intervals (default true); off where only the rates are wanted. */
  ranks?: boolean;
  /** Counts as a rounding audience is shown them (targeting/disclosure.ts): the table is computed from those. */
  shown?: ShownCounts | null;
  /** Runs the rank simulation, or gives back its result for the same inputs (the app's cache); by default it runs. */
  computeOnce?: ComputeOnce;
}


function area(scale: Scale, rows: readonly {numerator: number; denominator: number; children: number}[], shown?: ShownCounts | null): AreaRow {
  const numerator = rows.reduce((s, r) => s + r.numerator, 0);
  const denominator = rows.reduce((s, r) => s + r.denominator, 0);
  const n = shown ? shown.numerator(numerator) : numerator;
  const d = shown ? shown.denominator(denominator) : denominator;
  return {numerator: n, denominator: d, children: rows.reduce((s, r) => s + r.children, 0), rate: estimate(scale, n, d)};
}

/**
 * Every ward against the borough, the rest of the borough and each other. Records with no known ward
 * count in the borough (its rate is the published borough rate) but in no ward.
 */
export function wardTable(scale: Scale, trueWards: readonly WardInput[], trueUnknown: {numerator: number; denominator: number}, options: WardTableOptions): WardTable {
  const shown = options.shown ?? null;
  const borough = area(scale, [...trueWards, {...trueUnknown, children: 0}], shown);
  const target = area(scale, trueWards.filter((w) => w.target), shown);
  const rest = area(scale, trueWards.filter((w) => !w.target), shown);
  const {wards: byId, unknown} = shownWards({wards: new Map(trueWards.map((w) => [w.id, w])), unknown: trueUnknown}, shown);
  const wards = [...byId.values()];
  const X = borough.numerator;
  const N = borough.denominator;
  const boroughRate = N > 0 ? X / N : 0;
  const base = wards.map((w) => {
    const toBorough = ratio(w.numerator, w.denominator, boroughRate);
    const restN = N - w.denominator;
    const toRest = restN > 0 ? ratio(w.numerator, w.denominator, (X - w.numerator) / restN) : null;
    return {w, toBorough, toRest};
  });
  const funnelRows = base.filter((b) => b.toBorough !== null);
  const labels = funnelRows.length
    ? funnelSignificance({statistic: "ratio", rows: funnelRows.map((b) => ({observed: b.w.numerator, expected: b.toBorough!.expected}))})
    : [];
  const significance = new Map(funnelRows.map((b, i) => [b.w.id, labels[i]]));
  const rankable = options.ranks === false ? [] : wards.filter((w) => w.denominator > 0);
  const rankRows = rankable.map((w) => ({id: w.id, count: w.numerator, population: w.denominator}));
  const rankOptions = {seed: options.seed, draws: options.draws ?? RANK_DRAWS, polarity: options.needDirection === -1 ? "high-is-good" as const : "low-is-good" as const,
    multiplier: scale === "percent" ? 100 : 10000};
  const ranks = rankable.length
    ? new Map((options.computeOnce ?? computeNow)("rank-intervals", [rankRows, rankOptions], () => rankIntervals(rankRows, rankOptions)).map((r) => [r.id, r]))
    : new Map<string, RankInterval>();
  return {
    scale,
    wards: base.map(({w, toBorough, toRest}) => ({
      ...w,
      rate: estimate(scale, w.numerator, w.denominator),
      ratioToBorough: toBorough ? {...toBorough, significance: significance.get(w.id) as FunnelSignificance} : null,
      ratioToRest: toRest,
      excess: toBorough ? excessCases(w.numerator, toBorough.expected) : null,
      rank: ranks.get(w.id) ?? null
    })),
    borough, target, rest, unknown
  };
}
