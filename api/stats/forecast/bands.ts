/**
 * The rules every forecast band obeys (issue 14): a higher level is strictly wider than a lower one
 * at every horizon; when the backtest widens one level, the levels above it widen at least as much;
 * and a 95% band so wide that it says little beyond "anything could happen" is capped, with a reason.
 */
import {twoSided} from "./quantiles.js";
import {BAND_CAP_RANGES} from "./types.js";

/**
 * Widening factors that keep levels in step: each level is widened at least as much as the level
 * below it (levels sorted ascending). Each level is calibrated on its own backtest points, so an 80%
 * band can need more widening than the 95% one; giving the 95% band the same factor keeps the ratio
 * of the two half-widths at its analytic value (q95/q80 > 1), so the 80% band stays strictly inside.
 */
export function widenTogether(widenings: readonly number[][]): number[][] {
  const out = widenings.map((w) => [...w]);
  for (let i = 1; i < out.length; i++) out[i] = out[i].map((w, j) => Math.max(w, out[i - 1][j]));
  return out;
}

/**
 * Per-horizon factors (≤ 1) that shrink every level's half-width on the modelling scale so the
 * back-transformed 95% band is no wider than `maxWidth`. Factors are found by bisection, as the
 * band's width on the original scale is increasing in the half-width for every transform used.
 */
export function capFactors(
  mean: readonly number[],
  halfWidth95: readonly number[],
  inverse: (v: number) => number,
  maxWidth: number
): number[] {
  return mean.map((m, j) => {
    const width = (c: number) => inverse(m + c * halfWidth95[j]) - inverse(m - c * halfWidth95[j]);
    if (!(maxWidth > 0) || width(1) <= maxWidth) return 1;
    let lo = 0;
    let hi = 1;
    for (let k = 0; k < 60; k++) {
      const mid = (lo + hi) / 2;
      if (width(mid) <= maxWidth) lo = mid;
      else hi = mid;
    }
    return lo;
  });
}

/** Intervals at each level, and why the bands were capped (null when they were not). */
export interface Bands {
  intervals: {level: number; lower: number[]; upper: number[]; widening: number[]}[];
  bandCapped: string | null;
}

/**
 * Back-transformed intervals for sorted `levels` with per-level widenings, capped when `cap` is on
 * so the 95% band is at most {@link BAND_CAP_RANGES}× the range of `history` (original scale).
 */
export function buildBands(
  history: readonly number[],
  point: {mean: readonly number[]; se: readonly number[]; df: number | null},
  levels: readonly number[],
  widenings: readonly number[][],
  inverse: (v: number) => number,
  cap: boolean
): Bands {
  const i95 = levels.indexOf(0.95);
  const range = Math.max(...history) - Math.min(...history);
  const maxWidth = BAND_CAP_RANGES * range;
  const half = (i: number, j: number) => twoSided(levels[i], point.df) * widenings[i][j] * point.se[j];
  const factors =
    cap && i95 >= 0 ? capFactors(point.mean, point.mean.map((_, j) => half(i95, j)), inverse, maxWidth) : point.mean.map(() => 1);
  const intervals = levels.map((level, i) => ({
    level,
    lower: point.mean.map((m, j) => inverse(m - factors[j] * half(i, j))),
    upper: point.mean.map((m, j) => inverse(m + factors[j] * half(i, j))),
    widening: widenings[i].map((w, j) => w * factors[j])
  }));
  const capped = factors.map((f, j) => (f < 1 ? j + 1 : 0)).filter((j) => j > 0);
  const bandCapped = capped.length
    ? `The 95% band was capped at ${BAND_CAP_RANGES}× the range of the history (${fmt(maxWidth)} wide) ` +
      `${capped.length === 1 ? `at horizon ${capped[0]}` : `at horizons ${capped[0]}–${capped[capped.length - 1]}`}, ` +
      `and the 80% band narrowed in step: the backtest called for wider bands, which would say little beyond ` +
      `"anything could happen". Read the capped horizons as more uncertain than the band shows.`
    : null;
  return {intervals, bandCapped};
}

const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toPrecision(3) : v.toPrecision(2));
