/**
 * Thin, typed wrappers around the @stdlib distribution functions used by the
 * statistics modules. Every quantile comes from @stdlib (accurate to ~1e-15);
 * nothing here approximates a distribution by hand.
 */
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import chisquareQuantile from "@stdlib/stats-base-dists-chisquare-quantile";
import tQuantile from "@stdlib/stats-base-dists-t-quantile";
import gammaQuantile from "@stdlib/stats-base-dists-gamma-quantile";
import gammaRandom from "@stdlib/random-base-gamma";

/** The two confidence levels every published figure carries (METHODS §1). */
export const LEVEL_95 = 0.95;
/** 99.8%: the Fingertips "3 standard deviation" level. */
export const LEVEL_998 = 0.998;
/** The confidence levels used throughout the platform. */
export type StandardLevel = typeof LEVEL_95 | typeof LEVEL_998;

/** Standard normal quantile function Φ⁻¹(p). */
export function qnorm(p: number): number {
  return normalQuantile(p, 0, 1);
}

/**
 * Chi-square quantile with `df` degrees of freedom (df = 0 is the point mass at 0).
 * Even df with a large quantile go through {@link qgamma}'s exact refinement.
 */
export function qchisq(p: number, df: number): number {
  const x = chisquareQuantile(p, df);
  if (Number.isInteger(df / 2) && df >= 2 && x / 2 > LARGE_GAMMA_X) return 2 * qgamma(p, df / 2);
  return x;
}

/** Student-t quantile with `df` degrees of freedom. */
export function qt(p: number, df: number): number {
  return tQuantile(p, df);
}

/**
 * @stdlib/math-base-special-gammainc 0.3.x evaluates P(a, x) with its large-x asymptotic
 * series whenever x > 1000, even when a is close to x, where that series is not accurate:
 * qgamma(0.975, 987) comes back as 1049.68 instead of 1049.517 (relative error 1.6e-4),
 * which moves funnel limits for counts near 1000 and above. Above this x we therefore
 * polish @stdlib's answer against the exact Poisson sum (integer shapes only).
 */
const LARGE_GAMMA_X = 900;

const logFactorialCache: number[] = [0, 0];

/** ln(k!) by compensated summation of ln i (exact up to rounding of each ln). */
function logFactorial(k: number): number {
  if (k < logFactorialCache.length) return logFactorialCache[k];
  let sum = logFactorialCache[logFactorialCache.length - 1];
  let comp = 0;
  for (let i = logFactorialCache.length; i <= k; i++) {
    const y = Math.log(i) - comp;
    const t = sum + y;
    comp = t - sum - y;
    sum = t;
    logFactorialCache.push(sum);
  }
  return logFactorialCache[k];
}

/**
 * Regularised incomplete gamma for an integer shape a ≥ 1, from the identity
 * Q(a, x) = P(Poisson(x) ≤ a − 1): the smaller tail is summed term by term from the
 * boundary outwards (terms only shrink), the other is its complement.
 */
function gammaTailsIntegerShape(a: number, x: number): {lower: number; upper: number} {
  const logTerm = (k: number): number => -x + k * Math.log(x) - logFactorial(k);
  if (x > a - 1) {
    // Q = Σ_{k=0}^{a−1} x^k e^{−x}/k!, largest term at k = a − 1.
    let t = Math.exp(logTerm(a - 1));
    let s = t;
    for (let k = a - 1; k > 0 && t > s * 1e-18; k--) {
      t *= k / x;
      s += t;
    }
    return {lower: 1 - s, upper: s};
  }
  // P = Σ_{k=a}^{∞} x^k e^{−x}/k!, largest term at k = a.
  let t = Math.exp(logTerm(a));
  let s = t;
  for (let k = a + 1; t > s * 1e-18; k++) {
    t *= x / k;
    s += t;
  }
  return {lower: s, upper: 1 - s};
}

/** Newton polish of a gamma quantile (rate 1) against the exact tails. */
function refineGammaQuantile(p: number, a: number, x0: number): number {
  const q = 1 - p;
  let x = x0;
  for (let it = 0; it < 50; it++) {
    const {lower, upper} = gammaTailsIntegerShape(a, x);
    // Compare on the smaller tail so the residual keeps its relative precision.
    const resid = p < 0.5 ? lower - p : q - upper;
    const density = Math.exp(-x + (a - 1) * Math.log(x) - logFactorial(a - 1));
    const step = resid / density;
    x -= step;
    if (Math.abs(step) <= 1e-15 * x) break;
  }
  return x;
}

/**
 * Gamma quantile with shape `shape` and rate `rate` (default 1). With rate 1 this is
 * the exact Poisson limit: the mean E with P(K ≥ k | E) = p is `qgamma(p, k)` and the
 * mean with P(K ≤ k | E) = p is `qgamma(1 − p, k + 1)`.
 */
export function qgamma(p: number, shape: number, rate = 1): number {
  const x = gammaQuantile(p, shape, rate);
  if (Number.isInteger(shape) && shape >= 1 && p > 0 && p < 1 && x * rate > LARGE_GAMMA_X) {
    return refineGammaQuantile(p, shape, x * rate) / rate;
  }
  return x;
}

/** Validates a two-sided confidence level strictly between 0 and 1. */
export function assertLevel(level: number): void {
  if (!(typeof level === "number" && level > 0 && level < 1)) {
    throw new RangeError(`confidence level must be a number strictly between 0 and 1, got ${String(level)}`);
  }
}

/**
 * Two-sided normal critical value for a confidence level:
 * z(0.95) = qnorm(0.975) = 1.959963984540054, z(0.998) = qnorm(0.999) = 3.090232306167813.
 */
export function z(level: number): number {
  assertLevel(level);
  // (1 + level) / 2 rounds to exactly the double nearest 0.975 / 0.999, so the
  // critical values agree bit-for-bit with qnorm(0.975) and qnorm(0.999).
  return qnorm((1 + level) / 2);
}

/** A seeded stream of random variates: identical seeds give identical sequences. */
export interface SeededSampler {
  /** Gamma(shape, rate) variate (rate parameterisation, mean shape/rate). */
  gamma(shape: number, rate: number): number;
  /** Uniform variate on the open interval (0, 1). */
  uniform(): number;
  /** Standard normal variate (Box–Muller on the same underlying MT19937 stream). */
  normal(): number;
}

/**
 * Creates a reproducible sampler seeded with a positive integer (MT19937 via
 * @stdlib/random-base-gamma). Used for rank intervals and SII simulation so that a
 * published interval can be regenerated exactly.
 */
export function seededSampler(seed: number): SeededSampler {
  if (!Number.isInteger(seed) || seed < 1 || seed > 4294967295) {
    throw new RangeError(`seed must be an integer between 1 and 4294967295, got ${String(seed)}`);
  }
  const draw = gammaRandom.factory({seed});
  const prng = draw.PRNG as unknown as () => number;
  // MT19937 emits integers in [0, 2^32 − 1]; shifting by half a step keeps (0, 1) open.
  const uniform = (): number => (prng() + 0.5) / 4294967296;
  let spare: number | null = null;
  const normal = (): number => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const theta = 2 * Math.PI * uniform();
    spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  };
  return {
    gamma: (shape: number, rate: number) => draw(shape, rate),
    uniform,
    normal
  };
}
