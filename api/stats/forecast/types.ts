/** Shared types of the forecasting module. */

/** The 95% band is capped at this many times the range of the history it was drawn from. */
export const BAND_CAP_RANGES = 3;

/** Methods a caller can ask for. `auto` chooses (and says why). */
export type ForecastMethod = "naive" | "drift" | "linear" | "ses" | "holt" | "damped" | "theta" | "comb" | "auto";

/** Internal building blocks: the public methods plus SES with the full OLS drift (θ → ∞ theta line). */
export type MemberMethod = Exclude<ForecastMethod, "auto" | "comb"> | "ses-drift" | "dotm" | "damped-q" | "theta-q" | "dotm-q" | "theta-y";

/** What the numbers are: counts stay ≥ 0, proportions stay in [0, 1]. */
export type SeriesKind = "count" | "proportion" | "value";

/** Options for `forecast`. */
export interface ForecastOptions {
  /** Observations per year: 1 annual, 4 quarterly, 12 monthly (default 1). */
  frequency?: 1 | 4 | 12;
  /** Number of periods to forecast (≥ 1). */
  h: number;
  /** Method (default "auto"). */
  method?: ForecastMethod;
  /** Central interval levels returned in `intervals` (default [0.8, 0.95]); 80% and 95% are always in the named fields. */
  levels?: number[];
  /** Kind of measure (default "value"). */
  kind?: SeriesKind;
  /**
   * Widen the analytic intervals when the rolling-origin backtest shows they under-cover. Default:
   * true for `auto`, false for an explicit method, which returns its textbook intervals (those of R
   * `forecast::naive`, `rwf(drift = TRUE)`, `predict.lm`, `ets`, `thetaf`) unless this is set.
   */
  calibrate?: boolean;
  /**
   * Cap the 95% band at {@link BAND_CAP_RANGES}× the range of the history (all levels shrink by the
   * same factor, so they stay nested) and say so in `bandCapped`. Default: on whenever the
   * intervals are calibrated, off for textbook intervals.
   */
  capBands?: boolean;
  /** Seasonal adjustment: "auto" tests for seasonality (default), "none" never adjusts. */
  seasonal?: "auto" | "none";
}

/** Interval at one level. */
export interface ForecastInterval {
  level: number;
  lower: number[];
  upper: number[];
  /**
   * Factor applied to the analytic half-width at horizons 1..h: the backtest widening times any
   * cap (1 = the analytic interval; below 1 only where the band was capped).
   */
  widening: number[];
}

/** Coverage of one interval level in the rolling-origin backtest. */
export interface BacktestCoverage {
  level: number;
  /** Share of held-out points inside the analytic interval (null when nothing could be scored). */
  analytic: number | null;
  /** Share inside the widened interval (in-sample for the widening, so optimistic). */
  calibrated: number | null;
  /** Widening factor at horizons 1..h. */
  widening: number[];
}

/** Rolling-origin backtest report. */
export interface BacktestReport {
  /** Forecast origins (training lengths) used. */
  origins: number[];
  /** Held-out (origin, horizon) points scored. */
  points: number;
  /** Mean absolute scaled error of the method returned, over the backtest. */
  mase: number | null;
  coverage: BacktestCoverage[];
  /** For auto: each candidate's rolling-origin MASE and its weight in the forecast. */
  candidates?: {method: MemberMethod; mase: number; weight: number}[];
}

/** Output of `forecast`. */
export interface ForecastResult {
  /** Method used: one of the public methods, or "auto" for a weighted combination. */
  method: ForecastMethod;
  params: Record<string, unknown>;
  mean: number[];
  lower80: number[];
  upper80: number[];
  lower95: number[];
  upper95: number[];
  intervals: ForecastInterval[];
  backtest: BacktestReport | null;
  warnings: string[];
  /** Plain-English account of the method and why it was used. */
  reason: string;
  kind: SeriesKind;
  /**
   * Scale the model worked on: counts on log(1 + y), proportions on logit(y), and monthly values
   * whose spread grows with their level on log(y) under `auto`.
   */
  transform: "none" | "log1p" | "logit" | "log";
  /**
   * Why the bands were capped, in plain English, or null when they were not: the backtest asked
   * for a 95% band wider than {@link BAND_CAP_RANGES}× the range of the history, which says little
   * beyond "anything could happen" and squashes the history on a chart.
   */
  bandCapped: string | null;
  /** Seasonal adjustment applied to the whole series, if any. */
  seasonal: {period: number; type: "multiplicative" | "additive"; indices: number[]} | null;
}

/** Error codes of {@link ForecastError}. */
export type ForecastErrorCode = "too-few-points" | "invalid-input";

/** A forecast that cannot be made, with a code a caller can branch on. */
export class ForecastError extends Error {
  readonly code: ForecastErrorCode;
  constructor(code: ForecastErrorCode, message: string) {
    super(message);
    this.name = "ForecastError";
    this.code = code;
  }
}
