import type {Rng} from "./rng.js";

/** Split `total` into integers proportional to `weights` that sum exactly to `total` (largest remainder). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (total <= 0 || sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (w / sum) * total);
  const out = exact.map(Math.floor);
  let left = total - out.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({i, r: x - Math.floor(x)})).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) out[order[k].i]++;
  return out;
}

/** Random integers with the given expected shares, still summing to `total` (multinomial draw). */
export function multinomial(rng: Rng, total: number, weights: readonly number[]): number[] {
  const out = weights.map(() => 0);
  for (let i = 0; i < total; i++) out[rng.weighted(weights)]++;
  return out;
}

/**
 * A list of `total` labels holding exactly `counts[label]` of each, in random order: the way to
 * reproduce a published share exactly while leaving which record carries it to chance.
 */
export function shuffledQuota<K extends string>(rng: Rng, counts: Readonly<Record<K, number>>): K[] {
  const out: K[] = [];
  for (const k of Object.keys(counts) as K[]) for (let i = 0; i < counts[k]; i++) out.push(k);
  return rng.shuffle(out);
}

/**
 * Chooses yes/no for a stream of records so that the running share tracks `target`: the chance
 * leans toward whichever side is behind. Shares land within a fraction of a point while each
 * record's draw stays random.
 */
export class ShareTracker {
  private seen = 0;
  private yes = 0;
  constructor(readonly target: number) {}
  decide(rng: Rng, possible = true): boolean {
    const deficit = this.target * (this.seen + 1) - this.yes;
    const p = Math.min(1, Math.max(0, this.target + deficit / 4));
    const result = possible && rng.chance(p);
    this.record(result);
    return result;
  }
  record(result: boolean): void {
    this.seen++;
    if (result) this.yes++;
  }
  get share(): number {
    return this.seen ? this.yes / this.seen : 0;
  }
}
