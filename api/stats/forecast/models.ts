/**
 * Forecasting models on a plain (already transformed and seasonally adjusted) series.
 * Each returns point forecasts and forecast standard errors; intervals are built by the caller.
 */
import {gridThenPolish} from "./optim.js";

/** Point forecasts and standard errors from one model. */
export interface ModelForecast {
  method: string;
  /** Point forecasts for horizons 1..h. */
  mean: number[];
  /** Forecast standard errors for horizons 1..h. */
  se: number[];
  /** Degrees of freedom of a Student-t interval, or null for a normal interval. */
  df: number | null;
  /** Fitted parameters (smoothing parameters, initial and final states, slope …). */
  params: Record<string, number>;
  /** One-step-ahead in-sample forecasts (NaN where the model gives none). */
  fitted: number[];
  /** Variance of the one-step errors. */
  sigma2: number;
}

const sum = (a: readonly number[]) => a.reduce((s, v) => s + v, 0);
const diffs = (y: readonly number[]) => y.slice(1).map((v, i) => v - y[i]);

/**
 * Naive (random walk): the last value, with se_h = √(h·MSE), MSE the mean squared one-step change
 * (as R `forecast::rwf(drift = FALSE)`).
 */
export function naive(y: readonly number[], h: number): ModelForecast {
  const n = y.length;
  const d = diffs(y);
  const mse = sum(d.map((e) => e * e)) / d.length;
  const last = y[n - 1];
  return {
    method: "naive",
    mean: Array.from({length: h}, () => last),
    se: Array.from({length: h}, (_, i) => Math.sqrt(mse * (i + 1))),
    df: null,
    params: {last, sigma2: mse},
    fitted: [Number.NaN, ...y.slice(0, n - 1)],
    sigma2: mse
  };
}

/**
 * Random walk with drift: last value + h·(mean change); the variance includes the drift's own
 * standard error, se_h = √(MSE·h + h²·MSE/(n−1)) (as R `forecast::rwf(drift = TRUE)`).
 */
export function drift(y: readonly number[], h: number): ModelForecast {
  const n = y.length;
  const d = diffs(y);
  const b = sum(d) / d.length;
  const mse = sum(d.map((e) => (e - b) ** 2)) / (d.length - 1);
  const bSe = Math.sqrt(mse / d.length);
  const last = y[n - 1];
  return {
    method: "drift",
    mean: Array.from({length: h}, (_, i) => last + (i + 1) * b),
    se: Array.from({length: h}, (_, i) => Math.sqrt(mse * (i + 1) + ((i + 1) * bSe) ** 2)),
    df: null,
    params: {drift: b, driftSe: bSe, sigma2: mse},
    fitted: [Number.NaN, ...y.slice(0, n - 1).map((v) => v + b)],
    sigma2: mse
  };
}

/** Ordinary least squares of y on t = 1..n. */
export function olsTrend(y: readonly number[]) {
  const n = y.length;
  const tbar = (n + 1) / 2;
  const ybar = sum(y) / n;
  let sxx = 0;
  let sxy = 0;
  for (let i = 0; i < n; i++) {
    sxx += (i + 1 - tbar) ** 2;
    sxy += (i + 1 - tbar) * (y[i] - ybar);
  }
  const slope = sxy / sxx;
  const intercept = ybar - slope * tbar;
  return {intercept, slope, tbar, sxx};
}

/**
 * Linear trend by OLS on t = 1..n with the `predict.lm` prediction interval:
 * se_h = s·√(1 + 1/n + (t₀ − t̄)²/Sxx), Student-t with n − 2 degrees of freedom.
 */
export function linear(y: readonly number[], h: number): ModelForecast {
  const n = y.length;
  const {intercept, slope, tbar, sxx} = olsTrend(y);
  const fitted = y.map((_, i) => intercept + slope * (i + 1));
  const s2 = sum(y.map((v, i) => (v - fitted[i]) ** 2)) / (n - 2);
  const s = Math.sqrt(s2);
  return {
    method: "linear",
    mean: Array.from({length: h}, (_, i) => intercept + slope * (n + i + 1)),
    se: Array.from({length: h}, (_, i) => s * Math.sqrt(1 + 1 / n + (n + i + 1 - tbar) ** 2 / sxx)),
    df: n - 2,
    params: {intercept, slope, s},
    fitted,
    sigma2: s2
  };
}

/** Trend component of an additive-error exponential smoothing model. */
export type EtsTrend = "none" | "additive" | "damped";

/** Smoothing parameters and initial states of ETS(A,N,N), ETS(A,A,N) or ETS(A,Ad,N). */
export interface EtsParams {
  alpha: number;
  beta: number;
  phi: number;
  l0: number;
  b0: number;
}

/** Output of {@link etsFilter}. */
export interface EtsFilterResult {
  fitted: number[];
  errors: number[];
  sse: number;
  level: number;
  trend: number;
}

/**
 * Runs the error-correction recursions ŷ = l + φb, e = y − ŷ, l ← l + φb + αe, b ← φb + βe over y,
 * starting from the states (l0, b0) that precede y[0]. For no trend use β = φ = b0 = 0; for an
 * undamped trend φ = 1.
 */
export function etsFilter(y: readonly number[], p: EtsParams): EtsFilterResult {
  let l = p.l0;
  let b = p.b0;
  const fitted: number[] = [];
  const errors: number[] = [];
  let sse = 0;
  for (const v of y) {
    const f = l + p.phi * b;
    const e = v - f;
    fitted.push(f);
    errors.push(e);
    sse += e * e;
    l = f + p.alpha * e;
    b = p.phi * b + p.beta * e;
  }
  return {fitted, errors, sse, level: l, trend: b};
}

/**
 * The one-step errors are affine in the initial states, so for given smoothing parameters the
 * least-squares (l0, b0) has a closed form. Profiling them out leaves the optimiser 1–3 bounded
 * parameters instead of 3–5 partly unbounded ones, which is what makes short-series fits stable.
 */
export function profileInitialStates(
  y: readonly number[],
  alpha: number,
  beta: number,
  phi: number,
  trend: EtsTrend
): {sse: number; l0: number; b0: number} {
  // l = lc + l1·l0 + l2·b0 and b = bc + b1·l0 + b2·b0, tracked through the recursion.
  let lc = 0, l1 = 1, l2 = 0;
  let bc = 0, b1 = 0, b2 = trend === "none" ? 0 : 1;
  let a11 = 0, a12 = 0, a22 = 0, g1 = 0, g2 = 0, cc = 0;
  for (const v of y) {
    const fc = lc + phi * bc, f1 = l1 + phi * b1, f2 = l2 + phi * b2;
    const ec = v - fc, e1 = -f1, e2 = -f2;
    a11 += e1 * e1; a12 += e1 * e2; a22 += e2 * e2;
    g1 += ec * e1; g2 += ec * e2; cc += ec * ec;
    lc = fc + alpha * ec; l1 = f1 + alpha * e1; l2 = f2 + alpha * e2;
    bc = phi * bc + beta * ec; b1 = phi * b1 + beta * e1; b2 = phi * b2 + beta * e2;
  }
  if (trend === "none") {
    const l0 = a11 > 0 ? -g1 / a11 : 0;
    return {sse: Math.max(0, cc + 2 * g1 * l0 + a11 * l0 * l0), l0, b0: 0};
  }
  // A small ridge keeps the 2×2 solve defined when the data cannot separate level from trend.
  const ridge = 1e-12 * (a11 + a22);
  const m11 = a11 + ridge, m22 = a22 + ridge;
  const det = m11 * m22 - a12 * a12;
  if (!(det > 0)) {
    const l0 = a11 > 0 ? -g1 / a11 : 0;
    return {sse: Math.max(0, cc + 2 * g1 * l0 + a11 * l0 * l0), l0, b0: 0};
  }
  const l0 = (-g1 * m22 + g2 * a12) / det;
  const b0 = (-g2 * m11 + g1 * a12) / det;
  const sse = cc + 2 * (g1 * l0 + g2 * b0) + a11 * l0 * l0 + 2 * a12 * l0 * b0 + a22 * b0 * b0;
  return {sse: Math.max(0, sse), l0, b0};
}

/** Bounds used when fitting (as R `forecast::ets` defaults; φ as METHODS §5). */
export const ETS_BOUNDS = {alpha: [1e-4, 0.9999], betaRatio: [1e-4, 0.9999], phi: [0.8, 0.98]} as const;

/** Forecast variance multipliers 1 + Σ_{j<h} c_j², c_j = α + β·(φ + … + φ^j) (class-1 models). */
function etsForecast(p: EtsParams, level: number, trend: number, sigma2: number, h: number, kind: EtsTrend) {
  const mean: number[] = [];
  const se: number[] = [];
  let phiSum = 0; // φ + φ² + … + φ^j
  let varSum = 1;
  for (let j = 1; j <= h; j++) {
    phiSum += kind === "none" ? 0 : p.phi ** j;
    mean.push(level + phiSum * trend);
    se.push(Math.sqrt(sigma2 * varSum));
    const c = p.alpha + p.beta * phiSum;
    varSum += c * c;
  }
  return {mean, se};
}

/** Options for {@link ets}. */
export interface EtsOptions {
  trend: EtsTrend;
  /** Fix some or all parameters instead of estimating them (initial states fixed together). */
  fixed?: Partial<EtsParams>;
}

/**
 * Additive-error exponential smoothing: simple (trend "none"), Holt (additive) or damped Holt
 * ETS(A,Ad,N) with φ ∈ [0.8, 0.98]. Smoothing parameters minimise the in-sample SSE (a grid, then
 * Nelder–Mead / golden section) with β ≤ α; initial states are least-squares optimal for them.
 * σ² = SSE / (n − k), k the number of estimated parameters (SSE / n when everything is fixed).
 */
export function ets(y: readonly number[], h: number, options: EtsOptions): ModelForecast {
  const kind = options.trend;
  const fx = options.fixed ?? {};
  const hasTrend = kind !== "none";
  const fixedStates = fx.l0 !== undefined && (!hasTrend || fx.b0 !== undefined);
  const phiOf = (v?: number) => (kind === "none" ? 0 : kind === "additive" ? 1 : (v ?? 0.9));

  // Free parameters, in the order alpha, beta/alpha, phi.
  const free: {name: "alpha" | "betaRatio" | "phi"; lo: number; hi: number}[] = [];
  if (fx.alpha === undefined) free.push({name: "alpha", lo: ETS_BOUNDS.alpha[0], hi: ETS_BOUNDS.alpha[1]});
  if (hasTrend && fx.beta === undefined) free.push({name: "betaRatio", lo: ETS_BOUNDS.betaRatio[0], hi: ETS_BOUNDS.betaRatio[1]});
  if (kind === "damped" && fx.phi === undefined) free.push({name: "phi", lo: ETS_BOUNDS.phi[0], hi: ETS_BOUNDS.phi[1]});

  const unpack = (x: readonly number[]) => {
    let alpha = fx.alpha ?? 0;
    let ratio = 0;
    let phi = phiOf(fx.phi);
    free.forEach((f, i) => {
      if (f.name === "alpha") alpha = x[i];
      else if (f.name === "betaRatio") ratio = x[i];
      else phi = x[i];
    });
    const beta = !hasTrend ? 0 : fx.beta !== undefined ? fx.beta : alpha * ratio;
    return {alpha, beta, phi};
  };
  const objective = (x: readonly number[]) => {
    const {alpha, beta, phi} = unpack(x);
    if (fixedStates) return etsFilter(y, {alpha, beta, phi, l0: fx.l0!, b0: hasTrend ? fx.b0! : 0}).sse;
    return profileInitialStates(y, alpha, beta, phi, kind).sse;
  };

  let best = {alpha: fx.alpha ?? 0, beta: fx.beta ?? 0, phi: phiOf(fx.phi)};
  if (free.length > 0) {
    const box = {lower: free.map((f) => f.lo), upper: free.map((f) => f.hi)};
    const r = gridThenPolish(objective, box, {gridPoints: free.length === 1 ? 11 : free.length === 2 ? 7 : 5, polish: 2});
    best = unpack(r.x);
  }
  const {alpha, beta, phi} = best;
  let l0: number;
  let b0: number;
  if (fixedStates) {
    l0 = fx.l0!;
    b0 = hasTrend ? fx.b0! : 0;
  } else {
    const pr = profileInitialStates(y, alpha, beta, phi, kind);
    l0 = pr.l0;
    b0 = pr.b0;
  }
  const params: EtsParams = {alpha, beta, phi, l0, b0};
  const run = etsFilter(y, params);
  const k = free.length + (fixedStates ? 0 : hasTrend ? 2 : 1);
  const sigma2 = run.sse / Math.max(1, y.length - k);
  const fc = etsForecast(params, run.level, run.trend, sigma2, h, kind);
  const method = kind === "none" ? "ses" : kind === "additive" ? "holt" : "damped";
  const outParams: Record<string, number> = {alpha, l0, level: run.level, sigma2};
  if (hasTrend) Object.assign(outParams, {beta, b0, trend: run.trend});
  if (kind === "damped") outParams.phi = phi;
  return {method, mean: fc.mean, se: fc.se, df: null, params: outParams, fitted: run.fitted, sigma2};
}

/** Simple exponential smoothing, ETS(A,N,N). */
export const ses = (y: readonly number[], h: number) => ets(y, h, {trend: "none"});
/** Holt's linear trend, ETS(A,A,N). */
export const holt = (y: readonly number[], h: number) => ets(y, h, {trend: "additive"});
/** Damped trend, ETS(A,Ad,N), φ ∈ [0.8, 0.98]. */
export const damped = (y: readonly number[], h: number) => ets(y, h, {trend: "damped"});

/**
 * Damped Holt with every parameter fixed, in the textbook convention: l0 = y₁ and b0 = y₂ − y₁ by
 * default, the filter runs over y₂..yₙ, σ² = SSE/(n − 1). Used to check the arithmetic against
 * closed-form vectors, and for hand-set OBA baselines.
 */
export function dampedFixed(
  y: readonly number[],
  h: number,
  p: {alpha: number; beta: number; phi: number; l0?: number; b0?: number}
): ModelForecast {
  const l0 = p.l0 ?? y[0];
  const b0 = p.b0 ?? y[1] - y[0];
  const r = ets(y.slice(1), h, {trend: "damped", fixed: {alpha: p.alpha, beta: p.beta, phi: p.phi, l0, b0}});
  return {...r, fitted: [Number.NaN, ...r.fitted]};
}

/**
 * SES plus a share `weight` of the OLS slope as drift: forecast = SES + weight·b·(h − 1 + (1 − (1 − α)ⁿ)/α).
 * Weight ½ is the Theta method (θ = 2); weight 1 is the θ → ∞ member of the family, SES with the
 * full least-squares drift. Standard errors are those of the SES model (as R `thetaf`).
 */
export function sesWithDrift(y: readonly number[], h: number, weight: number, method = "ses-drift"): ModelForecast {
  const s = ses(y, h);
  const {slope} = olsTrend(y);
  const alpha = s.params.alpha;
  const n = y.length;
  const shift = (1 - (1 - alpha) ** n) / alpha;
  return {
    ...s,
    method,
    mean: s.mean.map((m, i) => m + weight * slope * (i + shift)),
    params: {...s.params, slope, driftWeight: weight}
  };
}

/**
 * The Theta method (Assimakopoulos & Nikolopoulos 2000), in the form Hyndman & Billah (2003) showed
 * it to be: SES with drift equal to half the OLS slope.
 */
export const theta = (y: readonly number[], h: number): ModelForecast => sesWithDrift(y, h, 0.5, "theta");

/**
 * Runs the optimised Theta recursions (Fiorucci et al. 2016) over y for a given α: the level is
 * SES of y, the trend line's intercept A and slope B are the OLS fit of y (dynamic: refitted on
 * y₁..y_t at each t, as DOTM; static: on all of y, as OTM). The one-step forecast is
 * μ_t = ℓ_{t−1} + c·g_t with g_t = A_{t−1}(1 − α)^{t−1} + B_{t−1}(1 − (1 − α)^t)/α and c = 1 − 1/θ.
 * The level does not depend on c and is affine in ℓ₀, so the errors are affine in (ℓ₀, c): both are
 * solved by least squares for each α, leaving a one-dimensional search.
 */
function thetaRecursion(y: readonly number[], alpha: number, dynamic: boolean) {
  const n = y.length;
  const ols = dynamic ? null : olsTrend(y);
  // Level as lc + lp·ℓ₀.
  let lc = alpha * y[0];
  let lp = 1 - alpha;
  let mean = y[0];
  let a = ols ? ols.intercept : y[0];
  let b = ols ? ols.slope : 0;
  const r: number[] = [];
  const p: number[] = [];
  const g: number[] = [];
  // t = 0 (the first point): static models predict it from ℓ₀ and the trend line, dynamic ones exactly.
  r.push(dynamic ? 0 : y[0]);
  p.push(dynamic ? 0 : 1);
  g.push(dynamic ? 0 : a + b);
  for (let i = 1; i < n; i++) {
    const gi = a * (1 - alpha) ** i + (b * (1 - (1 - alpha) ** (i + 1))) / alpha;
    r.push(y[i] - lc);
    p.push(lp);
    g.push(gi);
    lc = alpha * y[i] + (1 - alpha) * lc;
    lp = (1 - alpha) * lp;
    if (dynamic) {
      const prevMean = mean;
      mean = (i * mean + y[i]) / (i + 1);
      b = ((i - 1) * b + (6 * (y[i] - prevMean)) / (i + 1)) / (i + 2);
      a = mean - (b * (i + 2)) / 2;
    }
  }
  if (!dynamic) mean = y.reduce((s, v) => s + v, 0) / n;
  return {r, p, g, lc, lp, mean, a, b};
}

/** Least-squares (ℓ₀, c) for one α, with c = 1 − 1/θ kept in [0, 1) (θ ≥ 1); errors from t = 3 on (as Fiorucci et al.). */
function thetaFit(y: readonly number[], alpha: number, dynamic: boolean) {
  const rec = thetaRecursion(y, alpha, dynamic);
  let spp = 0, spg = 0, sgg = 0, srp = 0, srg = 0, srr = 0;
  for (let t = Math.min(3, y.length - 2); t < y.length; t++) {
    const rt = rec.r[t], pt = rec.p[t], gt = rec.g[t];
    spp += pt * pt; spg += pt * gt; sgg += gt * gt; srp += rt * pt; srg += rt * gt; srr += rt * rt;
  }
  const sseOf = (l0: number, c: number) => srr - 2 * l0 * srp - 2 * c * srg + l0 * l0 * spp + 2 * l0 * c * spg + c * c * sgg;
  const l0Given = (c: number) => (spp > 1e-300 ? (srp - c * spg) / spp : 0);
  const cMax = 1 - 1e-6;
  // The SSE is a convex quadratic in (ℓ₀, c): its minimum over the strip 0 ≤ c ≤ cMax is the
  // unconstrained one when that is inside, and otherwise lies on one of the two edges.
  let best = {l0: 0, c: 0, sse: Number.POSITIVE_INFINITY};
  const det = spp * sgg - spg * spg;
  if (det > 1e-12 * (spp * sgg + 1e-300)) {
    const c = (srg * spp - srp * spg) / det;
    if (c >= 0 && c <= cMax) best = {l0: l0Given(c), c, sse: sseOf(l0Given(c), c)};
  }
  for (const c of [0, cMax]) {
    const l0 = l0Given(c);
    const sse = sseOf(l0, c);
    if (sse < best.sse) best = {l0, c, sse};
  }
  return {...best, sse: Math.max(0, best.sse), rec};
}

/**
 * The Optimised Theta Method (OTM, `dynamic` false) and the Dynamic Optimised Theta Model (DOTM,
 * `dynamic` true) of Fiorucci et al. (2016): SES plus a share c = 1 − 1/θ of the least-squares
 * trend, with α, θ ≥ 1 and the initial level chosen to minimise the in-sample squared one-step
 * errors. θ = 2 with a static trend is the classical Theta method. DOTM refits the trend line as
 * each point arrives, so a trend that has changed counts less than in Theta's whole-history slope.
 * Standard errors are those of SES with the fitted α.
 */
export function optimisedTheta(y: readonly number[], h: number, dynamic: boolean): ModelForecast {
  const n = y.length;
  const r = gridThenPolish((x) => thetaFit(y, x[0], dynamic).sse, {lower: [0.1], upper: [0.99]}, {gridPoints: 10, polish: 1});
  const alpha = r.x[0];
  const fit = thetaFit(y, alpha, dynamic);
  const {rec, c, l0} = fit;
  const fitted = rec.r.map((rt, t) => y[t] - (rt - l0 * rec.p[t] - c * rec.g[t]));
  const errors = y.map((v, t) => v - fitted[t]);
  const used = errors.slice(Math.min(3, n - 2));
  const sigma2 = used.reduce((s, e) => s + e * e, 0) / Math.max(1, used.length - 3);
  // Forecast by feeding the model its own forecasts (the recursions with y replaced by μ).
  let level = rec.lc + rec.lp * l0;
  let {mean, a, b} = rec;
  const out: number[] = [];
  for (let i = n; i < n + h; i++) {
    const mu = level + c * (a * (1 - alpha) ** i + (b * (1 - (1 - alpha) ** (i + 1))) / alpha);
    out.push(mu);
    level = alpha * mu + (1 - alpha) * level;
    if (dynamic) {
      const prevMean = mean;
      mean = (i * mean + mu) / (i + 1);
      b = ((i - 1) * b + (6 * (mu - prevMean)) / (i + 1)) / (i + 2);
      a = mean - (b * (i + 2)) / 2;
    }
  }
  const se = Array.from({length: h}, (_, j) => Math.sqrt(sigma2 * (1 + j * alpha * alpha)));
  const theta = c < 1 ? 1 / (1 - c) : Number.POSITIVE_INFINITY;
  return {
    method: dynamic ? "dotm" : "otm",
    mean: out,
    se,
    df: null,
    params: {alpha, theta, l0, level, slope: b, intercept: a, sigma2},
    fitted,
    sigma2
  };
}
