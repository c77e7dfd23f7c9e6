import {RANK_DRAWS, seededSampler} from "../stats/index.js";

/**
 * The composite need index (docs/methods/targeting.md).
 *
 * For ward i and indicator k, the need ratio is Rᵢₖ = (Oᵢₖ + 0.5) / (Eᵢₖ + 0.5): observed cases over
 * the cases expected at the borough rate (Eᵢₖ = ward denominator × borough rate), with half a case
 * added to each so a ward with no cases gets a finite ratio pulled towards the borough (1) rather
 * than minus infinity. The index is the weighted geometric mean of the ratios, turned round for
 * indicators where a lower value means more need:
 *
 *   ln Needᵢ = Σₖ wₖ · dₖ · ln Rᵢₖ / Σₖ wₖ      (dₖ = +1, or −1 when lower is more need)
 *
 * so 1 is the borough, 1.5 means half as much again as the borough, and each component's share of
 * the index is its term wₖ·dₖ·ln Rᵢₖ/Σw (shown as `contribution`, and as the multiplicative
 * `factor` = exp(contribution); the factors multiply to the index).
 *
 * Uncertainty by seeded simulation: each observed count is redrawn from its Jeffreys posterior
 * O* ~ Gamma(O + 0.5, 1) (the expected counts, built on borough rates, are held fixed), the index
 * recomputed and the wards ranked in each draw. That gives a 95% interval for each index, a median
 * rank with a 95% rank interval, and for any two wards the share of draws in which one has more
 * need than the other. Same seed, same answer.
 */

export interface NeedComponentInput {
  indicator: string;
  /** User weight, ≥ 0; weights are normalised to sum to 1. */
  weight: number;
  /** +1 when a higher value means more need, −1 when a lower one does. */
  direction: 1 | -1;
  wards: readonly {id: string; observed: number; expected: number}[];
}

export interface NeedComponent {
  indicator: string;
  /** Normalised weight. */
  weight: number;
  observed: number;
  expected: number;
  /** (O + 0.5)/(E + 0.5). */
  ratio: number;
  /** wₖ·dₖ·ln Rᵢₖ: this component's additive share of ln(index). */
  contribution: number;
  /** exp(contribution): the factors multiply to the index. */
  factor: number;
}

export interface WardNeed {
  id: string;
  index: number;
  lower95: number;
  upper95: number;
  /** Rank 1 = the most need. */
  medianRank: number;
  lowerRank: number;
  upperRank: number;
  components: NeedComponent[];
}

export interface NeedResult {
  seed: number;
  draws: number;
  wards: WardNeed[];
  /** Share of draws in which ward a has more need than ward b. */
  probabilityHigher(a: string, b: string): number;
}

const shrunk = (o: number, e: number) => (o + 0.5) / (e + 0.5);

/** Type-7 quantile of sorted values. */
function quantile(sorted: readonly number[], p: number): number {
  const h = (sorted.length - 1) * p;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** Inverse empirical CDF, so ranks stay whole (as the stats library's rank intervals). */
const rankQuantile = (sorted: readonly number[], p: number) => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)];

/**
 * The need index of every ward with its simulation intervals and ranks.
 *
 * @throws RangeError for no components, a negative or non-finite weight, weights summing to 0,
 * components that do not list the same wards, or negative counts.
 */
export function needIndex(components: readonly NeedComponentInput[], options: {seed: number; draws?: number}): NeedResult {
  const {seed, draws = RANK_DRAWS} = options;
  if (!components.length) throw new RangeError("the need index needs at least one indicator");
  if (!Number.isInteger(draws) || draws < 100) throw new RangeError(`draws must be an integer ≥ 100, got ${draws}`);
  for (const c of components) {
    if (!Number.isFinite(c.weight) || c.weight < 0) throw new RangeError(`the weight of ${c.indicator} must be a number ≥ 0, got ${c.weight}`);
    for (const w of c.wards) {
      if (!(w.observed >= 0) || !(w.expected >= 0)) throw new RangeError(`${c.indicator} ${w.id}: observed and expected counts must be ≥ 0`);
    }
  }
  const total = components.reduce((s, c) => s + c.weight, 0);
  if (!(total > 0)) throw new RangeError("at least one weight must be greater than 0");
  const ids = components[0].wards.map((w) => w.id);
  for (const c of components) {
    if (c.wards.length !== ids.length || c.wards.some((w, i) => w.id !== ids[i])) throw new RangeError(`${c.indicator} does not list the same wards in the same order as ${components[0].indicator}`);
  }
  const weights = components.map((c) => c.weight / total);
  const n = ids.length;

  const wards: Omit<WardNeed, "lower95" | "upper95" | "medianRank" | "lowerRank" | "upperRank">[] = ids.map((id, i) => {
    const parts = components.map((c, k) => {
      const {observed, expected} = c.wards[i];
      const ratio = shrunk(observed, expected);
      const contribution = weights[k] * c.direction * Math.log(ratio);
      return {indicator: c.indicator, weight: weights[k], observed, expected, ratio, contribution, factor: Math.exp(contribution)};
    });
    return {id, index: Math.exp(parts.reduce((s, p) => s + p.contribution, 0)), components: parts};
  });

  const sampler = seededSampler(seed);
  const logs: number[][] = ids.map(() => []);
  const ranks: number[][] = ids.map(() => []);
  const higher: number[][] = ids.map(() => new Array<number>(n).fill(0));
  const draw = new Array<number>(n);
  for (let d = 0; d < draws; d++) {
    draw.fill(0);
    components.forEach((c, k) => {
      if (weights[k] === 0) return;
      for (let i = 0; i < n; i++) {
        const {observed, expected} = c.wards[i];
        const o = sampler.gamma(observed + 0.5, 1);
        draw[i] += weights[k] * c.direction * Math.log(shrunk(o, expected));
      }
    });
    const order = draw.map((_, i) => i).sort((a, b) => draw[b] - draw[a]);
    order.forEach((i, pos) => ranks[i].push(pos + 1));
    for (let i = 0; i < n; i++) {
      logs[i].push(draw[i]);
      for (let j = 0; j < n; j++) if (draw[i] > draw[j]) higher[i][j]++;
    }
  }
  const index = new Map(ids.map((id, i) => [id, i]));
  return {
    seed, draws,
    wards: wards.map((w, i) => {
      const l = logs[i].sort((a, b) => a - b);
      const r = ranks[i].sort((a, b) => a - b);
      return {
        ...w,
        lower95: Math.exp(quantile(l, 0.025)), upper95: Math.exp(quantile(l, 0.975)),
        medianRank: rankQuantile(r, 0.5), lowerRank: rankQuantile(r, 0.025), upperRank: rankQuantile(r, 0.975)
      };
    }),
    probabilityHigher(a, b) {
      const i = index.get(a);
      const j = index.get(b);
      if (i === undefined || j === undefined) throw new RangeError(`unknown ward ${i === undefined ? a : b}`);
      return higher[i][j] / draws;
    }
  };
}

/** Parses `weights=cp-referrals:2,dv-referrals:1` into a map; throws a RangeError naming the bad part. */
export function parseWeights(text: string | undefined, indicators: readonly string[]): Map<string, number> {
  const out = new Map(indicators.map((id) => [id, 1]));
  if (text === undefined || text.trim() === "") return out;
  for (const part of text.split(",")) {
    const m = /^\s*([a-z0-9][a-z0-9-]*)\s*[:=]\s*([^\s,]+)\s*$/.exec(part);
    if (!m) throw new RangeError(`'${part}' is not indicator:weight (e.g. cp-referrals:2)`);
    const [, id, value] = m;
    if (!indicators.includes(id)) throw new RangeError(`a weight is given for ${id}, which is not among the indicators (${indicators.join(", ")})`);
    const w = Number(value);
    if (!Number.isFinite(w) || w < 0) throw new RangeError(`the weight of ${id} must be a number ≥ 0, got '${value}'`);
    out.set(id, w);
  }
  if (![...out.values()].some((w) => w > 0)) throw new RangeError("at least one weight must be greater than 0");
  return out;
}
