import type {SuppressionResult, SuppressionTable} from "../../../api/stats/suppress.js";

/**
 * What a reader can work out about each suppressed cell, computed exactly (independently of
 * suppress.ts, as the test's oracle): every integer solution of the table's sums in which shown cells
 * take their published value, zeros and "z" cells are 0 (zeros are published as 0, so every `c` is at
 * least 1, except the cells in `mayBeZero`: withheld whatever their value) and "x" cells are left out. For each hidden cell, its smallest and largest value over all
 * solutions, by branch-and-bound with interval propagation. `cap` bounds the search above (a value the
 * true counts never approach, so a range reaching it is as good as open).
 */
export function feasibleRanges(table: SuppressionTable, result: SuppressionResult, cap = 1000, mayBeZero: ReadonlySet<string> = new Set()): Map<string, [number, number]> {
  const pub = new Map(result.cells.map((c) => [c.id, c]));
  const vars = result.cells.filter((c) => c.published === "c").map((c) => c.id);
  const at = new Map(vars.map((id, i) => [id, i]));
  const eqs: {idx: number[]; coef: number[]; k: number}[] = [];
  for (const g of table.groups ?? []) {
    const members = [...g.parts.map((id) => [id, 1] as const), ...(g.total !== undefined ? [[g.total, -1] as const] : [])];
    const eq = {idx: [] as number[], coef: [] as number[], k: 0};
    let skip = false;
    for (const [id, coef] of members) {
      const c = pub.get(id)!;
      if (c.published === "x") skip = true; // an unknown cell: the sum tells the reader nothing
      else if (c.published === "c") {
        eq.idx.push(at.get(id)!);
        eq.coef.push(coef);
      } else eq.k -= coef * (c.status === "not-applicable" ? 0 : (c.count as number));
    }
    if (!skip && eq.idx.length) eqs.push(eq);
  }
  const n = vars.length;
  const propagate = (lo: number[], hi: number[]): boolean => {
    for (let changed = true; changed; ) {
      changed = false;
      for (const e of eqs) {
        let min = 0;
        let max = 0;
        e.idx.forEach((v, j) => {
          min += e.coef[j] > 0 ? lo[v] : -hi[v];
          max += e.coef[j] > 0 ? hi[v] : -lo[v];
        });
        if (min > e.k || max < e.k) return false;
        e.idx.forEach((v, j) => {
          const restMin = min - (e.coef[j] > 0 ? lo[v] : -hi[v]);
          const restMax = max - (e.coef[j] > 0 ? hi[v] : -lo[v]);
          const [a, b] = e.coef[j] > 0 ? [e.k - restMax, e.k - restMin] : [restMin - e.k, restMax - e.k];
          if (a > lo[v]) {
            lo[v] = a;
            changed = true;
          }
          if (b < hi[v]) {
            hi[v] = b;
            changed = true;
          }
        });
        if (e.idx.some((v) => lo[v] > hi[v])) return false;
      }
    }
    return true;
  };
  const feasible = (lo0: number[], hi0: number[]): boolean => {
    const lo = [...lo0];
    const hi = [...hi0];
    if (!propagate(lo, hi)) return false;
    let pick = -1;
    for (let v = 0; v < n; v++) if (hi[v] > lo[v] && (pick < 0 || hi[v] - lo[v] < hi[pick] - lo[pick])) pick = v;
    if (pick < 0) return true; // all fixed and propagation found every sum satisfied
    const mid = Math.floor((lo[pick] + hi[pick]) / 2);
    const hiA = [...hi];
    hiA[pick] = mid;
    if (feasible(lo, hiA)) return true;
    const loB = [...lo];
    loB[pick] = mid + 1;
    return feasible(loB, hi);
  };
  // A `c` withheld whatever its value (`mayBeZero`) may stand for 0.
  const lo: number[] = vars.map((id) => (mayBeZero.has(id) ? 0 : 1));
  const hi = vars.map(() => cap);
  const out = new Map<string, [number, number]>();
  if (!propagate(lo, hi)) throw new Error("the published table has no solution: the oracle is wrong");
  vars.forEach((id, v) => {
    const with_ = (a: number, b: number) => {
      const l = [...lo];
      const h = [...hi];
      l[v] = a;
      h[v] = b;
      return feasible(l, h);
    };
    let [a, b] = [lo[v], hi[v]];
    while (a < b) {
      const mid = Math.floor((a + b) / 2);
      if (with_(lo[v], mid)) b = mid;
      else a = mid + 1;
    }
    const min = a;
    [a, b] = [min, hi[v]];
    while (a < b) {
      const mid = Math.ceil((a + b) / 2);
      if (with_(mid, hi[v])) a = mid;
      else b = mid - 1;
    }
    out.set(id, [min, a]);
  });
  return out;
}

/** Primary cells whose exact feasible range is narrower than `width` (a width of 0: known exactly). */
export function recoverablePrimaries(table: SuppressionTable, result: SuppressionResult, width: number, cap = 1000, mayBeZero?: ReadonlySet<string>): string[] {
  const ranges = feasibleRanges(table, result, cap, mayBeZero);
  return result.primary.filter((id) => {
    const [lo, hi] = ranges.get(id)!;
    return hi - lo < width;
  });
}

/** A two-way table with row, column and grand totals as cells and the sums linking them. */
export function twoWay(rows: number[][]): SuppressionTable {
  const cells: {id: string; count: number}[] = [];
  const groups: {parts: string[]; total: string}[] = [];
  const R = rows.length;
  const C = rows[0].length;
  rows.forEach((r, i) => r.forEach((v, j) => cells.push({id: `r${i}c${j}`, count: v})));
  rows.forEach((r, i) => cells.push({id: `r${i}`, count: r.reduce((a, b) => a + b, 0)}));
  for (let j = 0; j < C; j++) cells.push({id: `c${j}`, count: rows.reduce((a, r) => a + r[j], 0)});
  cells.push({id: "all", count: rows.flat().reduce((a, b) => a + b, 0)});
  for (let i = 0; i < R; i++) groups.push({parts: Array.from({length: C}, (_, j) => `r${i}c${j}`), total: `r${i}`});
  for (let j = 0; j < C; j++) groups.push({parts: Array.from({length: R}, (_, i) => `r${i}c${j}`), total: `c${j}`});
  groups.push({parts: Array.from({length: R}, (_, i) => `r${i}`), total: "all"});
  groups.push({parts: Array.from({length: C}, (_, j) => `c${j}`), total: "all"});
  return {cells, groups};
}
