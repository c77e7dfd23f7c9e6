/**
 * "Is it changing?": the Fingertips recent-trend test (METHODS §4).
 */
import type {Polarity} from "./benchmark.js";

/** One period of an indicator series. */
export interface TrendPoint {
  value: number | null | undefined;
  /** 95% confidence limits of the value. */
  lower?: number | null;
  upper?: number | null;
  /** Sort key (ISO date string, number or Date). When every point has one, points are sorted by it. */
  date?: string | number | Date;
}

/** Direction of the recent trend. */
export type TrendMarker = "increasing" | "decreasing" | "no-change" | "cannot-be-calculated";

/**
 * Indicator value types. Fingertips calculates recent trends only for proportions,
 * crude rates and directly standardised rates.
 */
export type TrendValueType =
  | "proportion"
  | "crude-rate"
  | "directly-standardised-rate"
  | "count"
  | "indirectly-standardised-ratio"
  | "indirectly-standardised-proportion"
  | "mean"
  | "other";

/** Options for {@link recentTrend}. */
export interface RecentTrendOptions {
  polarity: Polarity;
  /** When given and not a proportion, crude rate or DSR, the trend cannot be calculated (as in Fingertips). */
  valueType?: TrendValueType;
}

/** Result of the recent-trend test. */
export interface RecentTrend {
  marker: TrendMarker;
  /** Present for a significant trend on an indicator with a polarity. */
  judgement?: "better" | "worse";
  /** Weighted-regression slope per period on the value scale; null when not computed. */
  slope: number | null;
  /** (slope / se)²; null when not computed. */
  chi2: number | null;
  significant: boolean;
  /** Number of points in the regression. */
  pointsUsed: number;
  /** Why the marker is what it is, when that is not a plain test result. */
  reason?: string;
}

/** Number of most recent points used by Fingertips. */
export const TREND_POINTS = 5;
/** χ²₁ critical value at 99.8% (= qchisq(0.998, 1)), as used by Fingertips. */
export const TREND_CHI2_CRITICAL = 9.54953570608324;

const SUPPORTED_VALUE_TYPES: readonly TrendValueType[] = ["proportion", "crude-rate", "directly-standardised-rate"];

interface Weighted {
  w: number;
  v: number;
  i: number;
}

function fit(rows: readonly Weighted[]): {slope: number; se: number} {
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  for (const {w, v, i} of rows) {
    s1 += w;
    s2 += w * v * i;
    s3 += w * i;
    s4 += w * v;
    s5 += w * i * i;
  }
  const d = s1 * s5 - s3 * s3;
  return {slope: (s1 * s2 - s3 * s4) / d, se: Math.sqrt(s1 / d)};
}

function timeOf(d: string | number | Date): number {
  return d instanceof Date ? d.getTime() : typeof d === "number" ? d : Date.parse(d);
}

/**
 * Fingertips recent trend. On the last 5 points with confidence intervals (i = 1..5,
 * oldest first): seᵢ = (upper − lower)/3.92, wᵢ = 1/seᵢ², weighted least squares of value
 * on i gives slope = (S1·S2 − S3·S4)/(S1·S5 − S3²) and se = √(S1/(S1·S5 − S3²)); the
 * trend is significant when χ² = (slope/se)² > 9.54953570608324 and the slope keeps its
 * sign in all five leave-one-out fits. Polarity turns increasing/decreasing into
 * better/worse.
 *
 * Cannot be calculated: fewer than 5 points with a value, an unsupported value type, or
 * a zero-width interval among the points used. Fingertips quirk kept for comparability:
 * points without intervals are skipped in the regression, and when none has one the
 * result is "no-change" (with slope and χ² null and a `reason`).
 *
 * Points are used in the order given unless every point has a `date`.
 *
 * @throws RangeError when a point's `date` cannot be parsed.
 */
export function recentTrend(points: readonly TrendPoint[], options: RecentTrendOptions): RecentTrend {
  const {polarity, valueType} = options;
  const none = (marker: TrendMarker, reason: string, pointsUsed = 0): RecentTrend => ({
    marker,
    slope: null,
    chi2: null,
    significant: false,
    pointsUsed,
    reason
  });
  if (valueType !== undefined && !SUPPORTED_VALUE_TYPES.includes(valueType)) {
    return none("cannot-be-calculated", `the recent trend is not calculated for value type "${valueType}"`);
  }
  let ordered = [...points];
  if (ordered.length > 0 && ordered.every((p) => p.date !== undefined)) {
    const keyed = ordered.map((p, k) => ({p, k, t: timeOf(p.date as string | number | Date)}));
    const bad = keyed.find((e) => !Number.isFinite(e.t));
    if (bad) throw new RangeError(`points[${bad.k}].date is not a valid date: ${String(bad.p.date)}`);
    ordered = keyed.sort((a, b) => a.t - b.t || a.k - b.k).map((e) => e.p);
  }
  const valid = ordered.filter((p) => typeof p.value === "number" && Number.isFinite(p.value));
  if (valid.length < TREND_POINTS) {
    return none("cannot-be-calculated", `needs at least ${TREND_POINTS} points with values, got ${valid.length}`);
  }
  const withCi = valid
    .filter((p) => typeof p.lower === "number" && typeof p.upper === "number" && Number.isFinite(p.lower) && Number.isFinite(p.upper))
    .slice(-TREND_POINTS);
  if (withCi.length === 0) {
    return none("no-change", "no point has a confidence interval, so no trend can be shown (Fingertips reports no change)");
  }
  const rows: Weighted[] = withCi.map((p, k) => {
    const se = ((p.upper as number) - (p.lower as number)) / 3.92;
    return {w: 1 / (se * se), v: p.value as number, i: k + 1};
  });
  if (rows.some((r) => !Number.isFinite(r.w))) {
    return none("cannot-be-calculated", "a confidence interval of zero width gives the point infinite weight", rows.length);
  }
  const full = fit(rows);
  const chi2 = (full.slope / full.se) ** 2;
  // Fingertips counts a NaN or zero slope as positive; the same convention keeps markers comparable.
  const sign = (s: number): 1 | -1 => (s < 0 ? -1 : 1);
  let agree = true;
  for (let drop = 1; drop <= rows.length; drop++) {
    if (sign(fit(rows.filter((r) => r.i !== drop)).slope) !== sign(full.slope)) agree = false;
  }
  const significant = agree && chi2 > TREND_CHI2_CRITICAL;
  let marker: TrendMarker = "no-change";
  if (significant && full.slope > 0) marker = "increasing";
  else if (significant && full.slope < 0) marker = "decreasing";
  const result: RecentTrend = {
    marker,
    slope: Number.isFinite(full.slope) ? full.slope : null,
    chi2: Number.isFinite(chi2) ? chi2 : null,
    significant,
    pointsUsed: rows.length
  };
  if (marker !== "no-change" && polarity !== "no-judgement") {
    const up = marker === "increasing";
    result.judgement = (polarity === "high-is-good") === up ? "better" : "worse";
  }
  return result;
}
