/**
 * Rolling-origin backtest helpers: which origins to use, and how to widen intervals that the
 * backtest shows to be too narrow.
 */
import {twoSided} from "./quantiles.js";

/** A held-out point from the backtest, standardised by its forecast standard error. */
export interface ScoredPoint {
  /** Steps ahead (1-based). */
  horizon: number;
  /** (actual − forecast) / se on the modelling scale. */
  z: number;
}

/**
 * Origins (training lengths) for the backtest: up to `span` of the most recent ones (default 2h),
 * but never training on fewer than 5 points or less than 60% of the series, so backtest fits
 * resemble the real one.
 */
export function backtestOrigins(n: number, h: number, span = 2 * h): number[] {
  const minTrain = Math.max(5, Math.ceil(0.6 * n));
  const first = Math.max(minTrain, n - span);
  const out: number[] = [];
  for (let o = first; o < n; o++) out.push(o);
  return out;
}

/**
 * Origins whose errors weight the candidates of `auto`: the last ⌈h/2⌉ (at least 2). On the M3
 * series the most recent origins predicted which methods would do well better than longer windows.
 */
export function selectionOrigins(origins: readonly number[], h: number): number[] {
  const k = Math.max(2, Math.ceil(h / 2));
  return origins.slice(-k);
}

/** Coverage and widening for one level. */
export interface Calibration {
  analytic: number | null;
  calibrated: number | null;
  /** Factor applied to the analytic half-width at horizons 1..h (all 1 when not widened). */
  widening: number[];
}

/** Share of the backtest points (each horizon weighted equally) inside intervals widened by `widening`. */
export function coverageWith(points: readonly ScoredPoint[], level: number, df: number | null, widening: readonly number[]): number | null {
  const finite = points.filter((p) => Number.isFinite(p.z));
  if (finite.length === 0) return null;
  const perHorizon = new Map<number, number>();
  for (const p of finite) perHorizon.set(p.horizon, (perHorizon.get(p.horizon) ?? 0) + 1);
  const q = twoSided(level, df);
  return finite.reduce(
    (s, p) => s + (Math.abs(p.z) <= (widening[p.horizon - 1] ?? 1) * q ? 1 / (perHorizon.get(p.horizon)! * perHorizon.size) : 0),
    0
  );
}

/**
 * How fast the standardised backtest errors grow with the horizon: the least-squares slope γ of
 * log|z| on log(horizon), each horizon weighted equally, clamped to [0, 1]. Analytic variances of
 * smoothing models assume the model is right, so they grow too slowly; γ > 0 corrects the shape.
 */
export function horizonGrowth(points: readonly ScoredPoint[]): number {
  const byH = new Map<number, number[]>();
  for (const p of points) if (Number.isFinite(p.z) && p.z !== 0) byH.set(p.horizon, [...(byH.get(p.horizon) ?? []), Math.log(Math.abs(p.z))]);
  if (byH.size < 3) return 0;
  const xs: number[] = [];
  const ys: number[] = [];
  for (const [hz, v] of byH) {
    xs.push(Math.log(hz));
    ys.push(v.reduce((a, b) => a + b, 0) / v.length);
  }
  const xm = xs.reduce((a, b) => a + b, 0) / xs.length;
  const ym = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  xs.forEach((x, i) => {
    sxy += (x - xm) * (ys[i] - ym);
    sxx += (x - xm) ** 2;
  });
  return sxx > 0 ? Math.min(1, Math.max(0, sxy / sxx)) : 0;
}

/**
 * Share of the backtest points inside the analytic interval, and the factors by which to widen it so
 * that the share reaches the nominal level. The factor is k·horizon^γ ({@link horizonGrowth}), k set
 * so the reshaped errors reach the level: each horizon carries equal weight (long horizons have fewer
 * backtest points but matter as much) and the target is raised by the split-conformal
 * finite-sample correction (N + 1)/N. Intervals are only ever widened, never narrowed.
 */
export function calibrate(points: readonly ScoredPoint[], level: number, df: number | null, h: number, maxWidening = 4): Calibration {
  const ones = new Array(h).fill(1);
  const finite = points.filter((p) => Number.isFinite(p.z));
  if (finite.length === 0) return {analytic: null, calibrated: null, widening: ones};
  const perHorizon = new Map<number, number>();
  for (const p of finite) perHorizon.set(p.horizon, (perHorizon.get(p.horizon) ?? 0) + 1);
  const weight = (p: ScoredPoint) => 1 / (perHorizon.get(p.horizon)! * perHorizon.size);
  const q = twoSided(level, df);
  const coverage = (factor: (hz: number) => number) =>
    finite.reduce((s, p) => s + (Math.abs(p.z) <= factor(p.horizon) * q ? weight(p) : 0), 0);
  const analytic = coverage(() => 1);
  if (analytic >= level) return {analytic, calibrated: analytic, widening: ones};
  const gamma = horizonGrowth(finite);
  const target = Math.min(1, (level * (finite.length + 1)) / finite.length);
  const reshaped = finite.map((p) => ({p, r: Math.abs(p.z) / p.horizon ** gamma})).sort((a, b) => a.r - b.r);
  let acc = 0;
  let needed = reshaped[reshaped.length - 1].r;
  for (const {p, r} of reshaped) {
    acc += weight(p);
    if (acc >= target - 1e-12) {
      needed = r;
      break;
    }
  }
  const k = needed / q;
  const factor = (hz: number) => Math.min(maxWidening, Math.max(1, k * hz ** gamma));
  return {analytic, calibrated: coverage(factor), widening: Array.from({length: h}, (_, j) => factor(j + 1))};
}
