/**
 * Where a funnel's limits are evaluated, and the checks every funnel input passes through.
 *
 * Axis: 100 points by default. The axis spans [min, max] of the sizes (denominators,
 * expected counts, or one-year populations): max = 1.05 × largest size rounded up to
 * two significant figures; min = smallest size rounded down to one significant figure
 * when the largest size is at most twice the smallest, otherwise the axis starts at 1.
 * Rate and ratio axes are in observed events (size × years × r̄ / multiplier, min
 * rounded down and max rounded up to whole events). Points grow geometrically, each
 * step re-aimed at the maximum over the remaining points, rounded to whole numbers and
 * at least 1 apart. This reproduces PHEindicatormethods' axes for proportions and rates
 * exactly; for ratios PHE ends its axis at a different maximum (see the tests), so pass
 * `axis` to pin it. `axis` may be an explicit list of points or {points, min, max}.
 *
 */

/** Axis control: explicit points, or overrides of the default range and point count. */
export type FunnelAxisOption = readonly number[] | {points?: number; min?: number; max?: number};

export function fin(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new RangeError(`${name} must be a finite number, got ${String(v)}`);
  return v;
}

export function positive(name: string, v: unknown): number {
  const x = fin(name, v);
  if (x <= 0) throw new RangeError(`${name} must be greater than zero, got ${x}`);
  return x;
}

export function nonNegative(name: string, v: unknown): number {
  const x = fin(name, v);
  if (x < 0) throw new RangeError(`${name} must be zero or more, got ${x}`);
  return x;
}

export function nonEmpty(rows: readonly unknown[]): void {
  if (!Array.isArray(rows) || rows.length === 0) throw new RangeError("a funnel needs at least one row");
}

/** Rounds up to `sig` significant figures, avoiding binary artefacts such as 3.3000000000000003. */
function ceilSig(v: number, sig: number): number {
  if (v <= 0) return 0;
  const e = Math.floor(Math.log10(v)) - (sig - 1);
  return e >= 0 ? Math.ceil(v / 10 ** e) * 10 ** e : Math.ceil(v * 10 ** -e) / 10 ** -e;
}

/** Rounds down to `sig` significant figures. */
function floorSig(v: number, sig: number): number {
  if (v <= 0) return 0;
  const e = Math.floor(Math.log10(v)) - (sig - 1);
  return e >= 0 ? Math.floor(v / 10 ** e) * 10 ** e : Math.floor(v * 10 ** -e) / 10 ** -e;
}

/**
 * Axis points from min to max: geometric growth re-aimed at max over the remaining
 * points, rounded, at least 1 apart (so small axes are dense whole numbers).
 */
export function funnelAxis(min: number, max: number, points = 100): number[] {
  positive("axis min", min);
  positive("axis max", max);
  if (!Number.isInteger(points) || points < 2) throw new RangeError(`axis points must be an integer ≥ 2, got ${points}`);
  const top = Math.max(max, min + points - 1);
  const xs = [min];
  for (let i = 0; i < points - 1; i++) {
    const x = xs[i];
    const remaining = points - 1 - i;
    xs.push(Math.max(x + 1, Math.round(x * (top / x) ** (1 / remaining))));
  }
  return xs;
}

function defaultRange(sizes: readonly number[]): [number, number] {
  const lo = Math.min(...sizes);
  const hi = Math.max(...sizes);
  const min = hi <= 2 * lo ? floorSig(lo, 1) : 0;
  return [min, ceilSig(1.05 * hi, 2)];
}

export function resolveAxis(
  option: FunnelAxisOption | undefined,
  sizes: readonly number[],
  toAxis: (size: number, end: "min" | "max") => number,
  minimum: number
): number[] {
  if (Array.isArray(option)) {
    const pts = option as readonly number[];
    if (pts.length === 0) throw new RangeError("axis must contain at least one point");
    pts.forEach((p, i) => {
      if (fin(`axis[${i}]`, p) < minimum) throw new RangeError(`axis[${i}] must be at least ${minimum}, got ${p}`);
    });
    return [...pts];
  }
  const o = (option ?? {}) as {points?: number; min?: number; max?: number};
  const [sMin, sMax] = defaultRange(sizes);
  const min = o.min ?? Math.max(minimum, toAxis(sMin, "min"));
  const max = o.max ?? toAxis(sMax, "max");
  return funnelAxis(Math.max(minimum, min), max, o.points ?? 100);
}
