/**
 * Scales on which counts and proportions are modelled so that forecasts and intervals respect
 * their bounds: counts on log(1 + y) (zeros allowed), proportions on logit(y) (with 0 and 1 pulled
 * in slightly). Back-transformed point forecasts are medians, not means, on the original scale.
 */
import type {SeriesKind} from "./types.js";

/** A monotone transform and its inverse. */
export interface Transform {
  name: "none" | "log1p" | "logit";
  forward: (v: number) => number;
  inverse: (v: number) => number;
}

const identity: Transform = {name: "none", forward: (v) => v, inverse: (v) => v};

/** Chooses the transform for a kind of series; `values` fixes how far 0 and 1 are pulled in. */
export function transformFor(kind: SeriesKind, values: readonly number[]): Transform {
  if (kind === "count") {
    return {name: "log1p", forward: (v) => Math.log1p(v), inverse: (v) => Math.max(0, Math.expm1(v))};
  }
  if (kind === "proportion") {
    // Pull exact 0s and 1s in by half the smallest gap seen (at most 0.5%), so one zero is not an outlier.
    const inside = values.filter((v) => v > 0 && v < 1);
    const gaps = [0.005, ...inside.map((v) => v / 2), ...inside.map((v) => (1 - v) / 2)];
    const eps = Math.max(1e-6, Math.min(...gaps));
    return {
      name: "logit",
      forward: (v) => {
        const p = Math.min(1 - eps, Math.max(eps, v));
        return Math.log(p / (1 - p));
      },
      inverse: (v) => Math.min(1, Math.max(0, 1 / (1 + Math.exp(-v))))
    };
  }
  return identity;
}
