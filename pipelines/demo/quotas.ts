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

/**
 * Like `apportion`, but no share exceeds its cap: a capped share is fixed at its cap and the rest
 * is apportioned again among the others. The caps must sum to at least `total`.
 */
export function apportionCapped(total: number, weights: readonly number[], caps: readonly number[]): number[] {
  const out = weights.map(() => 0);
  const fixed = weights.map(() => false);
  for (;;) {
    const left = total - out.reduce((s, x, i) => s + (fixed[i] ? x : 0), 0);
    const trial = apportion(left, weights.map((w, i) => (fixed[i] ? 0 : w)));
    const over = trial.map((x, i) => !fixed[i] && x > caps[i]);
    if (!over.some(Boolean)) return out.map((x, i) => (fixed[i] ? x : trial[i]));
    over.forEach((o, i) => {
      if (o) {
        fixed[i] = true;
        out[i] = caps[i];
      }
    });
  }
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
    const result = possible && this.want(rng);
    this.record(result);
    return result;
  }
  /** Whether the next record should be a "yes"; the caller records what actually happened. */
  want(rng: Rng): boolean {
    const deficit = this.target * (this.seen + 1) - this.yes;
    return rng.chance(Math.min(1, Math.max(0, this.target + deficit / 4)));
  }
  record(result: boolean): void {
    this.seen++;
    if (result) this.yes++;
  }
  get share(): number {
    return this.seen ? this.yes / this.seen : 0;
  }
}

/**
 * An integer table with exactly the given row and column totals, shaped like `seed`
 * (iterative proportional fitting, then rounding that respects both margins).
 */
export function fitTable(seed: number[][], rowTotals: number[], colTotals: number[]): number[][] {
  let t = seed.map((r) => r.map((x) => Math.max(x, 1e-9)));
  for (let iter = 0; iter < 200; iter++) {
    t = t.map((r, i) => {
      const s = r.reduce((a, b) => a + b, 0);
      return r.map((x) => (x * rowTotals[i]) / s);
    });
    for (let j = 0; j < colTotals.length; j++) {
      const s = t.reduce((a, r) => a + r[j], 0);
      for (const r of t) r[j] = (r[j] * colTotals[j]) / s;
    }
  }
  const out = t.map((r) => r.map(Math.floor));
  const rowLeft = rowTotals.map((n, i) => n - out[i].reduce((a, b) => a + b, 0));
  const colLeft = colTotals.map((n, j) => n - out.reduce((a, r) => a + r[j], 0));
  const cells = t.flatMap((r, i) => r.map((x, j) => ({i, j, frac: x - Math.floor(x)}))).sort((a, b) => b.frac - a.frac || a.i - b.i || a.j - b.j);
  for (let pass = 0; rowLeft.some((x) => x > 0) && pass < 100; pass++) {
    for (const c of cells) {
      if (rowLeft[c.i] > 0 && colLeft[c.j] > 0 && (pass > 0 || c.frac > 0)) {
        out[c.i][c.j]++;
        rowLeft[c.i]--;
        colLeft[c.j]--;
      }
    }
  }
  return out;
}

/**
 * Relabels the fewest items needed for the labels to match `counts` exactly (when the counts sum to
 * the number of items): items whose label still has room keep it, which ones is left to chance; the
 * rest take the labels still short. A pinned item never changes (another published table already
 * fixed it) but uses up its label's room.
 */
export function imposeMix<K extends string>(
  rng: Rng,
  items: readonly {get: () => K; set: (k: K) => void; pinned?: boolean}[],
  counts: Record<K, number>
): void {
  const left = {...counts};
  for (const item of items) if (item.pinned) left[item.get()]--;
  const misfits: (typeof items)[number][] = [];
  for (const item of rng.shuffle(items.filter((i) => !i.pinned))) {
    const k = item.get();
    if (left[k] > 0) left[k]--;
    else misfits.push(item);
  }
  const spare = (Object.keys(left) as K[]).flatMap((k) => Array<K>(Math.max(0, left[k])).fill(k));
  rng.shuffle(spare);
  misfits.forEach((item, i) => item.set(spare[i % Math.max(1, spare.length)] ?? item.get()));
}
