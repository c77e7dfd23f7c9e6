import {hash} from "node:crypto";

const PREPARED = new WeakMap<object, {keys: string[]; weights: number[]}>();

/**
 * Seeded pseudo-random numbers (sfc32). Every module forks its own labelled stream, so adding a
 * draw in one extract never shifts the numbers another extract sees: same seed, same bytes.
 */
export class Rng {
  // State in a typed array: 32-bit integers stored in object fields would be boxed on every draw.
  private readonly s = new Int32Array(4);
  private spareNormal: number | null = null;

  constructor(readonly label: string) {
    const h = Buffer.from(hash("sha256", label, "hex"), "hex");
    this.s[0] = h.readInt32LE(0);
    this.s[1] = h.readInt32LE(4);
    this.s[2] = h.readInt32LE(8);
    this.s[3] = h.readInt32LE(12) | 1;
    for (let i = 0; i < 12; i++) this.next();
  }

  static fromSeed(seed: number | string): Rng {
    return new Rng(`curve-demo:${seed}`);
  }

  fork(label: string | number): Rng {
    return new Rng(`${this.label}/${label}`);
  }

  /** Uniform on [0, 1). */
  next(): number {
    const s = this.s;
    const a = s[0];
    const b = s[1];
    const c = s[2];
    const d = s[3];
    const t = (((a + b) | 0) + d) | 0;
    s[3] = (d + 1) | 0;
    s[0] = b ^ (b >>> 9);
    s[1] = (c + (c << 3)) | 0;
    s[2] = (((c << 21) | (c >>> 11)) + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Integer in [lo, hi], both included. */
  range(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  uniform(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  normal(mean = 0, sd = 1): number {
    if (this.spareNormal !== null) {
      const z = this.spareNormal;
      this.spareNormal = null;
      return mean + sd * z;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  }

  logNormal(median: number, sigma: number): number {
    return median * Math.exp(this.normal(0, sigma));
  }

  poisson(lambda: number): number {
    if (lambda <= 0) return 0;
    if (lambda < 30) {
      const limit = Math.exp(-lambda);
      let k = 0;
      let p = this.next();
      while (p > limit) {
        k++;
        p *= this.next();
      }
      return k;
    }
    // Normal approximation is plenty for counts this size and keeps England-scale runs fast.
    return Math.max(0, Math.round(this.normal(lambda, Math.sqrt(lambda))));
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Index drawn with probability proportional to weights[i]. */
  weighted(weights: readonly number[]): number {
    let total = 0;
    for (const w of weights) total += w;
    let x = this.next() * total;
    for (let i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) return i;
    }
    return weights.length - 1;
  }

  /** Value drawn from a {value: weight} table (tables kept as constants are prepared once). */
  choose<K extends string>(table: Readonly<Record<K, number>>): K {
    let prepared = PREPARED.get(table);
    if (!prepared) {
      const keys = Object.keys(table);
      prepared = {keys, weights: keys.map((k) => (table as Record<string, number>)[k])};
      PREPARED.set(table, prepared);
    }
    return prepared.keys[this.weighted(prepared.weights)] as K;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = items[i];
      items[i] = items[j];
      items[j] = t;
    }
    return items;
  }

  /** k distinct items, chance of selection proportional to weight (Efraimidis–Spirakis). */
  weightedSample<T>(items: readonly T[], weight: (item: T) => number, k: number): T[] {
    if (k <= 0) return [];
    const keyed = items
      .map((item, i) => {
        const w = weight(item);
        return {item, i, key: w > 0 ? Math.log(this.next() || 1e-12) / w : -Infinity};
      })
      .sort((x, y) => y.key - x.key || x.i - y.i);
    return keyed.slice(0, k).filter((x) => x.key > -Infinity).map((x) => x.item);
  }
}

/** Cumulative table for repeated fast weighted draws (England scale). */
export class Alias<T> {
  private readonly cumulative: Float64Array;
  constructor(readonly values: readonly T[], weights: readonly number[]) {
    this.cumulative = new Float64Array(weights.length);
    let total = 0;
    weights.forEach((w, i) => {
      total += w;
      this.cumulative[i] = total;
    });
    for (let i = 0; i < this.cumulative.length; i++) this.cumulative[i] /= total;
  }
  draw(rng: Rng): T {
    const x = rng.next();
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid] > x) hi = mid;
      else lo = mid + 1;
    }
    return this.values[lo];
  }
}
