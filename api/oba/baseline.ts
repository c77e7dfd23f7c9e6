import type {ForecastRow} from "../appstore.js";
import type {Indicator, PeriodType, Polarity} from "./catalogue.js";
import {geographyView, pointStats, publishPoints, type InternalPoint, type PublishedPoint, type PublishOptions, type Series} from "./series.js";
import {parseAsOf, periodsAfter} from "./periods.js";
import {policyOf} from "./policy.js";
import {DomainError} from "./errors.js";
import {forecast, ForecastError, type ForecastResult} from "../stats/forecast/index.js";
import {MIN_FIX_AFTER, xmr, type ImprovementDirection, type XmrResult} from "../stats/spc.js";
import {recentTrend, type RecentTrend} from "../stats/trend.js";

/**
 * OBA baselines ("where we are headed if we do nothing different") and the turn-the-curve verdict:
 * the forecast, the evidence beside it (SPC, recent trend) and the verdict on later actuals, as pure
 * functions of a series and its publication (frozen baselines are in frozen-baseline.ts).
 */

export const BASELINE_METHODS = ["auto", "naive", "drift", "linear", "ses", "holt", "damped", "theta", "comb"] as const;
export type BaselineMethod = (typeof BASELINE_METHODS)[number];

const FREQUENCY: Record<PeriodType, 1 | 4 | 12> = {"financial-year": 1, quarter: 4, month: 12, "rolling-12-months": 1};
export const DEFAULT_H: Record<PeriodType, number> = {"financial-year": 3, quarter: 8, month: 12, "rolling-12-months": 12};

export const improvementOf = (p: Polarity): ImprovementDirection => (p === "high-is-good" ? "increase" : p === "low-is-good" ? "decrease" : "neutral");

/** The forecast scale: percentages are proportions (0–1), counts and rates never go below zero. */
function toModel(ind: Indicator, v: number) {
  return ind.unit === "percent" ? v / 100 : v;
}
function fromModel(ind: Indicator, v: number) {
  return ind.unit === "percent" ? v * 100 : v;
}

export interface ForecastBand extends ForecastRow {
  start: string;
  end: string;
}

export interface BaselineForecast {
  method: string;
  reason: string;
  params: Record<string, unknown>;
  warnings: string[];
  backtest: ForecastResult["backtest"];
  transform: string;
  points: ForecastBand[];
}

/**
 * A statistical forecast of the history's values (unrounded). Fewer than 5 points: 422
 * too-few-points, with the count, because a statistical baseline on less would mislead.
 */
export function forecastBaseline(ind: Indicator, period: PeriodType, history: InternalPoint[], method: BaselineMethod, h: number): BaselineForecast {
  const values = history.map((p) => toModel(ind, p.value as number));
  let result: ForecastResult;
  try {
    result = forecast(values, {frequency: FREQUENCY[period], h, method, kind: ind.unit === "percent" ? "proportion" : ind.unit === "count" ? "count" : "count"});
  } catch (e) {
    if (e instanceof ForecastError || (e as {code?: string}).code === "too-few-points" || (e as {code?: string}).code === "invalid-input") {
      const code = (e as {code: string}).code;
      throw new DomainError("cannot-compute", code === "too-few-points" ? "too-few-points" : "cannot-forecast",
        code === "too-few-points"
          ? `${ind.id} has ${history.length} ${period} point(s) with values up to the baseline date; a statistical forecast needs at least 5 (give a hand-edited forecast instead, or choose a shorter period type)`
          : `cannot forecast ${ind.id}: ${(e as Error).message}`,
        {points: history.length, needed: 5});
    }
    throw e;
  }
  const periods = periodsAfter(period, history[history.length - 1].period, h);
  return {
    method: result.method, reason: result.reason, params: result.params, warnings: result.warnings, backtest: result.backtest, transform: result.transform,
    points: periods.map((p, i) => ({
      period: p.label, start: p.start, end: p.end,
      mean: fromModel(ind, result.mean[i]), lower80: fromModel(ind, result.lower80[i]), upper80: fromModel(ind, result.upper80[i]),
      lower95: fromModel(ind, result.lower95[i]), upper95: fromModel(ind, result.upper95[i])
    }))
  };
}

export type Judgement = "better" | "within" | "worse" | "above" | "below";

export interface JudgedActual {
  period: string;
  actual: number;
  mean: number;
  lower80: number | null;
  upper80: number | null;
  /** Where the actual sits against the 80% band. */
  position: "above" | "within" | "below";
  /** The position turned into better/worse by polarity (above/below when there is no judgement). */
  judgement: Judgement;
}

export type VerdictKind = "turned" | "accelerated" | "not yet" | "no actuals yet" | "no judgement";

export interface Verdict {
  verdict: VerdictKind;
  reason: string;
  sustain: number;
  /** Consecutive better-than-forecast actuals ending at the latest one. */
  latestRun: number;
  /** The baseline itself was already heading the right way (so beating it means accelerating). */
  baselineImproving: boolean;
  points: JudgedActual[];
}

/**
 * Turned the curve? (METHODS §5) Each actual after the baseline is placed against the forecast's 80%
 * band: above, within or below, which the indicator's polarity makes better or worse. The curve is
 * "turned" when the latest `sustain` actuals (default 2) are all better than forecast, "accelerated"
 * when that happens to a baseline already heading the right way, otherwise "not yet".
 */
export function judgeAgainstBaseline(
  polarity: Polarity,
  forecastPoints: ForecastRow[],
  actuals: {period: string; value: number}[],
  options: {sustain?: number; lastHistoryValue?: number | null} = {}
): Verdict {
  const sustain = options.sustain ?? 2;
  const byPeriod = new Map(forecastPoints.map((f) => [f.period, f]));
  const points: JudgedActual[] = [];
  for (const a of actuals) {
    const f = byPeriod.get(a.period);
    if (!f) continue;
    const lower = f.lower80 ?? f.mean;
    const upper = f.upper80 ?? f.mean;
    const position = a.value > upper ? "above" : a.value < lower ? "below" : "within";
    const judgement: Judgement = position === "within" ? "within"
      : polarity === "no-judgement" ? position
      : (position === "above") === (polarity === "high-is-good") ? "better" : "worse";
    points.push({period: a.period, actual: a.value, mean: f.mean, lower80: f.lower80, upper80: f.upper80, position, judgement});
  }
  const last = forecastPoints[forecastPoints.length - 1];
  const good = polarity === "high-is-good" ? 1 : polarity === "low-is-good" ? -1 : 0;
  const baselineImproving = good !== 0 && last !== undefined && options.lastHistoryValue != null && Math.sign(last.mean - options.lastHistoryValue) === good;
  let latestRun = 0;
  for (let i = points.length - 1; i >= 0 && points[i].judgement === "better"; i--) latestRun++;
  const base = {sustain, latestRun, baselineImproving, points};
  if (polarity === "no-judgement") {
    return {verdict: "no judgement", reason: "the indicator has no good direction, so actuals are only placed above, within or below the forecast band", ...base};
  }
  if (!points.length) return {verdict: "no actuals yet", reason: "no actual has been published for a forecast period yet", ...base};
  const counts = {better: 0, within: 0, worse: 0};
  for (const p of points) counts[p.judgement as "better" | "within" | "worse"]++;
  const summary = `${counts.better} better than forecast, ${counts.within} within the 80% band, ${counts.worse} worse (of ${points.length})`;
  if (latestRun >= sustain) {
    return baselineImproving
      ? {verdict: "accelerated", reason: `the baseline was already improving and the latest ${latestRun} actual(s) beat even that forecast (outside the 80% band on the good side); ${summary}`, ...base}
      : {verdict: "turned", reason: `the latest ${latestRun} consecutive actual(s) are better than forecast (outside the 80% band on the good side; ${sustain} needed); ${summary}`, ...base};
  }
  return {verdict: "not yet", reason: `${latestRun} consecutive better-than-forecast actual(s) at the end of the series, ${sustain} needed; ${summary}`, ...base};
}

/** Whether a point's count is hidden in its publication (c). */
export type HiddenTest = (p: InternalPoint) => boolean;

/** Reason given where a statistic built on several points is withheld because one of them is hidden. */
export const WITHHELD = "withheld: it is computed from a count that disclosure control hides (c), and would give that count back";

/**
 * XmR with limits from the baseline history only (fixed after it), so later actuals are read against them.
 * Null when there are no points, or when any point is hidden: the mean, limits and signals would give it back.
 */
export function spcEvidence(ind: Indicator, points: InternalPoint[], historyLength: number, target?: number | null, hidden?: HiddenTest) {
  const values = points.map((p) => p.value as number);
  if (!values.length || (hidden && points.some(hidden))) return null;
  // Limits are fixed after the baseline only on 12 or more points of history; fewer give trial limits over every point.
  const fix = historyLength >= MIN_FIX_AFTER && historyLength < values.length;
  const r: XmrResult = xmr(values, {improvement: improvementOf(ind.polarity), fixAfter: fix ? historyLength : null, target: target ?? null});
  const g = r.groups[0];
  return {
    variationIcon: r.variationIcon, assuranceIcon: r.assuranceIcon, trial: r.trial, message: r.message,
    limitsFrom: fix ? `the first ${g.pointsUsed} point(s)` : historyLength < values.length
      ? `all ${g.pointsUsed} point(s): limits are fixed after the baseline only on at least ${MIN_FIX_AFTER} points of history, and it has ${historyLength}`
      : `all ${g.pointsUsed} point(s)`, mean: g.mean, lpl: g.lpl, upl: g.upl, nlpl: g.nlpl, nupl: g.nupl,
    points: r.points.map((p, i) => ({period: points[i].period.label, pointType: p.pointType, rule: p.rule, specialCauseType: p.specialCauseType}))
  };
}

/**
 * The Fingertips recent trend on the last 5 points (counts use their Poisson intervals; Fingertips itself
 * skips counts). Withheld ("cannot-be-calculated", no slope) when one of those points is hidden.
 */
export function trendEvidence(ind: Indicator, points: InternalPoint[], hidden?: HiddenTest): RecentTrend {
  if (hidden && points.filter((p) => typeof p.value === "number").slice(-5).some(hidden)) {
    return {marker: "cannot-be-calculated", slope: null, chi2: null, significant: false, pointsUsed: 0, reason: `the recent trend is ${WITHHELD}`};
  }
  return recentTrend(points.map((p) => ({value: p.value, lower: p.ci95?.lower ?? null, upper: p.ci95?.upper ?? null})),
    {polarity: ind.polarity, ...(ind.unit === "percent" ? {valueType: "proportion" as const} : ind.unit === "per-10000" ? {valueType: "crude-rate" as const} : {})});
}

/** Splits a series' published-able totals at the baseline date. */
export function splitAt(series: Series, asOfDate: string | null) {
  const usable = series.totals.filter((p) => p.available && p.value !== null);
  const history = asOfDate ? usable.filter((p) => p.period.end <= asOfDate) : usable;
  const later = asOfDate ? usable.filter((p) => p.period.end > asOfDate) : [];
  return {history, later};
}

/**
 * A series' totals as published for a disclosure, and which of them are hidden. `series` is what the
 * models may see: under a policy that rounds (`roundTo`), each shown point carries its rounded counts
 * and the value computed from them, since a forecast, SPC limits or a verdict fitted to the unrounded
 * counts would give them back (a naive forecast repeats the last one). Hidden points keep their counts:
 * nothing built on them is shown to a suppressed audience.
 */
export function publishedTotals(series: Series, publication: PublishOptions) {
  const published = publishPoints(series.indicator, series.totals, [], publication).totals;
  const policy = publication.policy ?? policyOf(publication.disclosure ?? "suppressed");
  const rounds = policy.disclosure !== "full" && policy.roundTo !== null;
  const totals = rounds ? series.totals.map((p, i) => asShown(series.indicator, p, published[i])) : series.totals;
  const index = new Map(totals.map((p, i) => [p, i]));
  const pubOf = (p: InternalPoint) => published[index.get(p) ?? -1];
  const hidden: HiddenTest = (p) => pubOf(p).flag === "c";
  return {series: rounds ? {...series, totals} : series, pubOf, hidden};
}

/** A point as shown: its published counts and the statistics built on them (unchanged when hidden or not rounded). */
function asShown(ind: Indicator, p: InternalPoint, shown: PublishedPoint): InternalPoint {
  if (!p.available || typeof shown.numerator !== "number" || shown.flag === "c") return p;
  const denominator = typeof shown.denominator === "number" ? shown.denominator : p.denominator;
  if (shown.numerator === p.numerator && denominator === p.denominator) return p;
  return {...p, ...pointStats(ind.unit, shown.numerator, denominator), numerator: shown.numerator, denominator};
}

/** The points up to (not including) the first hidden one: later actuals that evidence may use. */
export const untilHidden = (points: InternalPoint[], hidden: HiddenTest) => {
  const i = points.findIndex(hidden);
  return i < 0 ? points : points.slice(0, i);
};

/**
 * GET /api/indicators/:id/baseline as a pure function of the series and its publication. When any
 * history point is hidden (c), the forecast, SPC and trend are withheld (they are built from every
 * history value, so a naive forecast or the SPC mean would give the hidden one back); later actuals
 * that are hidden are not judged.
 */
export function baselineFromSeries(series: Series, q: {method: BaselineMethod; h?: number; asOf?: string; sustain: number}, publication: PublishOptions = {}) {
  const ind = series.indicator;
  const asOfDate = q.asOf ? parseAsOf(series.period, q.asOf) : null;
  const {series: shown, pubOf, hidden} = publishedTotals(series, publication);
  const {history, later} = splitAt(shown, asOfDate);
  if (!history.length) {
    throw new DomainError("cannot-compute", "too-few-points", `${ind.id} has no ${series.period} points with values${asOfDate ? ` up to ${asOfDate}` : ""}; a statistical forecast needs at least 5`, {points: 0, needed: 5});
  }
  const head = {
    indicator: {id: ind.id, name: ind.name, unit: ind.unit, polarity: ind.polarity},
    geography: geographyView(series.geography),
    period: series.period,
    asOf: asOfDate
  };
  const hiddenHistory = history.filter(hidden).length;
  if (hiddenHistory) {
    return {
      ...head,
      notes: [...series.notes, `${hiddenHistory} history point(s) are hidden by disclosure control (c): the forecast, SPC, trend and verdict are ${WITHHELD}. Choose a larger geography or a longer period, or ask an analyst.`],
      history: history.map(pubOf), forecast: null, spc: null, trend: trendEvidence(ind, history, hidden), actuals: later.map(pubOf),
      verdict: null, trendWithActuals: null, withheld: true
    };
  }
  const h = q.h ?? Math.max(DEFAULT_H[series.period], later.length);
  const fc = forecastBaseline(ind, series.period, history, q.method, h);
  const evidence = [...history, ...untilHidden(later, hidden)];
  return {
    ...head,
    notes: series.notes,
    history: history.map(pubOf),
    forecast: fc,
    spc: spcEvidence(ind, evidence, history.length),
    trend: trendEvidence(ind, history),
    actuals: later.map(pubOf),
    verdict: later.length ? judgePublished(ind.polarity, fc.points, later, hidden, {sustain: q.sustain, lastHistoryValue: history[history.length - 1].value}) : null,
    trendWithActuals: later.length ? trendEvidence(ind, evidence) : null,
    withheld: false
  };
}

/** A judged actual as published: a hidden actual has no value, position or judgement (they would bound it). */
export type PublishedJudgedActual = Omit<JudgedActual, "actual" | "position" | "judgement"> & {
  actual: number | "c";
  position: JudgedActual["position"] | "c";
  judgement: Judgement | "c";
};

/**
 * The verdict on the actuals a reader may see: hidden actuals (c) are listed with actual, position
 * and judgement "c" and take no part in the verdict, its counts or its run of better-than-forecast
 * points, so the verdict says nothing about them.
 */
export function judgePublished(polarity: Polarity, forecastPoints: ForecastRow[], later: InternalPoint[], hidden: HiddenTest, options: {sustain?: number; lastHistoryValue?: number | null} = {}) {
  const shown = later.filter((p) => !hidden(p));
  const v = judgeAgainstBaseline(polarity, forecastPoints, shown.map((p) => ({period: p.period.label, value: p.value as number})), options);
  const judged = new Map(v.points.map((p) => [p.period, p]));
  const byPeriod = new Map(forecastPoints.map((f) => [f.period, f]));
  const points: PublishedJudgedActual[] = [];
  for (const p of later) {
    const f = byPeriod.get(p.period.label);
    if (!f) continue;
    if (!hidden(p)) points.push(judged.get(p.period.label)!);
    else points.push({period: p.period.label, actual: "c", mean: f.mean, lower80: f.lower80, upper80: f.upper80, position: "c", judgement: "c"});
  }
  const dropped = points.filter((p) => p.judgement === "c").length;
  return {...v, points, reason: dropped ? `${v.reason}; ${dropped} hidden actual(s) (c) are not judged` : v.reason};
}

/** A verdict's actuals as published: a hidden actual shows "c" for its value, position and judgement. */
export function publishVerdict(v: Verdict, published: PublishedPoint[]) {
  const byPeriod = new Map(published.map((p) => [p.period, p]));
  return {...v, points: v.points.map((p): PublishedJudgedActual => {
    const pub = byPeriod.get(p.period);
    return pub?.flag === "c" ? {...p, actual: "c", position: "c", judgement: "c"} : p;
  })};
}
