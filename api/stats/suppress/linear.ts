import {mulberry32} from "../random.js";
import {groupMembers} from "./table.js";
import type {SuppressionTable} from "./types.js";

/** A prime below 2^26.5, so products of two residues are exact doubles. */
const PRIME = 67108859;

const mod = (v: number): number => {
  const r = v % PRIME;
  return r < 0 ? r + PRIME : r;
};

function inverse(a: number): number {
  let [t, newT, r, newR] = [0, 1, PRIME, a];
  while (newR !== 0) {
    const q = Math.floor(r / newR);
    [t, newT] = [newT, t - q * newT];
    [r, newR] = [newR, r - q * newR];
  }
  return mod(t);
}

/** Min-heap of small integers (pivot indices). */
class IndexHeap {
  private a: number[] = [];
  get size(): number {
    return this.a.length;
  }
  push(v: number): void {
    const a = this.a;
    a.push(v);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (a[p] <= a[i]) break;
      [a[p], a[i]] = [a[i], a[p]];
      i = p;
    }
  }
  pop(): number {
    const a = this.a;
    const top = a[0];
    const last = a.pop() as number;
    if (a.length) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l] < a[m]) m = l;
        if (r < a.length && a[r] < a[m]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i], a[m]];
        i = m;
      }
    }
    return top;
  }
}

/** Deterministic pseudo-random residues (mulberry32), so results never vary between runs. */
function residues(seed: number): () => number {
  const next = mulberry32(seed);
  return () => 1 + Math.floor(next() * (PRIME - 1));
}

/**
 * Cells whose value a reader could work out exactly from the published cells and the
 * groups' linear equations. Exported for auditing a publication; {@link suppress} returns
 * tables for which this is empty.
 *
 * Method: sparse Gaussian elimination over the suppressed cells, in exact modular arithmetic
 * (the equations have small integer coefficients), then two random solutions of the
 * homogeneous system. A suppressed cell is determined exactly when every solution of the
 * homogeneous system is zero there: a cell that is free takes a non-zero value in a random
 * solution (the chance that it does not, twice, is below 1e-15, and that error would only make
 * the answer more cautious).
 */
export function recoverableCells(table: SuppressionTable, suppressed: ReadonlySet<string> | readonly string[]): string[] {
  const index = new Map(table.cells.map((c, i) => [c.id, i]));
  const hidden = [...new Set(suppressed)].filter((id) => index.has(id));
  const fixed = determined(equationsOf(table, index), hidden.map((id) => index.get(id) as number));
  return hidden.filter((_, j) => fixed[j]);
}

/** A table's groups as equations over cell indices; cells that are not available ("x") are left out. */
export interface Equations {
  cells: number;
  rows: {idx: Int32Array; coef: Int8Array}[];
}

export function equationsOf(table: SuppressionTable, index: ReadonlyMap<string, number>): Equations {
  const unknown = new Set(table.cells.filter((c) => c.count === null && c.applicable !== false).map((c) => c.id));
  const rows: Equations["rows"] = [];
  for (const g of table.groups ?? []) {
    const members = groupMembers(g).filter((m) => !unknown.has(m.id) && index.has(m.id));
    rows.push({idx: Int32Array.from(members, (m) => index.get(m.id) as number), coef: Int8Array.from(members, (m) => m.coef)});
  }
  return {cells: table.cells.length, rows};
}

/**
 * Which of the `hidden` cells (indices) the equations determine: sparse Gaussian elimination over
 * the hidden cells in exact modular arithmetic, then two random solutions of the homogeneous system
 * (a cell is determined exactly when every solution is zero there).
 */
export function determined(eq: Equations, hidden: readonly number[]): boolean[] {
  const n = hidden.length;
  const col = new Int32Array(eq.cells).fill(-1);
  hidden.forEach((c, j) => (col[c] = j));
  // A dense work row with a list of its non-zero columns (a sparse accumulator).
  const work = new Float64Array(n);
  const inRow = new Uint8Array(n);
  const nz: number[] = [];
  const rows: Int32Array[] = [];
  const rowVals: Float64Array[] = [];
  const flush = (keep: boolean): {idx: Int32Array; val: Float64Array} | null => {
    let size = 0;
    for (const j of nz) if (work[j] !== 0) size++;
    const out = keep && size ? {idx: new Int32Array(size), val: new Float64Array(size)} : null;
    let e = 0;
    for (const j of nz) {
      if (out && work[j] !== 0) {
        out.idx[e] = j;
        out.val[e++] = work[j];
      }
      work[j] = 0;
      inRow[j] = 0;
    }
    nz.length = 0;
    return out;
  };
  for (const r of eq.rows) {
    for (let e = 0; e < r.idx.length; e++) {
      const j = col[r.idx[e]];
      if (j < 0) continue;
      work[j] = mod(work[j] + r.coef[e]);
      if (!inRow[j]) {
        inRow[j] = 1;
        nz.push(j);
      }
    }
    const row = flush(true);
    if (row) {
      rows.push(row.idx);
      rowVals.push(row.val);
    }
  }
  // Pivot on the column left in the fewest unprocessed rows: keeps fill-in low on sparse tables.
  const remaining = new Int32Array(n);
  for (const r of rows) for (const j of r) remaining[j]++;
  const pivotOf = new Int32Array(n).fill(-1);
  const pivotCols: number[] = [];
  const pivotIdx: Int32Array[] = [];
  const pivotVal: Float64Array[] = [];
  for (let i = 0; i < rows.length; i++) {
    const heap = new IndexHeap();
    const ri = rows[i];
    const rv = rowVals[i];
    for (let e = 0; e < ri.length; e++) {
      const j = ri[e];
      remaining[j]--;
      work[j] = rv[e];
      inRow[j] = 1;
      nz.push(j);
      if (pivotOf[j] >= 0) heap.push(pivotOf[j]);
    }
    while (heap.size) {
      const k = heap.pop();
      const c = pivotCols[k];
      const f = work[c];
      if (f === 0) continue;
      const idx = pivotIdx[k];
      const val = pivotVal[k];
      for (let e = 0; e < idx.length; e++) {
        const cc = idx[e];
        const before = work[cc];
        const v = mod(before - ((f * val[e]) % PRIME));
        work[cc] = v;
        if (!inRow[cc]) {
          inRow[cc] = 1;
          nz.push(cc);
        }
        if (before === 0 && v !== 0 && pivotOf[cc] >= 0 && cc !== c) heap.push(pivotOf[cc]);
      }
    }
    let best = -1;
    for (const j of nz) {
      if (work[j] === 0) continue;
      if (best < 0 || remaining[j] < remaining[best] || (remaining[j] === remaining[best] && j < best)) best = j;
    }
    if (best < 0) {
      flush(false);
      continue;
    }
    const inv = inverse(work[best]);
    const row = flush(true) as {idx: Int32Array; val: Float64Array};
    for (let e = 0; e < row.val.length; e++) row.val[e] = (row.val[e] * inv) % PRIME;
    pivotOf[best] = pivotCols.length;
    pivotCols.push(best);
    pivotIdx.push(row.idx);
    pivotVal.push(row.val);
  }
  const solution = (seed: number): Float64Array => {
    const next = residues(seed);
    const x = new Float64Array(n);
    for (let j = 0; j < n; j++) if (pivotOf[j] < 0) x[j] = next();
    // A pivot row holds its pivot, free columns and later rows' pivots: solve from the last row back.
    for (let k = pivotCols.length - 1; k >= 0; k--) {
      const c = pivotCols[k];
      const idx = pivotIdx[k];
      const val = pivotVal[k];
      let s = 0;
      for (let e = 0; e < idx.length; e++) if (idx[e] !== c) s = (s + val[e] * x[idx[e]]) % PRIME;
      x[c] = mod(-s);
    }
    return x;
  };
  const a = solution(0x5eed1);
  const b = solution(0x5eed2);
  return hidden.map((_, j) => a[j] === 0 && b[j] === 0);
}
