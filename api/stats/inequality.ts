/**
 * Inequality and targeting across wards (METHODS §6): slope and relative index of
 * inequality, concentration curves, ranks with simulation intervals, and PHE quantile
 * bands.
 *
 * Invalid input throws a `RangeError` naming the offending row and field.
 */
import type {Polarity} from "./benchmark.js";
import {LEVEL_95, assertLevel, seededSampler, z} from "./distributions.js";

function fin(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`${name} must be a finite number, got ${String(v)}`);
  return v;
}

/** Type-7 (R default) quantile of sorted values. */
function quantileSorted(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

// ------------------------------------------------------------------------ SII / RII

/** One deprivation quantile of an area. Quantile 1 is the most deprived. */
export interface SiiRow {
  quantile: number;
  population: number;
  value: number;
  /** Confidence limits of the value (used to derive the standard error for simulation). */
  lower?: number | null;
  upper?: number | null;
  /**
   * Standard error, on the log scale for rates and the logit scale for proportions
   * (natural scale otherwise), as PHE's phe_sii expects.
   */
  se?: number | null;
}

/** How the values were measured. */
export type SiiValueType = "other" | "rate" | "proportion";

/** Options for {@link sii}. */
export interface SiiOptions {
  /** Default "other" (e.g. life expectancy). */
  valueType?: SiiValueType;
  /** Fit on log (rates) or logit (proportions) values, then back-transform. Default false. */
  transform?: boolean;
  /** Scales the SII (e.g. 100 for percentage points); a negative multiplier reverses the direction and inverts the RII. Default 1. */
  multiplier?: number;
  /** Compute the RII; default true. */
  rii?: boolean;
  /** Confidence level of the rows' lower/upper limits, used to derive standard errors; default 0.95. */
  inputLevel?: number;
  /** Simulation intervals; omitted = point estimates only. */
  simulation?: {seed: number; repetitions?: number; levels?: readonly number[]};
}

/** Simulation interval for the SII and RII at one level. */
export interface SiiInterval {
  level: number;
  siiLower: number;
  siiUpper: number;
  riiLower: number | null;
  riiUpper: number | null;
}

/** Slope and relative index of inequality. */
export interface SiiResult {
  /** Fitted difference between the least and most deprived ends (x = 1 minus x = 0), × multiplier. */
  sii: number;
  /** Ratio of the fitted values at the least and most deprived ends (inverted for a negative multiplier); null when not requested. */
  rii: number | null;
  /** Fitted value at the most deprived end (x = 0), on the value scale (not multiplied). */
  intercept: number;
  quantiles: number;
  intervals: SiiInterval[];
  warnings: string[];
}

function validateSiiRows(rows: readonly SiiRow[], valueType: SiiValueType, transform: boolean): SiiRow[] {
  if (!Array.isArray(rows) || rows.length < 2) throw new RangeError("the SII needs at least two quantiles");
  const seen = new Set<number>();
  rows.forEach((r, i) => {
    fin(`rows[${i}].quantile`, r.quantile);
    if (seen.has(r.quantile)) throw new RangeError(`rows[${i}].quantile ${r.quantile} appears more than once`);
    seen.add(r.quantile);
    if (fin(`rows[${i}].population`, r.population) < 0) throw new RangeError(`rows[${i}].population must not be negative, got ${r.population}`);
    const v = fin(`rows[${i}].value`, r.value);
    if (r.se != null && fin(`rows[${i}].se`, r.se) < 0) throw new RangeError(`rows[${i}].se must not be negative, got ${r.se}`);
    if (valueType === "proportion") {
      for (const [k, x] of [["value", v], ["lower", r.lower], ["upper", r.upper]] as const) {
        if (x != null && !(x >= 0 && x <= 1)) throw new RangeError(`rows[${i}].${k} must be a proportion between 0 and 1, got ${x}`);
      }
    }
    if (transform && valueType === "rate" && v <= 0) throw new RangeError(`rows[${i}].value must be positive for a log transform, got ${v}`);
    if (transform && valueType === "proportion" && (v <= 0 || v >= 1)) throw new RangeError(`rows[${i}].value must be strictly between 0 and 1 for a logit transform, got ${v}`);
  });
  const total = rows.reduce((s, r) => s + r.population, 0);
  if (total <= 0) throw new RangeError("the total population must be greater than zero");
  return [...rows].sort((a, b) => a.quantile - b.quantile);
}

const logit = (p: number): number => Math.log(p / (1 - p));
const invLogit = (x: number): number => 1 / (1 + Math.exp(-x));

interface SiiPoint {
  sii: number;
  rii: number;
  intercept: number;
}

function siiFromValues(
  a: readonly number[],
  b: readonly number[],
  y: readonly number[],
  valueType: SiiValueType,
  transform: boolean,
  multiplier: number
): SiiPoint {
  let f: (v: number) => number = (v) => v;
  let back: (v: number) => number = (v) => v;
  if (transform && valueType === "rate") {
    f = Math.log;
    back = Math.exp;
  } else if (transform && valueType === "proportion") {
    f = logit;
    back = invLogit;
  }
  // Weighted least squares of y on b with weights a (Σa = 1).
  let xb = 0;
  let yb = 0;
  for (let i = 0; i < a.length; i++) {
    xb += a[i] * b[i];
    yb += a[i] * f(y[i]);
  }
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < a.length; i++) {
    const dx = b[i] - xb;
    sxy += a[i] * dx * (f(y[i]) - yb);
    sxx += a[i] * dx * dx;
  }
  const slope = sxy / sxx;
  const b0 = yb - slope * xb;
  const atMostDeprived = back(b0);
  const atLeastDeprived = back(b0 + slope);
  const ratio = atLeastDeprived / atMostDeprived;
  return {
    sii: (atLeastDeprived - atMostDeprived) * multiplier,
    rii: multiplier < 0 ? 1 / ratio : ratio,
    intercept: atMostDeprived
  };
}

/**
 * Slope index of inequality (SII) and relative index of inequality (RII), as PHE's
 * phe_sii. Quantiles are ordered from most deprived (1) to least deprived; aᵢ is each
 * quantile's population share and bᵢ the cumulative share before it plus aᵢ/2. A
 * weighted least-squares fit of value on b (weights a) gives intercept β₀ and slope β₁;
 * SII = (g⁻¹(β₀ + β₁) − g⁻¹(β₀)) × multiplier and RII = g⁻¹(β₀ + β₁)/g⁻¹(β₀), where g is
 * the identity, log (rates) or logit (proportions) when `transform` is set. A negative
 * multiplier (for indicators where lower is better) flips the SII and inverts the RII.
 *
 * Intervals (optional) are by seeded simulation: each value is redrawn from a normal
 * distribution with its standard error (on the log or logit scale for rates and
 * proportions, so draws stay in range), the SII/RII refitted, and the interval read
 * from the simulated distribution (type-7 quantiles). Standard errors come from `se`
 * or from the limits: (U − L)/(2z) on the appropriate scale.
 *
 * @throws RangeError for fewer than 2 quantiles, duplicate quantiles, missing or
 * negative populations, missing values, negative standard errors, proportions outside
 * [0, 1], or simulation requested without standard errors or limits.
 */
export function sii(rows: readonly SiiRow[], options: SiiOptions = {}): SiiResult {
  const {valueType = "other", transform = false, multiplier = 1, rii = true, inputLevel = LEVEL_95, simulation} = options;
  if (!["other", "rate", "proportion"].includes(valueType)) throw new RangeError(`valueType must be "other", "rate" or "proportion", got ${String(valueType)}`);
  if (transform && valueType === "other") throw new RangeError('a transform applies only to valueType "rate" (log) or "proportion" (logit)');
  if (fin("multiplier", multiplier) === 0) throw new RangeError("multiplier must not be zero");
  const sorted = validateSiiRows(rows, valueType, transform);
  const warnings: string[] = [];
  if (sorted.length > 10) warnings.push(`${sorted.length} quantiles: the SII is usually calculated on 10 or fewer; check the small groups are not dominated by noise`);

  const total = sorted.reduce((s, r) => s + r.population, 0);
  const a = sorted.map((r) => r.population / total);
  const b: number[] = [];
  let cum = 0;
  for (const ai of a) {
    b.push(cum + ai / 2);
    cum += ai;
  }
  const y = sorted.map((r) => r.value);
  const point = siiFromValues(a, b, y, valueType, transform, multiplier);

  const intervals: SiiInterval[] = [];
  if (simulation) {
    const {seed, repetitions = 10000, levels = [LEVEL_95]} = simulation;
    if (!Number.isInteger(repetitions) || repetitions < 100) throw new RangeError(`repetitions must be an integer ≥ 100, got ${repetitions}`);
    levels.forEach(assertLevel);
    const zIn = z(inputLevel);
    const scaleF = valueType === "rate" ? Math.log : valueType === "proportion" ? logit : (v: number) => v;
    const scaleBack = valueType === "rate" ? Math.exp : valueType === "proportion" ? invLogit : (v: number) => v;
    const se = sorted.map((r, i) => {
      if (r.se != null) return r.se;
      if (r.lower == null || r.upper == null) {
        throw new RangeError(`rows[${i}] needs a standard error or confidence limits for simulation intervals`);
      }
      return (scaleF(fin(`rows[${i}].upper`, r.upper)) - scaleF(fin(`rows[${i}].lower`, r.lower))) / (2 * zIn);
    });
    const mid = y.map(scaleF);
    const sampler = seededSampler(seed);
    const siis: number[] = [];
    const riis: number[] = [];
    const draw = new Array<number>(y.length);
    for (let k = 0; k < repetitions; k++) {
      for (let i = 0; i < y.length; i++) draw[i] = scaleBack(mid[i] + se[i] * sampler.normal());
      const s = siiFromValues(a, b, draw, valueType, transform, multiplier);
      siis.push(s.sii);
      riis.push(s.rii);
    }
    siis.sort((p, q) => p - q);
    riis.sort((p, q) => p - q);
    for (const level of levels) {
      const lo = (1 - level) / 2;
      const hi = (1 + level) / 2;
      intervals.push({
        level,
        siiLower: quantileSorted(siis, lo),
        siiUpper: quantileSorted(siis, hi),
        riiLower: rii ? quantileSorted(riis, lo) : null,
        riiUpper: rii ? quantileSorted(riis, hi) : null
      });
    }
  }
  return {
    sii: point.sii,
    rii: rii ? point.rii : null,
    intercept: point.intercept,
    quantiles: sorted.length,
    intervals,
    warnings
  };
}

// ------------------------------------------------------------ concentration curve

/** A ward (or other unit) for a concentration curve. */
export interface ConcentrationRow {
  id: string;
  cases: number;
  population: number;
  /** Deprivation rank, 1 = most deprived (IMD convention); needed for orderBy "deprivation". */
  deprivationRank?: number;
}

/** One point of the concentration curve, after the unit `id` has been added. */
export interface ConcentrationPoint {
  id: string;
  cases: number;
  population: number;
  /** Cumulative share of population, Pₜ. */
  populationShare: number;
  /** Cumulative share of cases, Lₜ. */
  caseShare: number;
}

/** A concentration curve and its index. */
export interface ConcentrationCurve {
  orderBy: "rate" | "deprivation" | "input";
  /** Points after each unit (the origin (0, 0) is implied). */
  points: ConcentrationPoint[];
  /** C = Σₜ (Pₜ₋₁·Lₜ − Pₜ·Lₜ₋₁); negative when cases concentrate in the units ordered first. */
  index: number;
}

/**
 * Concentration curve: units sorted by rate (highest first, for targeting), by
 * deprivation (most deprived first, for equity) or kept in input order; cumulative case
 * share against cumulative population share, and the concentration index
 * C = Σₜ (Pₜ₋₁·Lₜ − Pₜ·Lₜ₋₁) (so "the first k wards hold caseShare of cases but
 * populationShare of children" reads straight off point k).
 *
 * @throws RangeError for negative or non-finite cases/populations, zero totals, or a
 * missing deprivation rank when ordering by deprivation.
 */
export function concentrationCurve(
  rows: readonly ConcentrationRow[],
  options: {orderBy: "rate" | "deprivation" | "input"}
): ConcentrationCurve {
  const {orderBy} = options;
  if (!Array.isArray(rows) || rows.length === 0) throw new RangeError("a concentration curve needs at least one row");
  rows.forEach((r, i) => {
    if (fin(`rows[${i}].cases`, r.cases) < 0) throw new RangeError(`rows[${i}].cases must not be negative`);
    if (fin(`rows[${i}].population`, r.population) < 0) throw new RangeError(`rows[${i}].population must not be negative`);
    if (orderBy === "rate" && r.population === 0) throw new RangeError(`rows[${i}].population must be positive to order by rate`);
    if (orderBy === "deprivation") fin(`rows[${i}].deprivationRank`, r.deprivationRank);
  });
  const totalCases = rows.reduce((s, r) => s + r.cases, 0);
  const totalPop = rows.reduce((s, r) => s + r.population, 0);
  if (totalCases <= 0 || totalPop <= 0) throw new RangeError("total cases and total population must be greater than zero");
  const indexed = rows.map((r, k) => ({r, k}));
  if (orderBy === "rate") {
    indexed.sort((p, q) => q.r.cases / q.r.population - p.r.cases / p.r.population || p.k - q.k);
  } else if (orderBy === "deprivation") {
    indexed.sort((p, q) => (p.r.deprivationRank as number) - (q.r.deprivationRank as number) || p.k - q.k);
  } else if (orderBy !== "input") {
    throw new RangeError(`orderBy must be "rate", "deprivation" or "input", got ${String(orderBy)}`);
  }
  let cumCases = 0;
  let cumPop = 0;
  let prevP = 0;
  let prevL = 0;
  let index = 0;
  const points = indexed.map(({r}) => {
    cumCases += r.cases;
    cumPop += r.population;
    const P = cumPop / totalPop;
    const L = cumCases / totalCases;
    index += prevP * L - P * prevL;
    prevP = P;
    prevL = L;
    return {id: r.id, cases: r.cases, population: r.population, populationShare: P, caseShare: L};
  });
  return {orderBy, points, index};
}

// ---------------------------------------------------------------- rank intervals

/** A unit to rank: events and population. */
export interface RankRow {
  id: string;
  count: number;
  population: number;
}

/** A unit's rank with its simulation interval. Rank 1 is the worst (see {@link rankIntervals}). */
export interface RankInterval {
  id: string;
  count: number;
  population: number;
  /** count / population × multiplier. */
  rate: number;
  /** Rank of the observed rate (ties share the best rank). */
  rank: number;
  medianRank: number;
  /** 2.5th percentile of the simulated ranks. */
  lowerRank: number;
  /** 97.5th percentile of the simulated ranks. */
  upperRank: number;
}

/**
 * Ranks with honest uncertainty: for each draw, every unit's rate is simulated as
 * λᵢ ~ Gamma(xᵢ + 0.5, rate nᵢ) (the Jeffreys posterior for a Poisson rate), units are
 * ranked, and each unit's median rank and 95% rank interval are read from the draws
 * (inverse empirical CDF, so ranks stay whole). Rank 1 is the highest rate unless the
 * polarity is "high-is-good", when it is the lowest: rank 1 is always the worst. Call a
 * unit "top k" only when its `upperRank` ≤ k (see {@link isConfidentlyTopK}).
 * Reproducible: the same seed gives the same intervals.
 *
 * @throws RangeError for negative counts, populations ≤ 0, fewer than 100 draws or an
 * invalid seed.
 */
/**
 * Draws behind a rank interval unless asked otherwise. At 1,000, about 8% of the bounds move by ±1
 * between seeds, and "top k" is decided on those bounds; at 10,000 they settle.
 */
export const RANK_DRAWS = 10_000;

export function rankIntervals(
  rows: readonly RankRow[],
  options: {seed: number; draws?: number; polarity?: Polarity; multiplier?: number}
): RankInterval[] {
  const {seed, draws = RANK_DRAWS, polarity = "low-is-good", multiplier = 10000} = options;
  if (!Array.isArray(rows) || rows.length === 0) throw new RangeError("rankIntervals needs at least one row");
  if (!Number.isInteger(draws) || draws < 100) throw new RangeError(`draws must be an integer ≥ 100, got ${draws}`);
  rows.forEach((r, i) => {
    if (fin(`rows[${i}].count`, r.count) < 0) throw new RangeError(`rows[${i}].count must not be negative`);
    if (fin(`rows[${i}].population`, r.population) <= 0) throw new RangeError(`rows[${i}].population must be greater than zero`);
  });
  const worstIsHighest = polarity !== "high-is-good";
  const order = (values: readonly number[]): number[] => {
    // rank[i] = 1 + number of units strictly worse than i
    const idx = values.map((v, i) => i).sort((p, q) => (worstIsHighest ? values[q] - values[p] : values[p] - values[q]));
    const ranks = new Array<number>(values.length);
    for (let pos = 0; pos < idx.length; pos++) {
      const i = idx[pos];
      ranks[i] = pos > 0 && values[idx[pos - 1]] === values[i] ? ranks[idx[pos - 1]] : pos + 1;
    }
    return ranks;
  };
  const rates = rows.map((r) => r.count / r.population);
  const observed = order(rates);
  const sampler = seededSampler(seed);
  const simulated: number[][] = rows.map(() => []);
  const lambda = new Array<number>(rows.length);
  for (let d = 0; d < draws; d++) {
    for (let i = 0; i < rows.length; i++) lambda[i] = sampler.gamma(rows[i].count + 0.5, rows[i].population);
    const ranks = order(lambda);
    for (let i = 0; i < rows.length; i++) simulated[i].push(ranks[i]);
  }
  const q = (sorted: readonly number[], p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];
  return rows.map((r, i) => {
    const s = simulated[i].sort((p, qq) => p - qq);
    return {
      id: r.id,
      count: r.count,
      population: r.population,
      rate: rates[i] * multiplier,
      rank: observed[i],
      medianRank: q(s, 0.5),
      lowerRank: q(s, 0.025),
      upperRank: q(s, 0.975)
    };
  });
}

/** True when a unit is among the worst k with 95% confidence (its upper rank bound is ≤ k). */
export function isConfidentlyTopK(interval: Pick<RankInterval, "upperRank">, k: number): boolean {
  return interval.upperRank <= k;
}

// -------------------------------------------------------------------- quantiles

/**
 * PHE quantile bands (phe_quantile): with N non-missing values and each value's rank r
 * (ties take the minimum rank), quantile = ⌊n·(r − 1)/N⌋ + 1. With `invert` (the PHE
 * default) values are ranked from highest to lowest, so the highest values fall in
 * quantile 1. When `invert` is not given it follows polarity so that quantile 1 is the
 * worst: false for "high-is-good", true otherwise. Missing values, and every value when
 * there are fewer values than quantiles, get `null`.
 *
 * @throws RangeError when n is not a positive integer.
 */
export function pheQuantiles(
  values: readonly (number | null | undefined)[],
  options: {n: number; polarity?: Polarity; invert?: boolean}
): (number | null)[] {
  const {n, polarity} = options;
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n (number of quantiles) must be a positive integer, got ${n}`);
  const invert = options.invert ?? polarity !== "high-is-good";
  const present = values.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  const N = present.length;
  if (N < n) return values.map(() => null);
  const sorted = [...present].sort((a, b) => (invert ? b - a : a - b));
  const minRank = new Map<number, number>();
  sorted.forEach((v, i) => {
    if (!minRank.has(v)) minRank.set(v, i + 1);
  });
  return values.map((v) => {
    if (typeof v !== "number" || !Number.isFinite(v)) return null;
    const r = minRank.get(v) as number;
    return Math.floor((n * (r - 1)) / N) + 1;
  });
}
