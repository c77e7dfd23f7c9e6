import {groupMembers} from "./table.js";
import type {CountCell, SuppressionTable} from "./types.js";

/** A group as index arrays: members and their coefficients (+1 part, −1 total). */
export interface IndexGroup {
  idx: Int32Array;
  coef: Int8Array;
}

/**
 * Interval propagation over the sums (bounds consistency): each hidden cell starts at [floor, ∞) and
 * each shown cell at its value; every sum then narrows each hidden member to what the other members'
 * ranges allow, until nothing changes (or a work budget runs out). The result contains every value
 * an integer-programming reader could find, so a range found narrow here is truly narrow: it can only
 * err towards wide on tables whose sums interlock in cycles (where the linear check still applies).
 */
export function propagateBounds(groups: readonly IndexGroup[], val: Float64Array, hid: Uint8Array, floor: Float64Array): {lo: Float64Array; hi: Float64Array} {
  const n = val.length;
  const lo = new Float64Array(n);
  const hi = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lo[i] = hid[i] ? floor[i] : val[i];
    hi[i] = hid[i] ? Infinity : val[i];
  }
  const groupsOf = new Map<number, number[]>();
  const active: number[] = [];
  groups.forEach((g, gi) => {
    let h = 0;
    for (const i of g.idx) if (hid[i]) h++;
    if (h === 0) return;
    active.push(gi);
    for (const i of g.idx) if (hid[i]) (groupsOf.get(i) ?? groupsOf.set(i, []).get(i)!).push(gi);
  });
  const queued = new Uint8Array(groups.length);
  const queue = [...active];
  for (const gi of active) queued[gi] = 1;
  // Bounds can creep by one per visit around a cycle: a budget keeps the audit linear in the table.
  let budget = 40 * active.length + 1000;
  while (queue.length && budget-- > 0) {
    const gi = queue.shift() as number;
    queued[gi] = 0;
    const {idx, coef} = groups[gi];
    // Σ coef·x = 0. The least and greatest the sum can be, with infinite terms counted apart.
    let minFinite = 0;
    let maxFinite = 0;
    let minInf = 0;
    let maxInf = 0;
    for (let e = 0; e < idx.length; e++) {
      const [a, b] = coef[e] > 0 ? [lo[idx[e]], hi[idx[e]]] : [-hi[idx[e]], -lo[idx[e]]];
      if (a === -Infinity) minInf++;
      else minFinite += a;
      if (b === Infinity) maxInf++;
      else maxFinite += b;
    }
    for (let e = 0; e < idx.length; e++) {
      const i = idx[e];
      if (!hid[i]) continue;
      const [a, b] = coef[e] > 0 ? [lo[i], hi[i]] : [-hi[i], -lo[i]];
      const restMin = minInf - (a === -Infinity ? 1 : 0) > 0 ? -Infinity : minFinite - (a === -Infinity ? 0 : a);
      const restMax = maxInf - (b === Infinity ? 1 : 0) > 0 ? Infinity : maxFinite - (b === Infinity ? 0 : b);
      // coef·x = −rest
      const [newLo, newHi] = coef[e] > 0 ? [-restMax, -restMin] : [restMin, restMax];
      let moved = false;
      if (newLo > lo[i]) {
        lo[i] = newLo;
        moved = true;
      }
      if (newHi < hi[i]) {
        hi[i] = newHi;
        moved = true;
      }
      if (!moved) continue;
      for (const g2 of groupsOf.get(i) ?? []) {
        if (g2 === gi || queued[g2]) continue;
        queued[g2] = 1;
        queue.push(g2);
      }
    }
  }
  return {lo, hi};
}

/**
 * The sums around one set of linked hidden cells, as a small integer program: cells `0..n-1`, each
 * sum `Σ coef·x = k` (shown members moved into k), every cell at least its floor.
 */
export class HiddenComponent {
  readonly eqs: {idx: number[]; coef: number[]; k: number}[] = [];
  constructor(readonly cells: readonly number[], groups: readonly IndexGroup[], val: Float64Array, hid: Uint8Array, groupIds: Iterable<number>) {
    const local = new Map(cells.map((c, j) => [c, j]));
    for (const gi of groupIds) {
      const {idx, coef} = groups[gi];
      const eq = {idx: [] as number[], coef: [] as number[], k: 0};
      for (let e = 0; e < idx.length; e++) {
        if (hid[idx[e]]) {
          eq.idx.push(local.get(idx[e]) as number);
          eq.coef.push(coef[e]);
        } else eq.k -= coef[e] * val[idx[e]];
      }
      this.eqs.push(eq);
    }
  }

  /** Narrows lo/hi in place to what every sum allows; false when no solution is left. */
  private narrow(lo: number[], hi: number[]): boolean {
    for (let pass = 0, changed = true; changed && pass < 200; pass++) {
      changed = false;
      for (const {idx, coef, k} of this.eqs) {
        let min = 0;
        let max = 0;
        for (let e = 0; e < idx.length; e++) {
          min += coef[e] > 0 ? lo[idx[e]] : -hi[idx[e]];
          max += coef[e] > 0 ? hi[idx[e]] : -lo[idx[e]];
        }
        if (min > k || max < k) return false;
        for (let e = 0; e < idx.length; e++) {
          const v = idx[e];
          const restMin = min - (coef[e] > 0 ? lo[v] : -hi[v]);
          const restMax = max - (coef[e] > 0 ? hi[v] : -lo[v]);
          const [a, b] = coef[e] > 0 ? [k - restMax, k - restMin] : [restMin - k, restMax - k];
          if (a > lo[v]) [lo[v], changed] = [a, true];
          if (b < hi[v]) [hi[v], changed] = [b, true];
          if (lo[v] > hi[v]) return false;
        }
      }
    }
    return true;
  }

  /**
   * Whether some integer solution lies within lo/hi: narrowing, then splitting the narrowest open
   * range in two. Null when the node budget runs out first (undecided).
   */
  feasible(lo0: readonly number[], hi0: readonly number[], budget: {nodes: number}): boolean | null {
    if (budget.nodes-- <= 0) return null;
    const lo = [...lo0];
    const hi = [...hi0];
    if (!this.narrow(lo, hi)) return false;
    let pick = -1;
    for (let v = 0; v < lo.length; v++) if (hi[v] > lo[v] && (pick < 0 || hi[v] - lo[v] < hi[pick] - lo[pick])) pick = v;
    if (pick < 0) return true;
    const mid = hi[pick] === Infinity ? lo[pick] + Math.max(8, lo[pick]) : Math.floor((lo[pick] + hi[pick]) / 2);
    const left = this.feasible(lo, hi.map((h, v) => (v === pick ? mid : h)), budget);
    if (left !== false) return left;
    return this.feasible(lo.map((l, v) => (v === pick ? mid + 1 : l)), hi, budget);
  }
}

/** Largest set of linked hidden cells the exact bound check is run on (larger ones rely on propagation and the linear check). */
export const EXACT_COMPONENT_MAX = 40;

/**
 * The range of counts a reader could narrow each suppressed cell to ({@link propagateBounds}): given
 * every shown cell, the groups' sums and that a suppressed cell is at least its floor (1 unless the
 * cell says otherwise). Exported for auditing a
 * publication: {@link suppress} leaves every primary cell's range at least `protectionInterval` wide.
 */
export function boundRanges(table: SuppressionTable, suppressed: ReadonlySet<string> | readonly string[]): Map<string, [number, number]> {
  const index = new Map(table.cells.map((c, i) => [c.id, i]));
  const hidden = [...new Set(suppressed)].filter((id) => index.has(id));
  const val = Float64Array.from(table.cells, (c) => (c.applicable === false ? 0 : c.count ?? 0));
  const hid = new Uint8Array(table.cells.length);
  for (const id of hidden) hid[index.get(id) as number] = 1;
  const {lo, hi} = propagateBounds(indexGroups(table, index), val, hid, floorsOf(table.cells));
  return new Map(hidden.map((id) => [id, [lo[index.get(id) as number], hi[index.get(id) as number]]]));
}

/** What a reader knows each cell to be at least when it is hidden (`floor`, default 1; 0 where a `c` may stand for 0). */
export const floorsOf = (cells: readonly CountCell[]) => Float64Array.from(cells, (c) => Math.max(0, c.floor ?? 1));

/** Groups over cell indices, leaving out unknown ("x") and structural-zero ("z") members, which never help or hurt recovery. */
export function indexGroups(table: SuppressionTable, index: ReadonlyMap<string, number>): IndexGroup[] {
  const byId = new Map(table.cells.map((c) => [c.id, c]));
  return (table.groups ?? []).map((g) => {
    const members = groupMembers(g).filter((m) => {
      const c = byId.get(m.id) as CountCell;
      return c.count !== null && c.applicable !== false;
    });
    return {idx: Int32Array.from(members, (m) => index.get(m.id) as number), coef: Int8Array.from(members, (m) => m.coef)};
  });
}
