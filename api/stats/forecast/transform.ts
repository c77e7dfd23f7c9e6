/**
 * Scales on which counts and proportions are modelled so that forecasts and intervals respect
 * their bounds: counts on log(1 + y) (zeros allowed), proportions on logit(y) (with 0 and 1 pulled
 * in slightly). Back-transformed point forecasts are medians, not means, on the original scale.
 */
import type {SeriesKind} from "./types.js";

/** A monotone transform and its inverse. */
export interface Transform {
  name: "none" | "log1p" | "logit" | "log";
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

/**
 * Guerrero's (1993) coefficient of variation of sd/mean^(1−λ) over consecutive non-overlapping
 * blocks of `period` points (the last blocks, so the oldest partial block is dropped): the λ that
 * minimises it makes the spread of a block independent of its level, as R `forecast::BoxCox.lambda`.
 */
function guerreroCv(values: readonly number[], period: number, lambda: number): number {
  const blocks = Math.floor(values.length / period);
  const ratios: number[] = [];
  for (let i = 0; i < blocks; i++) {
    const seg = values.slice(values.length - (blocks - i) * period, values.length - (blocks - i - 1) * period);
    const mean = seg.reduce((s, v) => s + v, 0) / period;
    const sd = Math.sqrt(seg.reduce((s, v) => s + (v - mean) ** 2, 0) / (period - 1));
    ratios.push(sd / mean ** (1 - lambda));
  }
  const mean = ratios.reduce((s, v) => s + v, 0) / blocks;
  return Math.sqrt(ratios.reduce((s, v) => s + (v - mean) ** 2, 0) / (blocks - 1)) / mean;
}

/** Guerrero's Box-Cox λ on [−1, 2] (steps of 0.05), or null when the series is too short or not positive. */
export function guerreroLambda(values: readonly number[], period: number): number | null {
  const m = Math.max(2, period);
  if (values.length < 2 * m || values.some((v) => !(v > 0))) return null;
  let best: number | null = null;
  let bestCv = Number.POSITIVE_INFINITY;
  for (let k = 0; k <= 60; k++) {
    const lambda = -1 + 0.05 * k;
    const cv = guerreroCv(values, m, lambda);
    if (Number.isFinite(cv) && cv < bestCv) {
      bestCv = cv;
      best = lambda;
    }
  }
  return best;
}

const logTransform: Transform = {name: "log", forward: (v) => Math.log(v), inverse: (v) => Math.exp(v)};

/**
 * The variance-stabilising scale for a positive series of values: the log when Guerrero's λ is
 * nearer 0 than 1 (the spread grows with the level, so errors are proportional), the original
 * scale otherwise. Rounding λ to 0 or 1 keeps the model interpretable and the choice stable; a
 * fractional λ fitted to a short history mostly chases noise.
 */
export function varianceStabilising(values: readonly number[], period: number): Transform {
  const lambda = guerreroLambda(values, period);
  return lambda !== null && lambda < 0.5 ? logTransform : identity;
}
