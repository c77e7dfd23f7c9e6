import {DATA_END, isOpenOn, type Spell} from "./model.js";
import type {Day} from "./calendar.js";
import type {Rng} from "./rng.js";

export interface StockTarget {
  day: Day;
  count: number;
}

export function stockOn(spells: readonly Spell[], day: Day): number {
  let n = 0;
  for (const s of spells) if (isOpenOn(s, day)) n++;
  return n;
}

/**
 * Moves end dates so the number of open spells hits each published count, working forward in
 * time. Changes at one target only touch ends between the previous target and this one, so
 * earlier targets stay met; spells that were about to end anyway are the ones shortened, and
 * spells that had just ended are the ones extended, so the duration mix barely moves.
 */
export function tuneStock<S extends Spell>(
  rng: Rng,
  spells: S[],
  targets: readonly StockTarget[],
  latestEnd: (spell: S) => Day = () => Infinity
): void {
  let previous = -Infinity;
  for (const target of [...targets].sort((a, b) => a.day - b.day)) {
    const day = target.day;
    const open = spells.filter((s) => isOpenOn(s, day));
    let diff = open.length - target.count;
    if (diff > 0) {
      const candidates = open
        .filter((s) => Math.max(previous, s.start) + 1 <= day - 1)
        .sort((a, b) => (a.end ?? Infinity) - (b.end ?? Infinity) || a.start - b.start);
      const pool = candidates.slice(0, Math.min(candidates.length, diff * 3));
      rng.shuffle(pool);
      for (const s of pool.slice(0, diff)) {
        const lo = Math.max(previous + 1, s.start + 1, day - 120);
        s.end = rng.range(Math.min(lo, day - 1), day - 1);
        diff--;
      }
    } else if (diff < 0) {
      const candidates = spells
        .filter((s) => s.end !== null && s.end > previous && s.end <= day && s.start <= day && latestEnd(s) > day + 1)
        .sort((a, b) => (b.end ?? 0) - (a.end ?? 0) || a.start - b.start);
      const pool = candidates.slice(0, Math.min(candidates.length, -diff * 3));
      rng.shuffle(pool);
      for (const s of pool.slice(0, -diff)) {
        const end = Math.min(day + rng.range(14, 240), latestEnd(s));
        s.end = end > DATA_END ? null : end;
        diff++;
      }
    }
    // An end on the target day itself would count differently under "end ≥ day" conventions.
    for (const s of spells) if (s.end === day && s.start < day - 1 && day - 1 > previous) s.end = day - 1;
    previous = day;
  }
}
