/**
 * Allocating a budget across wards (docs/methods/targeting.md).
 *
 *   wardᵢ = budget · u · childrenᵢ / Σ children                       (universal share)
 *         + budget · (1 − u) · childrenᵢ · needᵢ^β / Σ children · need^β  (share weighted by need and children)
 *
 * u (default 0.3) keeps a floor of universal provision everywhere; β (default 1) sets how hard the
 * targeted share follows need: β = 0 is per child, β = 1 is in proportion to need-weighted children
 * (with the need index as a ratio to the borough, roughly "in proportion to the cases expected"),
 * β = 2 leans further still. Amounts are in pence internally and rounded by largest remainder, so
 * the wards add up to the budget exactly.
 */

export interface AllocationWard {
  id: string;
  target: boolean;
  children: number;
  /** Need relative to the borough (1 = borough), > 0. */
  need: number;
}

export interface AllocationOptions {
  budget: number;
  /** Share of the budget spread per child regardless of need, 0-1. */
  universalShare: number;
  /** β: how strongly the targeted share follows need, 0-3. */
  needExponent: number;
}

export interface AllocationLine {
  id: string;
  target: boolean;
  children: number;
  need: number;
  universal: number;
  targeted: number;
  total: number;
  /** Share of the whole budget. */
  share: number;
  perChild: number | null;
}

export interface GroupTotal {
  total: number;
  share: number;
  childrenShare: number;
  perChild: number | null;
}

export interface Allocation {
  budget: number;
  universalShare: number;
  needExponent: number;
  lines: AllocationLine[];
  targetWards: GroupTotal;
  rest: GroupTotal;
  /** What the target wards would get if the whole budget were spread per child (u = 1), for comparison. */
  targetWardsIfPerChild: number;
}

/** Splits `pence` in proportion to `weights`, rounding by largest remainder so the parts sum exactly. */
export function apportionPence(pence: number, weights: readonly number[]): number[] {
  const total = weights.reduce((s, w) => s + w, 0);
  if (!(total > 0)) return weights.map(() => 0);
  const exact = weights.map((w) => (pence * w) / total);
  const out = exact.map(Math.floor);
  let left = pence - out.reduce((s, v) => s + v, 0);
  const order = exact.map((v, i) => ({i, r: v - Math.floor(v)})).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k].i]++;
  return out;
}

/**
 * @throws RangeError for a negative or non-finite budget, u outside [0, 1], β outside [0, 3], no
 * wards, negative children or a need that is not positive.
 */
export function allocate(wards: readonly AllocationWard[], options: AllocationOptions): Allocation {
  const {budget, universalShare: u, needExponent: beta} = options;
  if (!Number.isFinite(budget) || budget < 0) throw new RangeError(`budget must be a number ≥ 0, got ${budget}`);
  if (!(u >= 0 && u <= 1)) throw new RangeError(`universalShare must be between 0 and 1, got ${u}`);
  if (!(beta >= 0 && beta <= 3)) throw new RangeError(`needExponent must be between 0 and 3, got ${beta}`);
  if (!wards.length) throw new RangeError("no wards to allocate to");
  for (const w of wards) {
    if (!(w.children >= 0)) throw new RangeError(`${w.id}: children must be ≥ 0`);
    if (!(w.need > 0) || !Number.isFinite(w.need)) throw new RangeError(`${w.id}: need must be a positive number, got ${w.need}`);
  }
  const pence = Math.round(budget * 100);
  const universalPence = Math.round(pence * u);
  const universal = apportionPence(universalPence, wards.map((w) => w.children));
  const targeted = apportionPence(pence - universalPence, wards.map((w) => w.children * w.need ** beta));
  const children = wards.reduce((s, w) => s + w.children, 0);
  const lines = wards.map((w, i) => {
    const total = (universal[i] + targeted[i]) / 100;
    return {
      id: w.id, target: w.target, children: w.children, need: w.need,
      universal: universal[i] / 100, targeted: targeted[i] / 100, total,
      share: pence > 0 ? (universal[i] + targeted[i]) / pence : 0,
      perChild: w.children > 0 ? total / w.children : null
    };
  });
  const group = (target: boolean): GroupTotal => {
    const ls = lines.filter((l) => l.target === target);
    const totalPence = ls.reduce((s, l) => s + Math.round(l.total * 100), 0);
    const kids = ls.reduce((s, l) => s + l.children, 0);
    return {total: totalPence / 100, share: pence > 0 ? totalPence / pence : 0, childrenShare: children > 0 ? kids / children : 0, perChild: kids > 0 ? totalPence / 100 / kids : null};
  };
  return {
    budget: pence / 100, universalShare: u, needExponent: beta, lines,
    targetWards: group(true), rest: group(false),
    targetWardsIfPerChild: children > 0 ? Math.round((pence * wards.filter((w) => w.target).reduce((s, w) => s + w.children, 0)) / children) / 100 : 0
  };
}
