/**
 * Forecast baselines for OBA "where are we headed if we do nothing different" (METHODS §5).
 *
 * `forecast(values, options)` fits one of naive, drift, linear, SES, Holt, damped trend, Theta,
 * Comb (SES + Holt + damped) or `auto`, on the scale that keeps counts ≥ 0 and proportions in
 * [0, 1], with seasonal adjustment for quarterly and monthly series, and returns 80%/95% intervals
 * checked (and widened when needed) by a rolling-origin backtest.
 *
 * Pure functions, no I/O.
 */
import {runMembers, maseScale, MIN_POINTS, type SeasonalPlan} from "./pipeline.js";
import {backtestOrigins, selectionOrigins, calibrate, coverageWith, type ScoredPoint} from "./backtest.js";
import {buildBands, widenTogether} from "./bands.js";
import {transformFor, varianceStabilising} from "./transform.js";
import type {ModelForecast} from "./models.js";
import {
  BAND_CAP_RANGES,
  ForecastError,
  type BacktestCoverage,
  type BacktestReport,
  type ForecastInterval,
  type ForecastMethod,
  type ForecastOptions,
  type ForecastResult,
  type MemberMethod
} from "./types.js";

export {BAND_CAP_RANGES, ForecastError};
export type {
  BacktestCoverage,
  BacktestReport,
  ForecastErrorCode,
  ForecastInterval,
  ForecastMethod,
  ForecastOptions,
  ForecastResult,
  MemberMethod,
  SeriesKind
} from "./types.js";
export {naive, drift, linear, ses, holt, damped, theta, sesWithDrift, optimisedTheta, ets, etsFilter, dampedFixed} from "./models.js";
export type {ModelForecast, EtsParams, EtsTrend, EtsOptions} from "./models.js";

/** Fewest points for any statistical forecast. */
export const MIN_FORECAST_POINTS = 5;
/** Series up to this length are forecast, with a warning. */
export const SHORT_SERIES_POINTS = 7;

/**
 * Candidates of `auto`. Combinations of exponential smoothing and Theta-type methods on seasonally
 * adjusted data are the most accurate simple methods on the M3/M4 competitions; SES with drift
 * (full and half slope) and the damped trend span "flattening" to "continuing" trends, and the
 * random walk with drift covers series that move in steps.
 */
export const AUTO_CANDIDATES: readonly MemberMethod[] = ["ses", "damped", "theta", "drift", "ses-drift"];
/**
 * Candidates of `auto` on monthly series: the damped trend, Theta and the dynamic optimised Theta
 * model (Fiorucci et al. 2016) fitted to quarterly means of the (seasonally adjusted) months, and
 * Theta fitted to annual means (temporal aggregation, as MAPA and temporal hierarchies: a block
 * mean filters the month-to-month noise, so level and trend are estimated more steadily over an
 * 18-month horizon). On the tuning half of the M3 monthly series this pool scored 12.87 sMAPE
 * against 13.01 for the same three methods on the months themselves, at about 60% of the CPU
 * time; adding the monthly fits back (seven members) gave 12.86 at four times the cost, and the
 * quarterly means alone 12.92. The random walk with drift and SES with the full drift follow
 * month-to-month noise into the trend (sMAPE 17.4 and 15.0 against 13.6–14.0 on the tuning half),
 * and SES only diluted the pool once DOTM (SES when c = 0) was in it.
 */
export const AUTO_CANDIDATES_MONTHLY: readonly MemberMethod[] = ["damped-q", "theta-q", "dotm-q", "theta-y"];
const COMB_MEMBERS: readonly MemberMethod[] = ["ses", "holt", "damped"];

const LABEL: Record<MemberMethod, string> = {
  naive: "naive (last value)",
  drift: "random walk with drift",
  linear: "linear trend (OLS)",
  ses: "simple exponential smoothing",
  holt: "Holt's linear trend",
  damped: "damped trend ETS(A,Ad,N)",
  theta: "Theta method",
  "ses-drift": "SES with least-squares drift",
  dotm: "dynamic optimised Theta (DOTM)",
  "damped-q": "damped trend on quarterly means",
  "theta-q": "Theta method on quarterly means",
  "dotm-q": "DOTM on quarterly means",
  "theta-y": "Theta method on annual means"
};

interface Combined {
  mean: number[];
  se: number[];
  df: number | null;
}

function combine(forecasts: Map<MemberMethod, ModelForecast>, weights: Map<MemberMethod, number>): Combined {
  const h = [...forecasts.values()][0].mean.length;
  const mean = new Array(h).fill(0);
  const se = new Array(h).fill(0);
  let df: number | null = null;
  for (const [name, w] of weights) {
    const f = forecasts.get(name)!;
    // Errors of the members are strongly correlated, so the weighted mean of their standard errors
    // (the perfectly-correlated case) is a fair, slightly conservative, combined standard error.
    for (let j = 0; j < h; j++) {
      mean[j] += w * f.mean[j];
      se[j] += w * f.se[j];
    }
    if (weights.size === 1) df = f.df;
  }
  if (weights.size > 1) {
    // Members that disagree about the future are evidence of model uncertainty the members' own
    // variances leave out; it grows with the horizon (trend or no trend), where intervals fall short.
    for (let j = 0; j < h; j++) {
      let spread = 0;
      for (const [name, w] of weights) spread += w * (forecasts.get(name)!.mean[j] - mean[j]) ** 2;
      se[j] = Math.sqrt(se[j] ** 2 + spread);
    }
  }
  return {mean, se, df};
}

function validate(values: readonly number[], options: ForecastOptions): void {
  if (!Array.isArray(values) || values.some((v) => typeof v !== "number" || !Number.isFinite(v))) {
    throw new ForecastError("invalid-input", "Every value must be a finite number: remove or fill missing periods before forecasting.");
  }
  if (!Number.isInteger(options.h) || options.h < 1) {
    throw new ForecastError("invalid-input", `The horizon h must be a whole number of periods ≥ 1 (got ${options.h}).`);
  }
  const frequency = options.frequency ?? 1;
  if (![1, 4, 12].includes(frequency)) {
    throw new ForecastError("invalid-input", `frequency must be 1, 4 or 12 (got ${frequency}).`);
  }
  for (const l of options.levels ?? []) {
    if (!(l > 0 && l < 1)) throw new ForecastError("invalid-input", `Interval levels are fractions in (0, 1), e.g. 0.8 (got ${l}).`);
  }
  if (values.length < MIN_FORECAST_POINTS) {
    throw new ForecastError(
      "too-few-points",
      `Cannot forecast from ${values.length} point${values.length === 1 ? "" : "s"}: at least ${MIN_FORECAST_POINTS} are needed ` +
        "for a statistical baseline. Agree the baseline by judgement instead, or wait for more data."
    );
  }
  const kind = options.kind ?? "value";
  if (kind === "count" && values.some((v) => v < 0)) {
    throw new ForecastError("invalid-input", "A count cannot be negative: check the data or use kind \"value\".");
  }
  if (kind === "proportion" && values.some((v) => v < 0 || v > 1)) {
    throw new ForecastError("invalid-input", "Proportions must lie in [0, 1] (divide percentages by 100).");
  }
}

/**
 * Forecasts a short series with prediction intervals.
 *
 * - Counts are modelled on log(1 + y) and proportions on logit(y), so forecasts and intervals never
 *   leave [0, ∞) and [0, 1]; point forecasts are then medians on the original scale. Under `auto`,
 *   positive monthly values whose spread grows with their level (Guerrero's λ < ½) are modelled on
 *   log(y) for the same reason.
 * - Quarterly and monthly series are seasonally adjusted (classical multiplicative decomposition,
 *   additive on a log/logit scale; under `auto`, monthly series by an additive robust STL on the
 *   modelling scale) when the seasonal autocorrelation is significant at 90%, as in the M3 Theta
 *   method, and reseasonalised afterwards.
 * - Intervals are analytic (Student-t for the linear trend, normal otherwise). For `auto` (or with
 *   `calibrate: true`) they are checked on a rolling-origin backtest and widened when their
 *   empirical coverage falls short (`backtest`), every level at least as much as the one below it,
 *   and the 95% band is capped at {@link BAND_CAP_RANGES}× the history's range (`bandCapped` says
 *   why). Explicit methods return their textbook intervals unless asked to calibrate.
 * - `auto` weights the candidates {@link AUTO_CANDIDATES} ({@link AUTO_CANDIDATES_MONTHLY} on
 *   monthly series) by the inverse square of their rolling-origin MASE and says so in `reason`.
 *
 * @param values - the series in time order, at least 5 finite values (5–7 gives a warning).
 * @param options - see {@link ForecastOptions}.
 * @throws {ForecastError} code "too-few-points" for fewer than 5 values, "invalid-input" otherwise.
 */
export function forecast(values: readonly number[], options: ForecastOptions): ForecastResult {
  validate(values, options);
  const method: ForecastMethod = options.method ?? "auto";
  const kind = options.kind ?? "value";
  const frequency = options.frequency ?? 1;
  const h = options.h;
  const levels = [...new Set([0.8, 0.95, ...(options.levels ?? [0.8, 0.95])])].sort((a, b) => a - b);
  const n = values.length;
  const warnings: string[] = [];
  if (n <= SHORT_SERIES_POINTS) {
    warnings.push(
      `Only ${n} points: the forecast is indicative and its intervals are wide; treat it as a starting point for discussion.`
    );
  }

  // Monthly values under auto are modelled on the log scale when their spread grows with their level.
  const tr = method === "auto" && kind === "value" && frequency === 12 ? varianceStabilising(values, frequency) : transformFor(kind, values);
  const y = values.map(tr.forward);
  // Monthly auto: additive STL indices on the modelling scale. That scale already matches the
  // seasonal swing to the level (the log when the spread grows with the level, by Guerrero's λ), so
  // on the original scale the swing is about constant and additive indices are the consistent choice.
  const stlMonthly = method === "auto" && frequency === 12;
  const plan: SeasonalPlan = {
    period: frequency,
    mode: options.seasonal ?? "auto",
    multiplicative: tr.name === "none" && !stlMonthly,
    decomposition: stlMonthly ? "stl" : "classical"
  };

  if (y.every((v) => v === y[0])) {
    const flat = Array.from({length: h}, () => values[n - 1]);
    return {
      method: method === "auto" ? "naive" : method,
      params: {last: values[n - 1]},
      mean: flat,
      lower80: flat,
      upper80: flat,
      lower95: flat,
      upper95: flat,
      intervals: levels.map((level) => ({level, lower: flat, upper: flat, widening: new Array(h).fill(1)})),
      backtest: null,
      warnings: [...warnings, "The series is constant, so every method forecasts the same value with no spread."],
      reason: "The series has not changed, so the forecast is its last value.",
      kind,
      transform: tr.name,
      bandCapped: null,
      seasonal: null
    };
  }

  const members: MemberMethod[] =
    method === "auto" ? [...(frequency === 12 ? AUTO_CANDIDATES_MONTHLY : AUTO_CANDIDATES)] : method === "comb" ? [...COMB_MEMBERS] : [method];
  const eligible = members.filter((m) => MIN_POINTS[m] <= n);
  const full = runMembers(y, h, eligible, plan);

  // Rolling-origin backtest: every member at every origin, scored on the modelling scale.
  // Monthly series give h = 12–18 steps per origin, so h origins already score hundreds of
  // held-out points; 2h would double the cost of the slowest step for little more evidence.
  const origins = backtestOrigins(n, h, frequency === 12 ? h : 2 * h).filter((o) => eligible.every((m) => MIN_POINTS[m] <= o));
  const runs = origins.map((o) => {
    const steps = Math.min(h, n - o);
    return {origin: o, actual: y.slice(o, o + steps), scale: maseScale(y.slice(0, o), frequency), run: runMembers(y.slice(0, o), steps, eligible, plan)};
  });
  const maseOf = (name: MemberMethod, which: typeof runs) => {
    const per = which
      .filter((r) => r.scale > 0)
      .map((r) => {
        const f = r.run.forecasts.get(name)!.mean;
        return r.actual.reduce((s, a, j) => s + Math.abs(a - f[j]), 0) / r.actual.length / r.scale;
      });
    return per.length ? per.reduce((s, v) => s + v, 0) / per.length : Number.NaN;
  };

  // Weights: one member, equal thirds for Comb, inverse squared recent MASE for auto.
  const weights = new Map<MemberMethod, number>();
  let candidates: BacktestReport["candidates"];
  let reason: string;
  if (method === "auto") {
    const recent = new Set(selectionOrigins(origins, h));
    const selectionRuns = runs.filter((r) => recent.has(r.origin));
    const scores = eligible.map((m) => ({method: m, mase: maseOf(m, selectionRuns)}));
    // Fewer than 3 held-out points is too little evidence to prefer one method over another.
    const heldOut = selectionRuns.reduce((s, r) => s + r.actual.length, 0);
    const scored = heldOut >= 3 && scores.every((s) => Number.isFinite(s.mase));
    // Monthly: the fourth power, nearer a selection (tuning half of the M3 monthly series, with the
    // seasonal refinements: 13.05 with the square, 13.01 with the fourth power).
    const power = frequency === 12 ? 4 : 2;
    const raw = scores.map((s) => (scored ? 1 / Math.max(s.mase, 1e-6) ** power : 1));
    const total = raw.reduce((a, b) => a + b, 0);
    scores.forEach((s, i) => weights.set(s.method, raw[i] / total));
    candidates = scores.map((s) => ({method: s.method, mase: s.mase, weight: weights.get(s.method)!}));
    const ranked = [...candidates].sort((a, b) => b.weight - a.weight);
    const list = ranked.map((c) => `${c.method} ${(100 * c.weight).toFixed(0)}%`).join(", ");
    reason = scored
      ? `Weighted combination of ${list}. Each candidate was refitted at the last ${selectionRuns.length} forecast origins ` +
        `(${heldOut} held-out points) ` +
        `and weighted by the inverse ${power === 2 ? "square" : "fourth power"} of its out-of-sample MASE on them, so the methods that have tracked this ` +
        `series best count most, while combining keeps the forecast robust (combinations of exponential smoothing and ` +
        `Theta methods are the most accurate simple methods on the M3 and M4 competitions). Best single method: ` +
        `${LABEL[ranked[0].method]} (MASE ${ranked[0].mase.toFixed(2)}).`
      : `Equal-weight combination of ${eligible.join(", ")}: the series is too short to compare methods on enough ` +
        `held-out points (${heldOut}), and an equal combination is the safest choice when there is no evidence to prefer one method.`;
  } else if (method === "comb") {
    for (const m of eligible) weights.set(m, 1 / eligible.length);
    reason = `Comb: the average of ${eligible.map((m) => LABEL[m]).join(", ")} (as requested).`;
  } else {
    if (eligible.length === 0) {
      throw new ForecastError("too-few-points", `${LABEL[method]} needs at least ${MIN_POINTS[method]} points (got ${n}).`);
    }
    weights.set(method, 1);
    reason = `${LABEL[method][0].toUpperCase()}${LABEL[method].slice(1)} (as requested).`;
  }
  if (full.seasonal) {
    const decomposition = plan.decomposition === "stl" ? "robust STL decomposition" : "classical decomposition";
    reason += ` The series was seasonally adjusted first (${full.seasonal.type} ${decomposition}, period ${frequency}), because its seasonal autocorrelation is significant at the 90% level.`;
  }
  if (tr.name !== "none") {
    reason +=
      tr.name === "log1p"
        ? " Modelled on log(1 + count) so the forecast cannot go below zero."
        : tr.name === "log"
          ? " Modelled on the log scale because the series' month-to-month spread grows with its level (Guerrero's Box-Cox λ is nearer 0 than 1), so errors are proportional; the forecast is the median on the original scale."
          : " Modelled on the logit scale so the forecast stays between 0 and 1.";
  }

  const point = combine(full.forecasts, weights);

  // Backtest of the forecast actually returned (same weights), standardised for calibration.
  const scoredPoints: ScoredPoint[] = [];
  let maseSum = 0;
  let maseCount = 0;
  for (const r of runs) {
    const c = combine(r.run.forecasts, weights);
    r.actual.forEach((a, j) => scoredPoints.push({horizon: j + 1, z: (a - c.mean[j]) / Math.max(c.se[j], 1e-12)}));
    if (r.scale > 0) {
      maseSum += r.actual.reduce((s, a, j) => s + Math.abs(a - c.mean[j]), 0) / r.actual.length / r.scale;
      maseCount++;
    }
  }
  // Explicit methods give their textbook intervals unless calibration is asked for; auto is calibrated.
  const calibrateOn = options.calibrate ?? method === "auto";
  const calibrations = levels.map((level) => calibrate(scoredPoints, level, point.df, h));
  const together = calibrateOn ? widenTogether(calibrations.map((c) => c.widening)) : levels.map(() => new Array(h).fill(1));
  const coverage: BacktestCoverage[] = levels.map((level, i) => ({
    level,
    analytic: calibrations[i].analytic,
    calibrated: coverageWith(scoredPoints, level, point.df, together[i]),
    widening: together[i]
  }));
  if (origins.length === 0) {
    warnings.push("Too few points to backtest: the intervals are the analytic ones, unchecked, and likely too narrow.");
  } else if (calibrateOn) {
    const widened = coverage.filter((c) => (c.level === 0.8 || c.level === 0.95) && c.widening.some((w) => w > 1));
    if (widened.length) {
      const range = (w: number[]) => (w[0] === w[w.length - 1] ? `×${w[0].toFixed(2)}` : `×${w[0].toFixed(2)}–${w[w.length - 1].toFixed(2)}`);
      reason += ` Intervals widened (${widened.map((c) => `${Math.round(c.level * 100)}% ${range(c.widening)}`).join(", ")}) because the analytic ones covered too few held-out points in the backtest.`;
    }
  }

  const bands = buildBands(values, point, levels, together, tr.inverse, options.capBands ?? calibrateOn);
  const intervals: ForecastInterval[] = bands.intervals;
  if (bands.bandCapped) {
    reason += ` ${bands.bandCapped}`;
    warnings.push(bands.bandCapped);
  }
  const at = (level: number) => intervals.find((i) => i.level === level)!;
  const params: Record<string, unknown> =
    weights.size === 1
      ? {...full.forecasts.get([...weights.keys()][0])!.params}
      : {weights: Object.fromEntries(weights), members: Object.fromEntries([...full.forecasts].map(([k, f]) => [k, f.params]))};

  return {
    method,
    params,
    mean: point.mean.map(tr.inverse),
    lower80: at(0.8).lower,
    upper80: at(0.8).upper,
    lower95: at(0.95).lower,
    upper95: at(0.95).upper,
    intervals: intervals.filter((i) => (options.levels ?? [0.8, 0.95]).includes(i.level) || i.level === 0.8 || i.level === 0.95),
    backtest:
      origins.length === 0
        ? null
        : {origins, points: scoredPoints.length, mase: maseCount ? maseSum / maseCount : null, coverage, ...(candidates ? {candidates} : {})},
    warnings,
    reason,
    kind,
    transform: tr.name,
    bandCapped: bands.bandCapped,
    seasonal: full.seasonal ? {period: full.seasonal.period, type: full.seasonal.type, indices: full.seasonal.indices} : null
  };
}
