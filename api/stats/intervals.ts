/**
 * Confidence intervals for proportions, counts, rates, means and indirectly
 * standardised ratios (METHODS §1).
 *
 * Invalid input policy: every function here throws a `RangeError` with a message
 * naming the offending argument when an input is missing (NaN, null, undefined),
 * non-finite or out of range (n ≤ 0, x < 0, x > n for a proportion, E ≤ 0, fewer than
 * two values for a mean). Nothing is silently turned into 0 or a numeric sentinel:
 * callers that hold missing data decide how to publish it (e.g. the GSS symbol "x").
 *
 * The only `null` a caller will see is a limit that is mathematically undefined:
 * Byar's lower limit when its cube root term is negative (possible only when the Byar
 * method is forced on a very small count).
 */
import {LEVEL_95, LEVEL_998, assertLevel, qchisq, qt, z} from "./distributions.js";

/** How an interval was computed. */
export type IntervalMethod = "wilson" | "exact" | "byar" | "student-t";

/** A point estimate with a two-sided confidence interval. */
export interface Interval {
  value: number;
  /** `null` only when the limit is undefined (Byar lower limit below zero). */
  lower: number | null;
  upper: number | null;
  /** Two-sided confidence level, e.g. 0.95 or 0.998. */
  level: number;
  method: IntervalMethod;
}

/** Options shared by the interval functions. */
export interface LevelOptions {
  /** Two-sided confidence level; default 0.95. */
  level?: number;
}

/** Chooses the Poisson method: exact below 10 events and Byar from 10 ("auto"), or forced. */
export type CountMethod = "auto" | "exact" | "byar";

/** The same statistic at the platform's two standard levels. */
export interface BothLevels<T> {
  level95: T;
  level998: T;
}

function assertFinite(name: string, v: unknown): asserts v is number {
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw new RangeError(`${name} must be a finite number, got ${String(v)}`);
  }
}

function assertPositive(name: string, v: unknown): asserts v is number {
  assertFinite(name, v);
  if (v <= 0) throw new RangeError(`${name} must be greater than zero, got ${v}`);
}

function assertNonNegative(name: string, v: unknown): asserts v is number {
  assertFinite(name, v);
  if (v < 0) throw new RangeError(`${name} must be zero or more, got ${v}`);
}

/**
 * Evaluates a statistic at both standard levels (95% and 99.8%), so that every
 * published figure carries both intervals.
 *
 * @example atBothLevels((level) => proportionInterval(65, 100, {level}))
 */
export function atBothLevels<T>(compute: (level: number) => T): BothLevels<T> {
  return {level95: compute(LEVEL_95), level998: compute(LEVEL_998)};
}

/**
 * Proportion x/n with the Wilson score interval:
 * (2x + z² ± z·√(z² + 4x(1 − x/n))) / (2(n + z²)).
 * `x` may be non-integer (e.g. a weighted numerator). Value and limits are multiplied
 * by `multiplier` (100 for a percentage).
 *
 * @throws RangeError when n ≤ 0, x < 0, x > n or an input is not finite.
 */
export function proportionInterval(
  x: number,
  n: number,
  options: LevelOptions & {multiplier?: number} = {}
): Interval {
  const {level = LEVEL_95, multiplier = 1} = options;
  assertNonNegative("x (numerator)", x);
  assertPositive("n (denominator)", n);
  assertPositive("multiplier", multiplier);
  if (x > n) throw new RangeError(`x (numerator) must not exceed n (denominator) for a proportion: ${x} > ${n}`);
  const zz = z(level);
  const z2 = zz * zz;
  const root = zz * Math.sqrt(z2 + 4 * x * (1 - x / n));
  const denom = 2 * (n + z2);
  return {
    value: (x / n) * multiplier,
    lower: ((2 * x + z2 - root) / denom) * multiplier,
    upper: ((2 * x + z2 + root) / denom) * multiplier,
    level,
    method: "wilson"
  };
}

function exactPoisson(x: number, level: number): [number, number] {
  const lowerP = (1 - level) / 2;
  const upperP = (1 + level) / 2;
  const lower = x === 0 ? 0 : qchisq(lowerP, 2 * x) / 2;
  const upper = qchisq(upperP, 2 * x + 2) / 2;
  return [lower, upper];
}

function byar(x: number, level: number): [number | null, number] {
  const zz = z(level);
  let lower: number | null = null;
  if (x > 0) {
    const base = 1 - 1 / (9 * x) - zz / (3 * Math.sqrt(x));
    // A negative base means Byar's approximation has no valid lower limit: it is
    // undefined, not zero (PHE returns NA).
    lower = base < 0 ? null : x * base ** 3;
  }
  const x1 = x + 1;
  const upper = x1 * (1 - 1 / (9 * x1) + zz / (3 * Math.sqrt(x1))) ** 3;
  return [lower, upper];
}

/**
 * Confidence interval for a Poisson count x. Method "auto" (default) uses the exact
 * Poisson limits (chi-square: qchisq((1−c)/2, 2x)/2, qchisq((1+c)/2, 2x+2)/2) below 10
 * events and Byar's approximation from 10. A Byar lower limit below zero is `null`.
 *
 * @throws RangeError when x < 0 or not finite.
 */
export function countInterval(x: number, options: LevelOptions & {method?: CountMethod} = {}): Interval {
  const {level = LEVEL_95, method = "auto"} = options;
  assertNonNegative("x (count)", x);
  assertLevel(level);
  const useByar = method === "byar" || (method === "auto" && x >= 10);
  if (useByar) {
    const [lower, upper] = byar(x, level);
    return {value: x, lower, upper, level, method: "byar"};
  }
  const [lower, upper] = exactPoisson(x, level);
  return {value: x, lower, upper, level, method: "exact"};
}

/**
 * Rate of x events in population n, expressed per `multiplier` (default 10,000
 * children): value = x/n·M, limits = count limits (exact below 10, Byar from 10)/n·M.
 * x may exceed n (repeat events).
 *
 * @throws RangeError when n ≤ 0, x < 0 or an input is not finite.
 */
export function rateInterval(
  x: number,
  n: number,
  options: LevelOptions & {multiplier?: number; method?: CountMethod} = {}
): Interval {
  const {multiplier = 10000} = options;
  assertNonNegative("x (numerator)", x);
  assertPositive("n (denominator)", n);
  assertPositive("multiplier", multiplier);
  const c = countInterval(x, options);
  const scale = multiplier / n;
  return {
    value: x * scale,
    lower: c.lower === null ? null : c.lower * scale,
    upper: c.upper === null ? null : c.upper * scale,
    level: c.level,
    method: c.method
  };
}

/** A mean with its Student-t interval and the summary statistics it used. */
export interface MeanInterval extends Interval {
  n: number;
  /** Sample standard deviation (divisor n − 1). */
  sd: number;
  sum: number;
}

/**
 * Mean of k values with a Student-t interval: mean ± |qt((1−c)/2, k−1)|·sd/√k, sd with
 * divisor k − 1.
 *
 * @throws RangeError when fewer than two values are given or any value is not finite.
 */
export function meanInterval(values: readonly number[], options: LevelOptions = {}): MeanInterval {
  const {level = LEVEL_95} = options;
  assertLevel(level);
  if (!Array.isArray(values) || values.length < 2) {
    throw new RangeError(`a mean interval needs at least two values, got ${Array.isArray(values) ? values.length : 0}`);
  }
  values.forEach((v, i) => assertFinite(`values[${i}]`, v));
  const k = values.length;
  const sum = values.reduce((s, v) => s + v, 0);
  const mean = sum / k;
  const ss = values.reduce((s, v) => s + (v - mean) ** 2, 0);
  const sd = Math.sqrt(ss / (k - 1));
  const half = Math.abs(qt((1 - level) / 2, k - 1)) * (sd / Math.sqrt(k));
  return {value: mean, lower: mean - half, upper: mean + half, level, method: "student-t", n: k, sd, sum};
}

/** One stratum (e.g. an age band or case-mix group) of an indirect standardisation. */
export type ReferenceStratum =
  | {population: number; referenceRate: number}
  | {population: number; referenceCount: number; referencePopulation: number};

/**
 * Expected events E = Σ over strata of (local population or caseload × reference
 * rate), the denominator of an indirectly standardised ratio. A stratum with zero
 * local population contributes 0 to E (its events still count in O).
 *
 * @throws RangeError for a negative or non-finite population, or a reference
 * population ≤ 0.
 */
export function expectedEvents(strata: readonly ReferenceStratum[]): number {
  if (!Array.isArray(strata) || strata.length === 0) throw new RangeError("expectedEvents needs at least one stratum");
  let e = 0;
  strata.forEach((s, i) => {
    assertNonNegative(`strata[${i}].population`, s.population);
    let rate: number;
    if ("referenceRate" in s) {
      assertNonNegative(`strata[${i}].referenceRate`, s.referenceRate);
      rate = s.referenceRate;
    } else {
      assertNonNegative(`strata[${i}].referenceCount`, s.referenceCount);
      assertPositive(`strata[${i}].referencePopulation`, s.referencePopulation);
      rate = s.referenceCount / s.referencePopulation;
    }
    e += s.population * rate;
  });
  return e;
}

/**
 * Indirectly standardised ratio O/E (× multiplier, e.g. 100 for an SMR-style index),
 * with exact (O < 10) or Byar (O ≥ 10) limits on O divided by E.
 *
 * @throws RangeError when O < 0, E ≤ 0 or an input is not finite.
 */
export function indirectlyStandardisedRatio(
  observed: number,
  expected: number,
  options: LevelOptions & {multiplier?: number; method?: CountMethod} = {}
): Interval {
  const {multiplier = 1} = options;
  assertNonNegative("observed", observed);
  assertPositive("expected", expected);
  assertPositive("multiplier", multiplier);
  const c = countInterval(observed, options);
  const scale = multiplier / expected;
  return {
    value: observed * scale,
    lower: c.lower === null ? null : c.lower * scale,
    upper: c.upper === null ? null : c.upper * scale,
    level: c.level,
    method: c.method
  };
}

/**
 * Indirectly standardised rate: (O/E) × reference crude rate × multiplier (default
 * 10,000, like {@link rateInterval}), with the ratio's exact/Byar limits scaled the same
 * way. `referenceRate` is events per person (e.g. Σ reference events / Σ reference
 * population).
 *
 * @throws RangeError when O < 0, E ≤ 0, referenceRate < 0 or an input is not finite.
 */
export function indirectlyStandardisedRate(
  observed: number,
  expected: number,
  referenceRate: number,
  options: LevelOptions & {multiplier?: number; method?: CountMethod} = {}
): Interval {
  const {multiplier = 10000} = options;
  assertNonNegative("referenceRate", referenceRate);
  assertPositive("multiplier", multiplier);
  const ratio = indirectlyStandardisedRatio(observed, expected, {...options, multiplier: 1});
  const scale = referenceRate * multiplier;
  return {
    value: ratio.value * scale,
    lower: ratio.lower === null ? null : ratio.lower * scale,
    upper: ratio.upper === null ? null : ratio.upper * scale,
    level: ratio.level,
    method: ratio.method
  };
}
