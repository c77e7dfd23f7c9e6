/**
 * Funnel plots: control limits as a function of size, and the significance of each
 * unit (provider, ward, authority) against the pooled average (METHODS §3).
 *
 * Three statistics share one input shape (`FunnelInput`, discriminated by `statistic`):
 *
 * - `proportion`: rows of {numerator, denominator}. Centre line p̄ = Σx/Σn. The limits
 *   are the observed proportions whose Wilson interval just touches p̄, which reduce to
 *   p̄ ± z·√(p̄(1 − p̄)/n); clamped to [0, 1] and multiplied by `multiplier`
 *   (default 100, a percentage).
 * - `ratio`: rows of {observed, expected}. Centre line O/E = 1. Exact Poisson limits:
 *   for an observed count O, the expected count E at which O sits on the upper limit is
 *   qgamma(p, O) and on the lower limit qgamma(1 − p, O + 1). `ratioType` "isr" (default)
 *   plots O/E × multiplier (default 1; PHE uses 100), "count" plots O/E − 1.
 * - `rate`: rows of {numerator, denominator?, rate?} with `rateType` "crude" or "dsr",
 *   `multiplier` (the rate's "per") and `yearsOfData`. The denominator is taken from
 *   the row, or derived as numerator/rate × multiplier (always derived for DSRs, whose
 *   rate is not numerator/denominator). Centre line r̄ = Σx/Σn × multiplier. Limits use
 *   the same exact Poisson inversion, reported as the one-year population at which the
 *   event count sits on the limit and the corresponding rate.
 *
 * Limits are at 95% ("2s", p = 0.975 each side) and 99.8% ("3s", p = 0.999).
 *
 * Axis: see funnel-axis.ts (100 points by default over the range of the sizes, as
 * PHEindicatormethods draws them). `axis` may be an explicit list of points or {points, min, max}.
 *
 * Invalid input (denominator ≤ 0, negative numerator, numerator > denominator for a
 * proportion, a DSR row with ≥ 10 events but no positive rate, non-finite values) throws
 * a `RangeError`.
 */
import {LEVEL_95, LEVEL_998, qgamma, z} from "./distributions.js";
import {nonEmpty, nonNegative, positive, resolveAxis, type FunnelAxisOption} from "./funnel-axis.js";

export {funnelAxis, type FunnelAxisOption} from "./funnel-axis.js";

/** Significance of a unit against the funnel. */
export type FunnelSignificance =
  | "High (0.001)"
  | "High (0.025)"
  | "Low (0.001)"
  | "Low (0.025)"
  | "Not significant"
  | "Not applicable for events less than 10 for dsrs";

/** A proportion funnel (e.g. percentage of referrals that are re-referrals, by provider). */
export interface ProportionFunnelInput {
  statistic: "proportion";
  rows: readonly {numerator: number; denominator: number}[];
  /** Default 100 (percentages). */
  multiplier?: number;
  axis?: FunnelAxisOption;
}

/** A ratio funnel of observed vs expected counts (e.g. indirectly standardised ratios). */
export interface RatioFunnelInput {
  statistic: "ratio";
  rows: readonly {observed: number; expected: number}[];
  /** "isr": O/E × multiplier (default); "count": O/E − 1. */
  ratioType?: "isr" | "count";
  /** Applies to "isr"; default 1 (PHE's ISR funnels use 100). */
  multiplier?: number;
  axis?: FunnelAxisOption;
}

/** A rate funnel (crude or directly standardised rates). */
export interface RateFunnelInput {
  statistic: "rate";
  rows: readonly {numerator: number; denominator?: number; rate?: number}[];
  rateType: "crude" | "dsr";
  /** The "per" of the rates, e.g. 10000 or 100000. */
  multiplier: number;
  /** Number of years pooled in each numerator; default 1. */
  yearsOfData?: number;
  axis?: FunnelAxisOption;
}

/** Input to {@link funnelLimits} and {@link funnelSignificance}. */
export type FunnelInput = ProportionFunnelInput | RatioFunnelInput | RateFunnelInput;

/** One point of one control limit: where to plot it (x) and its value (y). */
export interface FunnelLimit {
  /**
   * Denominator (proportion), expected events on the limit (ratio) or one-year
   * population on the limit (rate).
   */
  x: number;
  /** The limit on the output scale (percentage, ratio, rate). */
  value: number;
}

/** The four control limits evaluated at one axis point. */
export interface FunnelAxisPoint {
  /** Denominator (proportion) or observed events (ratio, rate). */
  axis: number;
  lower95: FunnelLimit;
  upper95: FunnelLimit;
  lower998: FunnelLimit;
  upper998: FunnelLimit;
}

/** Control limits ready to plot: each curve is points.map(p => p.<limit>). */
export interface FunnelLimits {
  statistic: FunnelInput["statistic"];
  /** Centre line on the output scale (p̄ × M, 1·M or 0 for ratios, r̄). */
  baseline: number;
  /** What `axis` holds. */
  axisKind: "denominator" | "observed-events";
  /** What each limit's `x` holds. */
  xKind: "denominator" | "expected-events" | "population-per-year";
  method: "wilson-normal" | "exact-poisson";
  points: FunnelAxisPoint[];
}

const P95 = (1 + LEVEL_95) / 2; // 0.975
const P998 = (1 + LEVEL_998) / 2; // 0.999

interface PoissonE {
  lower95: number;
  upper95: number;
  lower998: number;
  upper998: number;
}

/** Expected counts at which an observed count O sits on each limit. */
function poissonLimitsE(o: number): PoissonE {
  return {
    lower95: qgamma(P95, o + 1),
    upper95: qgamma(1 - P95, o),
    lower998: qgamma(P998, o + 1),
    upper998: qgamma(1 - P998, o)
  };
}

function poissonLabel(o: number, e: number): FunnelSignificance {
  if (o > 0 && e < qgamma(1 - P998, o)) return "High (0.001)";
  if (o > 0 && e < qgamma(1 - P95, o)) return "High (0.025)";
  if (e > qgamma(P998, o + 1)) return "Low (0.001)";
  if (e > qgamma(P95, o + 1)) return "Low (0.025)";
  return "Not significant";
}

// ---------------------------------------------------------------- proportions

function proportionBaseline(input: ProportionFunnelInput): number {
  nonEmpty(input.rows);
  let sx = 0;
  let sn = 0;
  input.rows.forEach((r, i) => {
    const x = nonNegative(`rows[${i}].numerator`, r.numerator);
    const n = positive(`rows[${i}].denominator`, r.denominator);
    if (x > n) throw new RangeError(`rows[${i}].numerator must not exceed its denominator for a proportion: ${x} > ${n}`);
    sx += x;
    sn += n;
  });
  return sx / sn;
}

function proportionLimits(input: ProportionFunnelInput): FunnelLimits {
  const p = proportionBaseline(input);
  const m = positive("multiplier", input.multiplier ?? 100);
  const z95 = z(LEVEL_95);
  const z998 = z(LEVEL_998);
  const sizes = input.rows.map((r) => r.denominator);
  const axis = resolveAxis(input.axis, sizes, (s) => s, 1);
  const clamp = (v: number): number => Math.min(1, Math.max(0, v)) * m;
  const points = axis.map((n) => {
    const sd = Math.sqrt((p * (1 - p)) / n);
    return {
      axis: n,
      lower95: {x: n, value: clamp(p - z95 * sd)},
      upper95: {x: n, value: clamp(p + z95 * sd)},
      lower998: {x: n, value: clamp(p - z998 * sd)},
      upper998: {x: n, value: clamp(p + z998 * sd)}
    };
  });
  return {
    statistic: "proportion",
    baseline: p * m,
    axisKind: "denominator",
    xKind: "denominator",
    method: "wilson-normal",
    points
  };
}

function proportionSignificance(input: ProportionFunnelInput): FunnelSignificance[] {
  const p = proportionBaseline(input);
  const z95 = z(LEVEL_95);
  const z998 = z(LEVEL_998);
  return input.rows.map((r) => {
    const o = r.numerator / r.denominator;
    const sd = Math.sqrt((p * (1 - p)) / r.denominator);
    if (o > p + z998 * sd) return "High (0.001)";
    if (o > p + z95 * sd) return "High (0.025)";
    if (o < p - z998 * sd) return "Low (0.001)";
    if (o < p - z95 * sd) return "Low (0.025)";
    return "Not significant";
  });
}

// ---------------------------------------------------------------- ratios

function validateRatioRows(input: RatioFunnelInput): void {
  nonEmpty(input.rows);
  input.rows.forEach((r, i) => {
    nonNegative(`rows[${i}].observed`, r.observed);
    positive(`rows[${i}].expected`, r.expected);
  });
}

function ratioLimits(input: RatioFunnelInput): FunnelLimits {
  validateRatioRows(input);
  const type = input.ratioType ?? "isr";
  const m = positive("multiplier", input.multiplier ?? 1);
  const scale = (o: number, e: number): number => (type === "count" ? o / e - 1 : (o / e) * m);
  const axis = resolveAxis(
    input.axis,
    input.rows.map((r) => r.expected),
    (s, end) => (end === "min" ? Math.floor(s) : Math.ceil(s)),
    1
  );
  const points = axis.map((o) => {
    const e = poissonLimitsE(o);
    return {
      axis: o,
      lower95: {x: e.lower95, value: scale(o, e.lower95)},
      upper95: {x: e.upper95, value: scale(o, e.upper95)},
      lower998: {x: e.lower998, value: scale(o, e.lower998)},
      upper998: {x: e.upper998, value: scale(o, e.upper998)}
    };
  });
  return {
    statistic: "ratio",
    baseline: type === "count" ? 0 : m,
    axisKind: "observed-events",
    xKind: "expected-events",
    method: "exact-poisson",
    points
  };
}

function ratioSignificance(input: RatioFunnelInput): FunnelSignificance[] {
  validateRatioRows(input);
  // The comparator for O/E is 1 by construction: E already carries the reference rates.
  return input.rows.map((r) => poissonLabel(r.observed, r.expected));
}

// ---------------------------------------------------------------- rates

interface RatePrepared {
  /** Person-time denominator per row (all years), NaN where it cannot be derived. */
  n: number[];
  baseline: number;
  years: number;
  m: number;
}

function prepareRates(input: RateFunnelInput): RatePrepared {
  nonEmpty(input.rows);
  const m = positive("multiplier", input.multiplier);
  const years = positive("yearsOfData", input.yearsOfData ?? 1);
  if (input.rateType !== "crude" && input.rateType !== "dsr") {
    throw new RangeError(`rateType must be "crude" or "dsr", got ${String(input.rateType)}`);
  }
  const n = input.rows.map((r, i) => {
    const x = nonNegative(`rows[${i}].numerator`, r.numerator);
    // A DSR is not numerator/denominator, so its funnel position comes from the
    // person-time that would give the same events at that rate.
    if (input.rateType === "crude" && r.denominator != null) return positive(`rows[${i}].denominator`, r.denominator);
    const rate = r.rate;
    if (rate == null || !Number.isFinite(rate) || rate <= 0 || x === 0) {
      if (input.rateType === "dsr" && x >= 10) {
        throw new RangeError(`rows[${i}].rate must be a positive number for a DSR with ${x} events`);
      }
      return Number.NaN;
    }
    return (x / rate) * m;
  });
  let sx = 0;
  let sn = 0;
  input.rows.forEach((r, i) => {
    if (Number.isFinite(n[i])) {
      sx += r.numerator;
      sn += n[i];
    }
  });
  if (sn <= 0) throw new RangeError("a rate funnel needs at least one row with a usable denominator or rate");
  return {n, baseline: (sx / sn) * m, years, m};
}

function rateLimits(input: RateFunnelInput): FunnelLimits {
  const {n, baseline, years, m} = prepareRates(input);
  if (baseline <= 0) throw new RangeError("the pooled rate is zero: a rate funnel needs at least one event");
  const perEvent = baseline / m; // events per person-year at the centre line
  const sizes = n.filter(Number.isFinite).map((v) => v / years);
  const axis = resolveAxis(
    input.axis,
    sizes,
    (s, end) => (end === "min" ? Math.floor(s * years * perEvent) : Math.ceil(s * years * perEvent)),
    1
  );
  const limit = (o: number, e: number): FunnelLimit => {
    const pop1 = e / perEvent / years;
    return {x: pop1, value: (o / (pop1 * years)) * m};
  };
  const points = axis.map((o) => {
    const e = poissonLimitsE(o);
    return {
      axis: o,
      lower95: limit(o, e.lower95),
      upper95: limit(o, e.upper95),
      lower998: limit(o, e.lower998),
      upper998: limit(o, e.upper998)
    };
  });
  return {
    statistic: "rate",
    baseline,
    axisKind: "observed-events",
    xKind: "population-per-year",
    method: "exact-poisson",
    points
  };
}

function rateSignificance(input: RateFunnelInput): FunnelSignificance[] {
  const {n, baseline, m} = prepareRates(input);
  return input.rows.map((r, i) => {
    if (input.rateType === "dsr" && r.numerator < 10) return "Not applicable for events less than 10 for dsrs";
    if (!Number.isFinite(n[i])) {
      throw new RangeError(`rows[${i}] needs a denominator (or a positive rate) to be placed on a crude rate funnel`);
    }
    return poissonLabel(r.numerator, (n[i] * baseline) / m);
  });
}

// ---------------------------------------------------------------- public API

/** Where a unit sits on the funnel chart; null where it is not plotted. */
export interface FunnelPoint {
  /** Denominator (proportion), expected events (ratio) or one-year population (rate). */
  x: number | null;
  /** The unit's value on the output scale. */
  value: number | null;
}

/**
 * Positions of the units themselves on the funnel chart, in row order: x is the
 * denominator, expected count or one-year population (numerator/rate × multiplier when
 * the row has events and a rate, otherwise its denominator, divided by years); value is
 * the proportion × multiplier, the ratio, or the rate as given. DSRs on fewer than 10
 * events are not plotted (nulls), as they are not published.
 */
export function funnelPoints(input: FunnelInput): FunnelPoint[] {
  switch (input.statistic) {
    case "proportion": {
      proportionBaseline(input);
      const m = positive("multiplier", input.multiplier ?? 100);
      return input.rows.map((r) => ({x: r.denominator, value: (r.numerator / r.denominator) * m}));
    }
    case "ratio": {
      validateRatioRows(input);
      const m = positive("multiplier", input.multiplier ?? 1);
      const count = input.ratioType === "count";
      return input.rows.map((r) => ({x: r.expected, value: count ? r.observed / r.expected - 1 : (r.observed / r.expected) * m}));
    }
    case "rate": {
      const {n, years, m} = prepareRates(input);
      return input.rows.map((r, i) => {
        if (input.rateType === "dsr" && r.numerator < 10) return {x: null, value: null};
        const given = r.rate != null && Number.isFinite(r.rate) && r.rate > 0 ? r.rate : null;
        // Placing the unit at events/rate keeps it exactly where its plotted rate puts it
        // relative to the limit curves, which are drawn in events (as PHE does).
        let x: number | null = Number.isFinite(n[i]) ? n[i] / years : null;
        if (given !== null && r.numerator > 0) x = ((r.numerator / given) * m) / years;
        const computed = r.denominator != null && r.denominator > 0 ? (r.numerator / r.denominator) * m : null;
        return {x, value: r.rate != null && Number.isFinite(r.rate) ? r.rate : computed};
      });
    }
    default:
      throw new RangeError(`statistic must be "proportion", "ratio" or "rate", got ${String((input as {statistic: unknown}).statistic)}`);
  }
}

/**
 * Funnel plot control limits (95% and 99.8%) and centre line for proportions, ratios
 * or rates, evaluated along an axis of (by default) 100 points. See the module
 * comment for the methods and the axis rule.
 *
 * @example
 * funnelLimits({statistic: "proportion", rows, multiplier: 100})
 * funnelLimits({statistic: "ratio", rows: [{observed: 12, expected: 9.1}], ratioType: "isr", multiplier: 100})
 * funnelLimits({statistic: "rate", rows, rateType: "crude", multiplier: 10000, yearsOfData: 3})
 */
export function funnelLimits(input: FunnelInput): FunnelLimits {
  switch (input.statistic) {
    case "proportion":
      return proportionLimits(input);
    case "ratio":
      return ratioLimits(input);
    case "rate":
      return rateLimits(input);
    default:
      throw new RangeError(`statistic must be "proportion", "ratio" or "rate", got ${String((input as {statistic: unknown}).statistic)}`);
  }
}

/**
 * Significance of each row against the funnel built from all rows (same input as
 * {@link funnelLimits}; labels returned in row order). "High"/"Low" say the unit is
 * above/below the 99.8% (0.001) or 95% (0.025) limit; DSRs on fewer than 10 events are
 * not assessed.
 */
export function funnelSignificance(input: FunnelInput): FunnelSignificance[] {
  switch (input.statistic) {
    case "proportion":
      return proportionSignificance(input);
    case "ratio":
      return ratioSignificance(input);
    case "rate":
      return rateSignificance(input);
    default:
      throw new RangeError(`statistic must be "proportion", "ratio" or "rate", got ${String((input as {statistic: unknown}).statistic)}`);
  }
}
