/**
 * Runs member models on one (already transformed) series: seasonal adjustment when the series
 * needs it, the models on the adjusted data, then the seasonal indices put back on the forecasts.
 */
import {naive, drift, linear, ses, holt, damped, theta, sesWithDrift, optimisedTheta, type ModelForecast} from "./models.js";
import {isSeasonal, classicalDecomposition, detrended, seasonallyAdjust, futureIndex, type SeasonalIndices} from "./seasonal.js";
import {stlIndices} from "./stl.js";
import type {MemberMethod} from "./types.js";

/**
 * A model fitted to the means of consecutive blocks of k periods (the last blocks; the oldest
 * partial block is dropped), its block forecasts spread back over the k periods of each block.
 * Averaging over a block filters out the month-to-month noise a monthly fit has to see through,
 * so level and trend are estimated more steadily (temporal aggregation, as MAPA, Kourentzes et al.
 * 2014, and temporal hierarchies, Athanasopoulos et al. 2017). Falls back to the model on the
 * original periods when there are fewer than `minBlocks` blocks.
 */
export function temporallyAggregated(model: (y: readonly number[], h: number) => ModelForecast, k: number, minBlocks = 5) {
  return (y: readonly number[], h: number): ModelForecast => {
    const blocks = Math.floor(y.length / k);
    if (blocks < minBlocks) return model(y, h);
    const start = y.length - blocks * k;
    const means: number[] = [];
    for (let i = 0; i < blocks; i++) {
      let s = 0;
      for (let t = start + i * k; t < start + (i + 1) * k; t++) s += y[t];
      means.push(s / k);
    }
    const f = model(means, Math.ceil(h / k));
    const at = (j: number) => Math.floor(j / k);
    return {
      ...f,
      method: `${f.method}-aggregated-${k}`,
      mean: Array.from({length: h}, (_, j) => f.mean[at(j)]),
      se: Array.from({length: h}, (_, j) => f.se[at(j)]),
      params: {...f.params, aggregation: k}
    };
  };
}

/** Model functions by member name. */
export const MEMBERS: Record<MemberMethod, (y: readonly number[], h: number) => ModelForecast> = {
  naive,
  drift,
  linear,
  ses,
  holt,
  damped,
  theta,
  "ses-drift": (y, h) => sesWithDrift(y, h, 1),
  dotm: (y, h) => optimisedTheta(y, h, true),
  "damped-q": temporallyAggregated(damped, 3),
  "theta-q": temporallyAggregated(theta, 3),
  "dotm-q": temporallyAggregated((y, h) => optimisedTheta(y, h, true), 3),
  "theta-y": temporallyAggregated(theta, 12)
};

/** Fewest points each member can be fitted to. */
export const MIN_POINTS: Record<MemberMethod, number> = {
  naive: 2,
  drift: 3,
  linear: 3,
  ses: 3,
  theta: 3,
  "ses-drift": 3,
  holt: 4,
  dotm: 5,
  damped: 5,
  "damped-q": 5,
  "theta-q": 3,
  "dotm-q": 5,
  "theta-y": 3
};

/** How to treat seasonality. */
export interface SeasonalPlan {
  period: number;
  mode: "auto" | "none";
  /** Multiplicative indices need positive data on the modelling scale. */
  multiplicative: boolean;
  /**
   * How monthly indices are estimated once the test finds seasonality: "classical" (ratio to the
   * 2×12 moving average, the M3 Theta method's decomposition; the default) or "stl" (additive
   * indices from a robust STL, see `stlIndices`). Quarterly series are always classical.
   */
  decomposition?: "classical" | "stl";
}

/** Member forecasts on the modelling scale, seasonality restored. */
export interface MemberRun {
  seasonal: SeasonalIndices | null;
  forecasts: Map<MemberMethod, ModelForecast>;
}

/**
 * Cycles the seasonal indices average over. Quarterly: the last five (a quarterly pattern drifts
 * within a few years; five beat all cycles on the M3 quarterly series). Monthly: all of them, as
 * in the classical decomposition of the M3 Theta method: a monthly index from five cycles rests on
 * five noisy ratios, and on the tuning half of the M3 monthly series all cycles were better for
 * every method (theta 13.71 → 13.62 sMAPE, SES 14.14 → 13.99, damped 14.00 → 13.81).
 */
export function recentCyclesFor(period: number): number {
  return period === 12 ? Number.POSITIVE_INFINITY : 5;
}

/**
 * How each seasonal index averages its ratios to the trend. Monthly: the median, as in the
 * ratio-to-moving-average method's robust variants: a month's index rests on one ratio per year,
 * and one strike, stock-take or recording change in one year would otherwise shift that month's
 * forecast for every year ahead (on the tuning half of the M3 monthly series the median improved
 * every method by about 0.04 sMAPE). Quarterly: the mean of the last five, as chosen earlier.
 */
export function seasonalAverageFor(period: number): "mean" | "median" {
  return period === 12 ? "median" : "mean";
}

/**
 * Monthly series: the seasonal test runs on the series less its moving-average trend, and the
 * indices are shrunk towards neutral by their estimation noise (see `detrended` and
 * `shrinkIndices`). On the tuning half of the M3 monthly series the two together moved auto from
 * 13.14 to 13.05 sMAPE (each alone: 13.09 and 13.08). Quarterly keeps the M3 Theta test on the raw
 * series and unshrunk indices, as chosen earlier on the quarterly series.
 */
export function monthlyRefinements(period: number): boolean {
  return period === 12;
}

/**
 * Decides on, and estimates, seasonal indices for y: the seasonal test, then the classical
 * decomposition, or for monthly series under a plan that asks for it, a robust STL (`stlIndices`).
 */
export function seasonalFor(y: readonly number[], plan: SeasonalPlan): SeasonalIndices | null {
  if (plan.mode === "none" || plan.period <= 1) return null;
  const refined = monthlyRefinements(plan.period);
  if (refined ? y.length <= 2 * plan.period || !isSeasonal(detrended(y, plan.period), plan.period) : !isSeasonal(y, plan.period)) return null;
  if (refined && plan.decomposition === "stl") return stlIndices(y, plan.period);
  const type = plan.multiplicative && y.every((v) => v > 0) ? "multiplicative" : "additive";
  return classicalDecomposition(y, plan.period, type, recentCyclesFor(plan.period), seasonalAverageFor(plan.period), refined);
}

/** Fits each member to y and forecasts h steps, adjusting for seasonality as the plan says. */
export function runMembers(y: readonly number[], h: number, members: readonly MemberMethod[], plan: SeasonalPlan): MemberRun {
  const seasonal = seasonalFor(y, plan);
  const adjusted = seasonal ? seasonallyAdjust(y, seasonal) : y;
  const forecasts = new Map<MemberMethod, ModelForecast>();
  for (const name of members) {
    const f = MEMBERS[name](adjusted, h);
    if (seasonal) {
      const idx = Array.from({length: h}, (_, j) => futureIndex(seasonal, y.length, j + 1));
      if (seasonal.type === "multiplicative") {
        f.mean = f.mean.map((v, j) => v * idx[j]);
        f.se = f.se.map((v, j) => v * idx[j]);
      } else {
        f.mean = f.mean.map((v, j) => v + idx[j]);
      }
    }
    forecasts.set(name, f);
  }
  return {seasonal, forecasts};
}

/** Mean absolute (seasonal) one-period change: the denominator of MASE. */
export function maseScale(y: readonly number[], period: number): number {
  const lag = period > 1 && y.length > period ? period : 1;
  let s = 0;
  for (let t = lag; t < y.length; t++) s += Math.abs(y[t] - y[t - lag]);
  return s / (y.length - lag);
}
