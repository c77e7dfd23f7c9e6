/**
 * STL: seasonal-trend decomposition by loess (Cleveland, Cleveland, McRae & Terpenning 1990), a port
 * of the reference Fortran behind R `stats::stl`, with the robustness iterations that down-weight
 * unusual points. No maintained npm package does STL, so this is the compact original algorithm.
 */
import {shrinkIndices, type SeasonalIndices} from "./seasonal.js";

const kernels = new Map<number, Float64Array>();
/** Tricube weights at integer distances 0..h from the point estimated, for bandwidth h (cached). */
function tricube(h: number): Float64Array {
  let k = kernels.get(h);
  if (!k) {
    k = new Float64Array(h + 1);
    for (let r = 0; r <= h; r++) k[r] = r <= 0.001 * h ? 1 : r <= 0.999 * h ? (1 - (r / h) ** 3) ** 3 : 0;
    kernels.set(h, k);
  }
  return k;
}

/**
 * Loess estimate at xs (1-based position) from y[nleft..nright] (1-based) with span len and degree
 * 0 or 1 (local constant or line), tricube weights times the robustness weights rw when given, as
 * `stlest` of the reference Fortran. Null when every weight is zero.
 */
function loessAt(y: ArrayLike<number>, n: number, len: number, degree: 0 | 1, xs: number, nleft: number, nright: number, rw: ArrayLike<number> | null): number | null {
  let h = Math.max(xs - nleft, nright - xs);
  if (len > n) h += Math.floor((len - n) / 2);
  const kernel = tricube(h);
  // One pass for the weighted sums of the local line, with positions measured from xs (the
  // reference makes a pass each for the weights, their centre, their spread and the estimate).
  let a = 0;
  let sd = 0;
  let sdd = 0;
  let sy = 0;
  let sdy = 0;
  for (let j = nleft; j <= nright; j++) {
    const d = j - xs;
    const r = d < 0 ? -d : d;
    if (r >= kernel.length) continue;
    const wj = rw ? kernel[r] * rw[j - 1] : kernel[r];
    const wy = wj * y[j - 1];
    a += wj;
    sy += wy;
    sd += wj * d;
    sdd += wj * d * d;
    sdy += wy * d;
  }
  if (a <= 0) return null;
  if (h > 0 && degree > 0) {
    const mid = sd / a;
    const c = sdd / a - mid * mid;
    if (Math.sqrt(c) > 0.001 * (n - 1)) return sy / a - (mid / c) * (sdy / a - (mid * sy) / a);
  }
  return sy / a;
}

/** Loess estimate at i (1-based) over the len points nearest it, y[i − 1] when every weight is zero. */
function loessWindowed(y: ArrayLike<number>, n: number, len: number, degree: 0 | 1, i: number, rw: ArrayLike<number> | null): number {
  const nsh = (len + 1) >> 1;
  const nleft = len >= n || i < nsh ? 1 : i >= n - nsh + 1 ? n - len + 1 : i - nsh + 1;
  const nright = len >= n ? n : nleft + len - 1;
  return loessAt(y, n, len, degree, i, nleft, nright, rw) ?? y[i - 1];
}

/**
 * Loess smooth of y[0..n) with span len (odd), into out: estimated at every `jump`-th point (and the
 * last) and linearly interpolated between them, as `stless` of the reference Fortran.
 */
function loess(y: ArrayLike<number>, n: number, len: number, degree: 0 | 1, rw: ArrayLike<number> | null, out: Float64Array, offset = 0, jump = 1): void {
  if (n < 2) {
    for (let i = 0; i < n; i++) out[offset + i] = y[i];
    return;
  }
  const step = Math.min(jump, n - 1);
  for (let i = 1; i <= n; i += step) out[offset + i - 1] = loessWindowed(y, n, len, degree, i, rw);
  if (step === 1) return;
  for (let i = 1; i <= n - step; i += step) {
    const delta = (out[offset + i + step - 1] - out[offset + i - 1]) / step;
    for (let j = i + 1; j < i + step; j++) out[offset + j - 1] = out[offset + i - 1] + delta * (j - i);
  }
  const k = Math.floor((n - 1) / step) * step + 1;
  if (k !== n) {
    out[offset + n - 1] = loessWindowed(y, n, len, degree, n, rw);
    const delta = (out[offset + n - 1] - out[offset + k - 1]) / (n - k);
    for (let j = k + 1; j < n; j++) out[offset + j - 1] = out[offset + k - 1] + delta * (j - k);
  }
}

/** Moving average of x[0..n) with span len, into out (n − len + 1 values). */
function movingAverage(x: ArrayLike<number>, n: number, len: number, out: Float64Array): void {
  let s = 0;
  for (let i = 0; i < len; i++) s += x[i];
  out[0] = s / len;
  for (let i = len; i < n; i++) {
    s += x[i] - x[i - len];
    out[i - len + 1] = s / len;
  }
}

/**
 * Points between loess estimates for a smoother of span len: ceiling(len / 10), the default
 * `s.jump`, `t.jump` and `l.jump` of R `stl` (the smooths are linear between estimates a tenth of
 * a span apart, so the decomposition hardly changes and costs about half as much).
 */
export function jumpFor(len: number): number {
  return Math.ceil(len / 10);
}

/** Smooths each cycle-subseries of y and extends it by one cycle at each end, into out (n + 2·period). */
function cycleSubseries(y: Float64Array, period: number, ns: number, rw: Float64Array | null, out: Float64Array): void {
  const n = y.length;
  const k0 = Math.ceil(n / period);
  const sub = new Float64Array(k0);
  const subRw = rw ? new Float64Array(k0) : null;
  const smooth = new Float64Array(k0);
  for (let j = 0; j < period; j++) {
    let k = 0;
    for (let t = j; t < n; t += period) {
      sub[k] = y[t];
      if (subRw) subRw[k] = rw![t];
      k++;
    }
    loess(sub, k, ns, 0, subRw, smooth, 0, jumpFor(ns));
    out[j] = loessAt(sub, k, ns, 0, 0, 1, Math.min(ns, k), subRw) ?? smooth[0];
    for (let m = 0; m < k; m++) out[(m + 1) * period + j] = smooth[m];
    out[(k + 1) * period + j] = loessAt(sub, k, ns, 0, k + 1, Math.max(1, k - ns + 1), k, subRw) ?? smooth[k - 1];
  }
}

const nextOdd = (x: number) => {
  const v = Math.round(x);
  return v % 2 === 0 ? v + 1 : v;
};

/** Seasonal and trend components of y. */
export interface StlComponents {
  seasonal: number[];
  trend: number[];
  /** Robustness weight of each point (1 everywhere without the robust iterations). */
  weights: number[];
}

/**
 * STL of y with the given period and seasonal span (odd, in cycles), R `stl` defaults otherwise:
 * local-constant seasonal smoothing, trend span nextodd(1.5·period / (1 − 1.5/ns)), low-pass span
 * nextodd(period); each smoother estimated every `jumpFor(span)` points and linear in between;
 * robust: 1 inner and 15 outer iterations with bisquare weights on the remainders.
 */
export function stl(y: readonly number[], period: number, ns: number, robust = true): StlComponents {
  const n = y.length;
  const nt = nextOdd(Math.ceil((1.5 * period) / (1 - 1.5 / ns)));
  const nl = nextOdd(period);
  const inner = robust ? 1 : 2;
  const outer = robust ? 15 : 0;
  const trend = new Float64Array(n);
  const seasonal = new Float64Array(n);
  const work = new Float64Array(n);
  const cycle = new Float64Array(n + 2 * period);
  const ma1 = new Float64Array(n + period + 1);
  const ma2 = new Float64Array(n + 2);
  const ma3 = new Float64Array(n);
  const low = new Float64Array(n);
  const residual = new Float64Array(n);
  let rw: Float64Array | null = null;
  for (let o = 0; o <= outer; o++) {
    for (let i = 0; i < inner; i++) {
      for (let t = 0; t < n; t++) work[t] = y[t] - trend[t];
      cycleSubseries(work, period, ns, rw, cycle);
      movingAverage(cycle, n + 2 * period, period, ma1);
      movingAverage(ma1, n + period + 1, period, ma2);
      movingAverage(ma2, n + 2, 3, ma3);
      loess(ma3, n, nl, 1, null, low, 0, jumpFor(nl));
      for (let t = 0; t < n; t++) {
        seasonal[t] = cycle[period + t] - low[t];
        work[t] = y[t] - seasonal[t];
      }
      loess(work, n, nt, 1, rw, trend, 0, jumpFor(nt));
    }
    if (o < outer) {
      for (let t = 0; t < n; t++) residual[t] = Math.abs(y[t] - seasonal[t] - trend[t]);
      const sorted = Float64Array.from(residual).sort();
      const mid = n >> 1;
      const cmad = 6 * (n % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
      rw ??= new Float64Array(n);
      for (let t = 0; t < n; t++) {
        const v = residual[t];
        rw[t] = v <= 0.001 * cmad ? 1 : v <= 0.999 * cmad ? (1 - (v / cmad) ** 2) ** 2 : 0;
      }
    }
  }
  return {seasonal: Array.from(seasonal), trend: Array.from(trend), weights: rw ? Array.from(rw) : new Array(n).fill(1)};
}

/**
 * The seasonal span of STL for one seasonal period: 11 cycles, the default of R `forecast::mstl`
 * and of `feasts::STL` (Hyndman & Athanasopoulos, FPP3). On histories of 4–10 cycles (the M3
 * monthly series) the loess over a month's values is then nearly a weighted mean of all its
 * years: the pattern is held almost stable, as all-cycle indices beat the recent cycles before.
 */
export const STL_SEASONAL_SPAN = 11;

/**
 * Additive seasonal indices from a robust STL of y: each position's index is the seasonal
 * component of its latest occurrence (as `forecast::stlf` reseasonalises), shrunk towards neutral
 * by `shrinkIndices` with each position's detrended values as its noisy observations, and centred
 * to sum to zero. Against the ratio-to-moving-average decomposition, the loess trend reaches the
 * ends of the series, so the latest half-year's values count too, and the robustness weights set an
 * unusual month aside in the trend as well as in the seasonal estimate (one outlier pulls a 2×12
 * moving average, and so the ratios of the twelve months around it).
 */
export function stlIndices(y: readonly number[], m: number, ns = STL_SEASONAL_SPAN): SeasonalIndices {
  const {seasonal, trend} = stl(y, m, ns, true);
  const n = y.length;
  const latest: number[] = new Array(m).fill(0);
  for (let t = Math.max(0, n - m); t < n; t++) latest[t % m] = seasonal[t];
  const detrendedByPosition: number[][] = Array.from({length: m}, () => []);
  for (let t = 0; t < n; t++) detrendedByPosition[t % m].push(y[t] - trend[t]);
  const shrunk = shrinkIndices(latest, detrendedByPosition);
  const mean = shrunk.reduce((s, v) => s + v, 0) / m;
  return {type: "additive", period: m, indices: shrunk.map((v) => v - mean)};
}
