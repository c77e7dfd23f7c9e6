/**
 * Bootstrap aggregation of forecasts (Bergmeir, Hyndman & Benítez 2016, "Bagging exponential
 * smoothing methods using STL decomposition and Box-Cox transformation"): on the variance-stabilised
 * scale the series is split into seasonal part, trend and remainder; the remainder is resampled by
 * a moving block bootstrap (blocks keep its short-range dependence), each bootstrapped series is
 * forecast like the original, and each member's forecast is the median over the original and its
 * bootstraps. Averaging over series that could equally have been observed steadies the estimates of
 * level and trend that one noisy history leaves uncertain.
 */
import {mulberry32} from "../random.js";
import {runMembers, seasonalFor, type MemberRun, type SeasonalPlan} from "./pipeline.js";
import {seasonallyAdjust} from "./seasonal.js";
import type {MemberMethod} from "./types.js";

/**
 * Local linear regression (loess of degree 1, tricube weights) of y on time with `span` neighbours,
 * evaluated at every point, ends included (where a centred moving average stops short).
 */
export function loessTrend(y: readonly number[], span: number): number[] {
  const n = y.length;
  const q = Math.min(n, Math.max(3, span));
  return y.map((_, t) => {
    let lo = Math.max(0, t - Math.floor(q / 2));
    const hi = Math.min(n, lo + q);
    lo = Math.max(0, hi - q);
    const reach = Math.max(t - lo, hi - 1 - t) + 1;
    let sw = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
    for (let i = lo; i < hi; i++) {
      const u = Math.abs(i - t) / reach;
      const w = (1 - u * u * u) ** 3;
      const x = i - t;
      sw += w; sx += w * x; sy += w * y[i]; sxx += w * x * x; sxy += w * x * y[i];
    }
    const det = sw * sxx - sx * sx;
    // The fit at x = 0 (the point itself) is the intercept.
    return det > 1e-12 * sw * sxx ? (sy * sxx - sx * sxy) / det : sy / sw;
  });
}

/**
 * Moving block bootstrap: concatenated blocks of `block` consecutive values drawn at random from
 * r, the first 0..block−1 values dropped so block boundaries fall anywhere, cut to r's length.
 */
export function movingBlockBootstrap(r: readonly number[], block: number, rand: () => number): number[] {
  const n = r.length;
  const l = Math.max(1, Math.min(block, n));
  const out: number[] = [];
  const skip = Math.floor(rand() * l);
  while (out.length < n + skip) {
    const start = Math.floor(rand() * (n - l + 1));
    for (let i = start; i < start + l; i++) out.push(r[i]);
  }
  return out.slice(skip, skip + n);
}

/**
 * `count` bootstrapped versions of y (on its modelling scale): the seasonal part the plan finds,
 * a loess trend of the adjusted series (window 1.5 cycles, at least 7 points, as STL's trend
 * window), and a moving block bootstrap of the remainder with blocks of two cycles (8 points for
 * non-seasonal series), as Bergmeir et al. Deterministic for a given y and seed.
 */
export function bootstrapSeries(y: readonly number[], plan: SeasonalPlan, count: number, seed = 20160101): number[][] {
  const seasonal = seasonalFor(y, plan);
  const adjusted = seasonal ? seasonallyAdjust(y, seasonal) : [...y];
  const period = Math.max(1, plan.period);
  const trend = loessTrend(adjusted, Math.max(7, 2 * Math.floor((1.5 * period) / 2) + 1));
  const remainder = adjusted.map((v, t) => v - trend[t]);
  const block = Math.min(period > 1 ? 2 * period : 8, Math.max(1, Math.floor(y.length / 3)));
  const rand = mulberry32(seed);
  return Array.from({length: count}, () => {
    const r = movingBlockBootstrap(remainder, block, rand);
    return r.map((v, t) => {
      const a = trend[t] + v;
      if (!seasonal) return a;
      const s = seasonal.indices[t % seasonal.period];
      return seasonal.type === "multiplicative" ? a * s : a + s;
    });
  });
}

/** Median of each position over several equally long vectors. */
export function pointwiseMedian(vectors: readonly (readonly number[])[]): number[] {
  return vectors[0].map((_, j) => {
    const v = vectors.map((x) => x[j]).sort((a, b) => a - b);
    const mid = v.length >> 1;
    return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  });
}

/**
 * Runs the members on y and on `count` bootstrapped versions of it ({@link bootstrapSeries}); each
 * member's point forecast is the median over the original and the bootstraps, its standard error
 * the original fit's (the backtest calibrates the intervals of the combination).
 */
export function baggedRun(y: readonly number[], h: number, members: readonly MemberMethod[], plan: SeasonalPlan, count: number): MemberRun {
  const run = runMembers(y, h, members, plan);
  if (count <= 0) return run;
  const boots = bootstrapSeries(y, plan, count).map((b) => runMembers(b, h, members, plan));
  for (const m of members) {
    const f = run.forecasts.get(m)!;
    f.mean = pointwiseMedian([f.mean, ...boots.map((b) => b.forecasts.get(m)!.mean)]);
    f.params = {...f.params, bootstraps: count};
  }
  return run;
}
