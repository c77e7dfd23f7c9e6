/**
 * Comparing an area with a benchmark (METHODS §2, the Fingertips RAG rule).
 */

/** Which direction is good for an indicator. */
export type Polarity = "high-is-good" | "low-is-good" | "no-judgement";

/** Result of a benchmark comparison. "higher"/"lower" are used when polarity is no-judgement. */
export type BenchmarkComparison = "better" | "worse" | "similar" | "higher" | "lower" | "not-compared";

/** The parts of an interval the comparison needs. */
export interface IntervalLimits {
  lower: number | null;
  upper: number | null;
}

const POLARITIES: readonly Polarity[] = ["high-is-good", "low-is-good", "no-judgement"];

/**
 * Fingertips benchmark comparison: the area's confidence interval is compared with the
 * benchmark's *value* (the benchmark's own interval is ignored). The area is above when
 * its lower limit exceeds the benchmark, below when its upper limit is under it, and
 * similar otherwise (touching the benchmark is similar). Polarity turns above/below into
 * better/worse; with no judgement the result is higher/lower.
 *
 * Returns "not-compared" when the interval, either of its limits, or the benchmark is
 * missing or not finite: an area is never colour-coded without a complete interval.
 *
 * @throws RangeError for an unknown polarity.
 */
export function compareWithBenchmark(
  interval: IntervalLimits | null | undefined,
  benchmark: number | null | undefined,
  polarity: Polarity
): BenchmarkComparison {
  if (!POLARITIES.includes(polarity)) {
    throw new RangeError(`polarity must be one of ${POLARITIES.join(", ")}, got ${String(polarity)}`);
  }
  if (interval == null || benchmark == null || !Number.isFinite(benchmark)) return "not-compared";
  const {lower, upper} = interval;
  if (lower == null || upper == null || !Number.isFinite(lower) || !Number.isFinite(upper)) return "not-compared";
  let direction: -1 | 0 | 1 = 0;
  if (lower > benchmark) direction = 1;
  else if (upper < benchmark) direction = -1;
  if (direction === 0) return "similar";
  if (polarity === "no-judgement") return direction > 0 ? "higher" : "lower";
  const good = polarity === "high-is-good" ? direction > 0 : direction < 0;
  return good ? "better" : "worse";
}
