/**
 * Statistical process control: the XmR ("individuals") chart of NHS England's Making Data Count,
 * with NHSRplotthedots 0.2.2 semantics (see docs METHODS §4).
 *
 * Pure functions, no I/O. Written from the published formulas and rules.
 */

/** Which way is better for the measure; `neutral` means no judgement is made. */
export type ImprovementDirection = "increase" | "decrease" | "neutral";

/** Point classification, as Making Data Count names it (and as the variation icon shows it). */
export type PointType =
  | "common_cause"
  | "special_cause_improvement"
  | "special_cause_concern"
  | "special_cause_neutral_high"
  | "special_cause_neutral_low";

/** The rule that made a point a special cause (after precedence), or null for common cause. */
export type SpecialCauseRule = "outside_limits" | "trend" | "two_in_three" | "shift";

/** Assurance icon: can the process be relied on to meet the target? */
export type AssuranceType = "consistent_pass" | "consistent_fail" | "inconsistent";

/** Options for {@link xmr}. */
export interface XmrOptions {
  /** Which direction counts as improvement. */
  improvement: ImprovementDirection;
  /**
   * Drop moving ranges ≥ 3.267·MR̄ and recompute MR̄ before setting the limits (default true, the
   * NHSRplotthedots default). `false` reproduces the Making Data Count Excel tool.
   */
  screenOutliers?: boolean;
  /**
   * Freeze the mean and limits of each group after its first n points (null/undefined: never).
   * Refused below {@link MIN_FIX_AFTER}: limits from fewer points are trial limits, not a baseline.
   */
  fixAfter?: number | null;
  /** Allow `fixAfter` below 12, as some reference tools do (NHS-py): for reproducing them only. */
  allowShortFix?: boolean;
  /** 0-based indices where a new group starts (a rebase): limits are recalculated and rules do not cross it. */
  rebaseAt?: number[];
  /** Target used for the assurance icon. */
  target?: number | null;
}

/** One point of an XmR chart. */
export interface XmrPoint {
  index: number;
  value: number;
  /** 0-based rebase group the point belongs to. */
  group: number;
  mean: number;
  /** Lower process limit, mean − 2.66·MR̄ (NaN when the group has no moving range). */
  lpl: number;
  /** Upper process limit, mean + 2.66·MR̄. */
  upl: number;
  /** Lower near-limit (2σ) line, mean − (2/3)·2.66·MR̄. */
  nlpl: number;
  /** Upper near-limit (2σ) line, mean + (2/3)·2.66·MR̄. */
  nupl: number;
  outsideLimits: boolean;
  /** −1 below the mean, 0 on it, 1 above it. */
  relativeToMean: -1 | 0 | 1;
  /** Between a near-limit line and its process limit (points outside the limits are not "close"). */
  closeToLimits: boolean;
  /** The rule that applies after precedence (outside > trend > two-in-three > shift), or null. */
  rule: SpecialCauseRule | null;
  /** Human label of the rule, e.g. "Above UCL", "7 Point Trend (Increasing)", "Common Cause". */
  specialCauseType: string;
  pointType: PointType;
  /** The point's group is too short for stable limits (see {@link XmrResult.trial}). */
  shortGroup: boolean;
}

/** Summary of one rebase group. */
export interface XmrGroup {
  group: number;
  /** Index of the first and last point of the group (inclusive). */
  start: number;
  end: number;
  /** Points used for the mean and limits (all, or the first `fixAfter`). */
  pointsUsed: number;
  mean: number;
  /** Mean moving range after any screening. */
  mrBar: number;
  lpl: number;
  upl: number;
  nlpl: number;
  nupl: number;
  trial: boolean;
}

/** Output of {@link xmr}. */
export interface XmrResult {
  points: XmrPoint[];
  groups: XmrGroup[];
  /** Variation icon: the point type of the last point (null for an empty series). */
  variationIcon: PointType | null;
  /** Assurance icon from the target and the last group's limits (null without a target or when neutral). */
  assuranceIcon: AssuranceType | null;
  /** True when any group has too few points for reliable limits. */
  trial: boolean;
  /** Explains trial limits, or null. */
  message: string | null;
}

/** Moving ranges at or above this multiple of MR̄ are screened out (Wheeler; 3.267 = D4 for n=2). */
export const MR_SCREEN_FACTOR = 3.267;
/** Process limits sit this many MR̄ from the mean (3/d2, d2 = 1.128). */
export const LIMIT_FACTOR = 2.66;
/**
 * Groups with fewer points than this carry a trial-limits warning. NHSRplotthedots 0.2.2 uses
 * `n() < 13` although its message speaks of "n < 12": the reference vectors flag 12-point groups,
 * so we follow the package (12 points give only 11 moving ranges).
 */
export const SHORT_GROUP_THRESHOLD = 13;
const RUN_LENGTH = 7;

const directionSign = (d: ImprovementDirection): -1 | 0 | 1 => (d === "increase" ? 1 : d === "decrease" ? -1 : 0);

/**
 * Shift rule helper: 1 at each point that completes (or extends) a run of 7 or more consecutive
 * points on the same side of the mean, else 0. A point on the mean (0) breaks the run.
 */
export function sevenPointOneSideMean(relativeToMean: readonly number[]): number[] {
  const out: number[] = new Array(relativeToMean.length).fill(0);
  let run = 0;
  for (let i = 0; i < relativeToMean.length; i++) {
    const s = relativeToMean[i];
    run = s !== 0 && i > 0 && s === relativeToMean[i - 1] ? run + 1 : s !== 0 ? 1 : 0;
    if (run >= RUN_LENGTH) out[i] = 1;
  }
  return out;
}

/**
 * Spreads a run signal back over the whole run: 1 for a point when any of it and the next 6 points
 * is flagged (non-zero), so all 7 points of a run are marked.
 */
export function partOfSevenTrend(flags: readonly number[]): number[] {
  const n = flags.length;
  const out: number[] = new Array(n).fill(0);
  for (let i = 0; i < n; i++) {
    if (flags[i] === 0) continue;
    for (let j = Math.max(0, i - RUN_LENGTH + 1); j <= i; j++) out[j] = 1;
  }
  return out;
}

/**
 * Trend rule helper: +1 (−1) at each point that ends 7 consecutive strictly increasing
 * (decreasing) points, else 0. Equal neighbours (a tie) break the run.
 */
export function sevenPointTrend(y: readonly number[]): number[] {
  const out: number[] = new Array(y.length).fill(0);
  let up = 0;
  let down = 0;
  for (let i = 1; i < y.length; i++) {
    up = y[i] > y[i - 1] ? up + 1 : 0;
    down = y[i] < y[i - 1] ? down + 1 : 0;
    if (up >= RUN_LENGTH - 1) out[i] = 1;
    else if (down >= RUN_LENGTH - 1) out[i] = -1;
  }
  return out;
}

/**
 * Two-in-three rule helper: 1 for every point of any window of 3 consecutive points that are all on
 * the same side of the mean with at least 2 of them close to the limits.
 */
export function twoInThree(closeToLimits: readonly (boolean | number)[], relativeToMean: readonly number[]): number[] {
  const n = closeToLimits.length;
  const out: number[] = new Array(n).fill(0);
  for (let s = 0; s + 2 < n; s++) {
    const side = relativeToMean[s];
    if (side === 0 || relativeToMean[s + 1] !== side || relativeToMean[s + 2] !== side) continue;
    const close = Number(Boolean(closeToLimits[s])) + Number(Boolean(closeToLimits[s + 1])) + Number(Boolean(closeToLimits[s + 2]));
    if (close >= 2) out[s] = out[s + 1] = out[s + 2] = 1;
  }
  return out;
}

/** Only the close points of a two-in-three window are flagged, not the third point. */
export function partOfTwoInThree(windows: readonly number[], closeToLimits: readonly (boolean | number)[]): number[] {
  return windows.map((w, i) => (w !== 0 && closeToLimits[i] ? 1 : 0));
}

/**
 * Assurance icon: a target beyond the process limits on the good side is consistently met, beyond
 * them on the bad side consistently missed; a target within the limits is hit and missed at random.
 * Returns null when the direction is neutral or there is no target.
 */
export function assuranceType(
  lpl: number,
  upl: number,
  target: number | null | undefined,
  improvement: ImprovementDirection
): AssuranceType | null {
  const d = directionSign(improvement);
  if (d === 0 || target === null || target === undefined || !Number.isFinite(target)) return null;
  if (!Number.isFinite(lpl) || !Number.isFinite(upl)) return null;
  if (target > upl) return d > 0 ? "consistent_fail" : "consistent_pass";
  if (target < lpl) return d > 0 ? "consistent_pass" : "consistent_fail";
  return "inconsistent";
}

/** Fixing limits after fewer points than this is refused (Making Data Count: at least 12 points before limits are fixed). */
export const MIN_FIX_AFTER = 12;

/** Neumaier's compensated sum: the rounding error of each addition is carried, not lost. */
function compensatedSum(ys: readonly number[], n = ys.length): number {
  let sum = 0;
  let carry = 0;
  for (let i = 0; i < n; i++) {
    const t = sum + ys[i];
    carry += Math.abs(sum) >= Math.abs(ys[i]) ? (sum - t) + ys[i] : (ys[i] - t) + sum;
    sum = t;
  }
  return sum + carry;
}

/**
 * The mean as R's mean() computes it (NHSRplotthedots uses it): the sum over n, then one refining
 * pass adding the mean residual, here with compensated sums. So a point equal to the mean of a
 * series such as 0.1, 0.2, 0.3 is on it (relativeToMean 0), not a rounding error above or below.
 */
function mean(ys: readonly number[], n: number): number {
  const m = compensatedSum(ys, n) / n;
  if (!Number.isFinite(m)) return m;
  // Each residual exactly, as a rounded difference and its rounding error (Knuth's TwoSum), so the
  // refinement cannot add the error it is meant to remove.
  const residuals = new Array<number>(2 * n);
  for (let i = 0; i < n; i++) {
    const d = ys[i] - m;
    const back = d + m;
    residuals[2 * i] = d;
    residuals[2 * i + 1] = (ys[i] - back) + (-m - (d - back));
  }
  return m + compensatedSum(residuals) / n;
}

function groupLimits(ys: readonly number[], fixAfter: number | null | undefined, screen: boolean) {
  const used = fixAfter != null && fixAfter > 0 ? Math.min(Math.floor(fixAfter), ys.length) : ys.length;
  const mean_ = mean(ys, used);
  const mrs: number[] = [];
  for (let i = 1; i < used; i++) mrs.push(Math.abs(ys[i] - ys[i - 1]));
  const avg = (a: number[]) => (a.length ? a.reduce((s, v) => s + v, 0) / a.length : Number.NaN);
  let mrBar = avg(mrs);
  // With MR̄ = 0 every range would be "≥ 3.267·0" and screening would leave nothing: keep 0.
  if (screen && mrBar > 0) mrBar = avg(mrs.filter((m) => m < MR_SCREEN_FACTOR * mrBar));
  return {
    used,
    mean: mean_,
    mrBar,
    lpl: mean_ - LIMIT_FACTOR * mrBar,
    upl: mean_ + LIMIT_FACTOR * mrBar,
    nlpl: mean_ - (2 / 3) * LIMIT_FACTOR * mrBar,
    nupl: mean_ + (2 / 3) * LIMIT_FACTOR * mrBar
  };
}

function label(rule: SpecialCauseRule | null, dir: number): string {
  switch (rule) {
    case "outside_limits":
      return dir > 0 ? "Above UCL" : "Below LCL";
    case "trend":
      return dir > 0 ? "7 Point Trend (Increasing)" : "7 Point Trend (Decreasing)";
    case "two_in_three":
      return dir > 0 ? "2 in 3 Above CL" : "2 in 3 Below CL";
    case "shift":
      return dir > 0 ? "7 Points Above CL" : "7 Points Below CL";
    default:
      return "Common Cause";
  }
}

/**
 * XmR chart with Making Data Count rules.
 *
 * Rules, in precedence order for each point's label: outside the process limits; a trend of 7
 * strictly increasing/decreasing points (all 7 flagged; a tie breaks it); two of three consecutive
 * points close to the limits on the same side of the mean (only the close points flagged); a shift
 * of 7 points on one side of the mean (a point on the mean breaks it). Trend points take the
 * trend's direction, others their side of the mean; the improvement direction turns that into
 * improvement, concern or neutral (high/low). Rules never cross a rebase.
 *
 * @param values - the series, in time order (finite numbers).
 * @param options - see {@link XmrOptions}.
 */
export function xmr(values: readonly number[], options: XmrOptions): XmrResult {
  const n = values.length;
  if (values.some((v) => !Number.isFinite(v))) throw new RangeError("xmr: every value must be a finite number");
  if (options.fixAfter != null && options.fixAfter > 0 && options.fixAfter < MIN_FIX_AFTER && !options.allowShortFix) {
    throw new RangeError(`xmr: cannot fix limits after ${options.fixAfter} points: at least ${MIN_FIX_AFTER} are needed for limits to serve as a baseline (leave them unfixed, as trial limits)`);
  }
  const improvement = directionSign(options.improvement);
  const screen = options.screenOutliers ?? true;
  const starts = [
    0,
    ...[...new Set(options.rebaseAt ?? [])].filter((i) => Number.isInteger(i) && i > 0 && i < n).sort((a, b) => a - b)
  ];

  const points: XmrPoint[] = [];
  const groups: XmrGroup[] = [];
  if (n === 0) {
    return { points, groups, variationIcon: null, assuranceIcon: null, trial: false, message: null };
  }
  for (let g = 0; g < starts.length; g++) {
    const start = starts[g];
    const end = g + 1 < starts.length ? starts[g + 1] - 1 : n - 1;
    const ys = values.slice(start, end + 1);
    const lim = groupLimits(ys, options.fixAfter, screen);
    const short = ys.length < SHORT_GROUP_THRESHOLD;
    groups.push({ group: g, start, end, pointsUsed: lim.used, mean: lim.mean, mrBar: lim.mrBar, lpl: lim.lpl, upl: lim.upl, nlpl: lim.nlpl, nupl: lim.nupl, trial: short });

    const outside = ys.map((y) => y > lim.upl || y < lim.lpl);
    const rtm = ys.map((y) => Math.sign(y - lim.mean) as -1 | 0 | 1);
    const close = ys.map((y, i) => !outside[i] && (y < lim.nlpl || y > lim.nupl));
    const trendEnds = sevenPointTrend(ys);
    // Direction of the trend each point belongs to (the rule flags whole runs, so spread it back).
    const trendDir: number[] = new Array(ys.length).fill(0);
    for (let i = 0; i < ys.length; i++) {
      if (trendEnds[i] === 0) continue;
      for (let j = Math.max(0, i - RUN_LENGTH + 1); j <= i; j++) if (trendDir[j] === 0) trendDir[j] = trendEnds[i];
    }
    const twoThree = partOfTwoInThree(twoInThree(close, rtm), close);
    const shift = partOfSevenTrend(sevenPointOneSideMean(rtm));

    for (let i = 0; i < ys.length; i++) {
      let rule: SpecialCauseRule | null = null;
      let dir = 0;
      if (outside[i]) [rule, dir] = ["outside_limits", ys[i] > lim.upl ? 1 : -1];
      else if (trendDir[i] !== 0) [rule, dir] = ["trend", trendDir[i]];
      else if (twoThree[i]) [rule, dir] = ["two_in_three", rtm[i]];
      else if (shift[i]) [rule, dir] = ["shift", rtm[i]];
      let pointType: PointType = "common_cause";
      if (rule) {
        if (improvement === 0) pointType = dir > 0 ? "special_cause_neutral_high" : "special_cause_neutral_low";
        else pointType = dir === improvement ? "special_cause_improvement" : "special_cause_concern";
      }
      points.push({
        index: start + i,
        value: ys[i],
        group: g,
        mean: lim.mean,
        lpl: lim.lpl,
        upl: lim.upl,
        nlpl: lim.nlpl,
        nupl: lim.nupl,
        outsideLimits: outside[i],
        relativeToMean: rtm[i],
        closeToLimits: close[i],
        rule,
        specialCauseType: label(rule, dir),
        pointType,
        shortGroup: short
      });
    }
  }
  const last = points[points.length - 1];
  const trial = groups.some((g) => g.trial);
  return {
    points,
    groups,
    variationIcon: last.pointType,
    assuranceIcon: assuranceType(last.lpl, last.upl, options.target, options.improvement),
    trial,
    message: trial
      ? `Trial limits: at least one group has fewer than ${SHORT_GROUP_THRESHOLD} points, so its limits ` +
        "will be revised as data are added and signals should be read with caution."
      : null
  };
}
