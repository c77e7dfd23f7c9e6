import {mulberry32} from "./random.js";

/**
 * Disclosure control for published children's data (METHODS §7).
 *
 * A table is a set of count cells plus the *constraint groups* a reader could subtract
 * with: each group says "these parts add up to this total", where the total is another
 * cell of the table (e.g. the borough row), or omitted when the total is published
 * somewhere the reader can see (a figure in another release). One table can carry any
 * number of overlapping groups, which is how linked groupings are protected: wards vs
 * borough, target wards vs the rest, quarters vs the year, boys + girls vs all.
 *
 * Example: wards A, B, C and the borough total
 * ```ts
 * suppress({
 *   cells: [{id: "A", count: 3}, {id: "B", count: 20}, {id: "C", count: 40}, {id: "borough", count: 63}],
 *   groups: [{parts: ["A", "B", "C"], total: "borough"}]
 * }, {})
 * // A → "c" (primary), B → "c" (secondary), C → 40, borough → 63
 * ```
 *
 * Symbols follow the GSS convention and are never numeric: "c" confidential,
 * "z" not applicable, "x" not available, "u" low reliability (a flag on a shown rate).
 * Statistics are computed on unrounded internal data; this module only decides what is
 * published.
 */

/** GSS shorthand symbols. */
export type SuppressionSymbol = "c" | "z" | "x" | "u";

/** A count cell. */
export interface CountCell {
  id: string;
  /** True count (a non-negative integer), or null when not available ("x"). */
  count: number | null;
  /** False when the cell cannot exist (e.g. a service not offered): published as "z". */
  applicable?: boolean;
  /**
   * Already hidden by a linked table the reader also sees (e.g. a total whose own table hid it):
   * suppressed from the start (status "secondary" unless its count makes it primary).
   */
  hidden?: boolean;
  /**
   * Known to the reader already (a total fixed by a linked table that shows it, a figure the council
   * has published): never hidden, neither as a primary nor as a secondary cell; the plan protects the
   * other cells knowing it.
   */
  keep?: boolean;
  /**
   * The least a reader knows the count to be when it is hidden; default 1 (zeros are shown as 0).
   * E.g. a total with k non-zero groups in some breakdown is at least k, whatever that breakdown shows.
   */
  floor?: number;
  /**
   * When hidden, its range must be at least `protectionInterval` wide, like a primary cell's, though
   * its count is not small (e.g. a total whose groups in a breakdown are all 1: knowing it exactly
   * gives every group away).
   */
  protect?: boolean;
}

/** Parts that add up to a total the reader knows. */
export interface ConstraintGroup {
  /** Optional label, echoed in `unprotected`. */
  id?: string;
  parts: readonly string[];
  /** Id of the total's own cell; omit when the total is published elsewhere. */
  total?: string;
}

/** A rate or percentage built on a count cell. */
export interface RateCell {
  id: string;
  /** Id of the numerator's count cell. */
  numerator: string;
  /** A denominator value, or the id of a count cell holding it. */
  denominator: number | string;
  /** e.g. 100 for a percentage, 10000 for a rate per 10,000 children. Default 100. */
  multiplier?: number;
}

/** The table to protect. */
export interface SuppressionTable {
  cells: readonly CountCell[];
  groups?: readonly ConstraintGroup[];
  rates?: readonly RateCell[];
}

/** Disclosure rules; defaults follow DfE practice. */
export interface SuppressionPolicy {
  /**
   * "standard": counts 1–5 become "c".
   * "ward": the stricter ward-level mode, counts 1–7 become "c" and every other non-zero
   * count is rounded to the nearest 5.
   */
  mode?: "standard" | "ward";
  /** Largest count suppressed as primary; default 5 (standard) or 7 (ward). */
  primaryMax?: number;
  /** Rounding base for shown counts; default none (standard) or 5 (ward). */
  roundTo?: number | null;
  /** Rates whose denominator is below this are suppressed ("c"); default primaryMax + 1. */
  minDenominator?: number;
  /** Rates on fewer events than this are flagged "u"; default 10. */
  lowReliabilityBelow?: number;
  /**
   * When several cells are found recoverable by combining groups, protect them all in one round
   * (one secondary cell per exposed cell) instead of one at a time. Faster on large tables, at the
   * cost of an occasional extra secondary cell. Default false.
   */
  batch?: boolean;
  /**
   * The narrowest range a reader may be able to pin a primary cell to, as max − min of the counts
   * it could be, given every published figure, the sums, and that every `c` is at least 1 (zeros are
   * published as 0). Default 1: never known exactly. Cells are hidden until each primary cell's
   * range, as the bound audit ({@link boundRanges}) finds it, is at least this wide; 0 turns the bound
   * audit off (the linear check alone).
   */
  protectionInterval?: number;
  /**
   * How a secondary cell is chosen within a group. "smallest" (default): the smallest non-zero
   * cell. "pairing": among the non-zero cells, the one whose hiding leaves the fewest other groups
   * with a single hidden cell (so fewer further cells are needed), then the smallest. On tables with
   * many overlapping groups (geography × period lattices) "pairing" hides far fewer cells.
   */
  prefer?: "smallest" | "pairing";
}

/** How a cell is published. */
export interface PublishedCell {
  id: string;
  /** The true count (internal; never publish this field). */
  count: number | null;
  published: number | SuppressionSymbol;
  status: "shown" | "rounded" | "primary" | "secondary" | "not-applicable" | "not-available";
}

/** How a rate is published. */
export interface PublishedRate {
  id: string;
  /** Unrounded internal value (null when it cannot be computed). */
  value: number | null;
  published: number | SuppressionSymbol;
  /** "u" when shown but based on fewer than `lowReliabilityBelow` events. */
  flag?: "u";
  /** Why the rate is not shown, when it is not. */
  reason?: string;
}

/** Result of {@link suppress}. */
export interface SuppressionResult {
  cells: PublishedCell[];
  /** Cells suppressed because their count is small, in table order. */
  primary: string[];
  /** Cells suppressed to stop primary cells being recovered, in the order chosen. */
  secondary: string[];
  rates: PublishedRate[];
  /**
   * Groups (ids, or "group <index>") where a suppressed cell could not be protected
   * because no other non-zero cell was available. Must be empty before publishing.
   */
  unprotected: string[];
}

interface Member {
  id: string;
  /** +1 for a part, −1 for the total. */
  coef: 1 | -1;
}

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
interface Equations {
  cells: number;
  rows: {idx: Int32Array; coef: Int8Array}[];
}

function equationsOf(table: SuppressionTable, index: ReadonlyMap<string, number>): Equations {
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
function determined(eq: Equations, hidden: readonly number[]): boolean[] {
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

/** A group as index arrays: members and their coefficients (+1 part, −1 total). */
interface IndexGroup {
  idx: Int32Array;
  coef: Int8Array;
}

/**
 * Interval propagation over the sums (bounds consistency): each hidden cell starts at [1, ∞) and
 * each shown cell at its value; every sum then narrows each hidden member to what the other members'
 * ranges allow, until nothing changes (or a work budget runs out). The result contains every value
 * an integer-programming reader could find, so a range found narrow here is truly narrow: it can only
 * err towards wide on tables whose sums interlock in cycles (where the linear check still applies).
 */
function propagateBounds(groups: readonly IndexGroup[], val: Float64Array, hid: Uint8Array, floor: Float64Array): {lo: Float64Array; hi: Float64Array} {
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
 * sum `Σ coef·x = k` (shown members moved into k), every cell at least 1.
 */
class HiddenComponent {
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
const EXACT_COMPONENT_MAX = 40;

/**
 * The range of counts a reader could narrow each suppressed cell to ({@link propagateBounds}): given
 * every shown cell, the groups' sums and that a suppressed cell is at least 1. Exported for auditing a
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

/** What a reader knows each cell to be at least when it is hidden (`floor`, default 1). */
const floorsOf = (cells: readonly CountCell[]) => Float64Array.from(cells, (c) => Math.max(1, c.floor ?? 1));

/** Groups over cell indices, leaving out unknown ("x") and structural-zero ("z") members, which never help or hurt recovery. */
function indexGroups(table: SuppressionTable, index: ReadonlyMap<string, number>): IndexGroup[] {
  const byId = new Map(table.cells.map((c) => [c.id, c]));
  return (table.groups ?? []).map((g) => {
    const members = groupMembers(g).filter((m) => {
      const c = byId.get(m.id) as CountCell;
      return c.count !== null && c.applicable !== false;
    });
    return {idx: Int32Array.from(members, (m) => index.get(m.id) as number), coef: Int8Array.from(members, (m) => m.coef)};
  });
}

function groupMembers(g: ConstraintGroup): Member[] {
  const members: Member[] = g.parts.map((id) => ({id, coef: 1}));
  if (g.total !== undefined) members.push({id: g.total, coef: -1});
  return members;
}

function validate(table: SuppressionTable): Map<string, CountCell> {
  if (!table || !Array.isArray(table.cells)) throw new RangeError("table.cells must be an array");
  const byId = new Map<string, CountCell>();
  table.cells.forEach((c, i) => {
    if (typeof c.id !== "string" || c.id === "") throw new RangeError(`cells[${i}].id must be a non-empty string`);
    if (byId.has(c.id)) throw new RangeError(`cell id "${c.id}" appears more than once`);
    if (c.count !== null && !(Number.isInteger(c.count) && c.count >= 0)) {
      throw new RangeError(`cells[${i}] ("${c.id}").count must be a non-negative integer or null, got ${String(c.count)}`);
    }
    byId.set(c.id, c);
  });
  (table.groups ?? []).forEach((g, i) => {
    if (!Array.isArray(g.parts) || g.parts.length === 0) throw new RangeError(`groups[${i}].parts must list at least one cell`);
    for (const m of groupMembers(g)) {
      if (!byId.has(m.id)) throw new RangeError(`groups[${i}] refers to unknown cell "${m.id}"`);
    }
  });
  (table.rates ?? []).forEach((r, i) => {
    if (!byId.has(r.numerator)) throw new RangeError(`rates[${i}] refers to unknown numerator cell "${r.numerator}"`);
    if (typeof r.denominator === "string" && !byId.has(r.denominator)) {
      throw new RangeError(`rates[${i}] refers to unknown denominator cell "${r.denominator}"`);
    }
    if (typeof r.denominator === "number" && !(Number.isFinite(r.denominator) && r.denominator >= 0)) {
      throw new RangeError(`rates[${i}].denominator must be a non-negative number, got ${r.denominator}`);
    }
  });
  return byId;
}

/**
 * Applies primary and secondary suppression, rounding and rate rules to a table.
 *
 * 1. Primary: counts 1–5 (ward mode 1–7) become "c"; zero stays 0. Cells marked `hidden`
 *    (hidden by a linked table) are suppressed from the start; cells marked `keep` (known to the
 *    reader) never are.
 * 2. Secondary, iterated until stable: in any group where exactly one cell is
 *    suppressed, the smallest non-zero unsuppressed cell of that group (ties: first
 *    listed; with `prefer: "pairing"`, the one leaving fewest other groups with a lone
 *    hidden cell) is suppressed too; then, across all groups together, any suppressed cell
 *    still recoverable by combining the groups' equations (see {@link recoverableCells}),
 *    or pinned because a group's suppressed parts must all be 1 (their known sum equals
 *    their number), gets a further secondary cell from one of its groups (or, when they
 *    are all hidden or fixed, from the groups of the hidden cells it shares one with).
 *    Cells marked `keep`, and cells those fix on their own, are never chosen.
 * 3. Ward mode rounds every other non-zero count to the nearest 5.
 * 4. Rates: "x" if the numerator is not available; "c" if the numerator or a denominator
 *    cell is suppressed, or the denominator is below `minDenominator`; "z" on a zero
 *    denominator; otherwise the unrounded value, flagged "u" on fewer than 10 events.
 *
 * Cells with count null ("x") are unknown to everyone and are left out of the
 * equations; cells marked not applicable ("z") are structural zeros. Protection against
 * bounds reasoning is limited to the all-ones case above.
 *
 * @throws RangeError for duplicate or unknown cell ids, or counts that are not
 * non-negative integers.
 */
export function suppress(table: SuppressionTable, policy: SuppressionPolicy = {}): SuppressionResult {
  const byId = validate(table);
  const ward = policy.mode === "ward";
  const primaryMax = policy.primaryMax ?? (ward ? 7 : 5);
  const roundTo = policy.roundTo === undefined ? (ward ? 5 : null) : policy.roundTo;
  const minDenominator = policy.minDenominator ?? primaryMax + 1;
  const lowReliabilityBelow = policy.lowReliabilityBelow ?? 10;

  const isZ = (c: CountCell): boolean => c.applicable === false;
  const value = (id: string): number | null => {
    const c = byId.get(id) as CountCell;
    return isZ(c) ? 0 : c.count;
  };

  const suppressed = new Set<string>();
  const primary: string[] = [];
  for (const c of table.cells) {
    if (!isZ(c) && !c.keep && c.count !== null && c.count >= 1 && c.count <= primaryMax) {
      suppressed.add(c.id);
      primary.push(c.id);
    }
  }
  const secondary: string[] = [];
  for (const c of table.cells) {
    if (c.hidden && !isZ(c) && c.count !== null && !suppressed.has(c.id)) {
      suppressed.add(c.id);
      secondary.push(c.id);
    }
  }

  // Index-based working state: the loop below runs on tables of tens of thousands of cells.
  const cellIndex = new Map(table.cells.map((c, i) => [c.id, i]));
  const ids = table.cells.map((c) => c.id);
  const val = Float64Array.from(table.cells, (c) => (isZ(c) ? 0 : c.count ?? 0));
  const hid = new Uint8Array(table.cells.length);
  const order: number[] = [];
  for (const id of suppressed) {
    const i = cellIndex.get(id) as number;
    hid[i] = 1;
    order.push(i);
  }
  const groups = (table.groups ?? []).map((g, i) => {
    // Unknown ("x") and structural-zero ("z") cells never help or hurt recovery.
    const members = groupMembers(g).filter((m) => {
      const c = byId.get(m.id) as CountCell;
      return c.count !== null && !isZ(c);
    });
    return {label: g.id ?? `group ${i}`, idx: Int32Array.from(members, (m) => cellIndex.get(m.id) as number), coef: Int8Array.from(members, (m) => m.coef)};
  });
  const hiddenIn = new Int32Array(groups.length);
  const groupsOfCell: number[][] = table.cells.map(() => []);
  groups.forEach((g, gi) => {
    for (const i of g.idx) {
      groupsOfCell[i].push(gi);
      if (hid[i]) hiddenIn[gi]++;
    }
  });
  const unprotected = new Set<string>();
  const equations = equationsOf(table, cellIndex);
  // Cells hidden since the last recovery check: only their components of the equations can change.
  let dirty: Set<number> | null = null;
  const hide = (i: number): void => {
    hid[i] = 1;
    dirty?.add(i);
    order.push(i);
    secondary.push(ids[i]);
    for (const gi of groupsOfCell[i]) hiddenIn[gi]++;
  };

  // Cells fixed by a linked table (`keep`), and every cell those fix on their own (a group whose
  // other members are all fixed gives its last one away): never chosen as secondary cells.
  const fixed = Uint8Array.from(table.cells, (c) => (c.keep ? 1 : 0));
  for (let grew = fixed.includes(1); grew; ) {
    grew = false;
    for (const g of groups) {
      let open = -1;
      let count = 0;
      for (const i of g.idx) if (!fixed[i]) {
        open = i;
        count++;
      }
      if (count !== 1 || hid[open]) continue;
      fixed[open] = 1;
      grew = true;
    }
  }
  const pairing = policy.prefer === "pairing";
  const eligible = (i: number): boolean => !hid[i] && !fixed[i] && val[i] > 0;
  /**
   * Groups of cell `i` (other than `from`) in which hiding it would leave it the only hidden cell, or
   * Infinity when in one of them no other cell could ever be hidden with it (it would be given away).
   */
  const newSingles = (i: number, from: number): number => {
    let n = 0;
    for (const gi of groupsOfCell[i]) {
      if (gi === from || hiddenIn[gi] > 0) continue;
      let other = false;
      for (const j of groups[gi].idx) if (j !== i && eligible(j)) {
        other = true;
        break;
      }
      if (!other) return Infinity;
      n++;
    }
    return n;
  };
  const candidateIn = (gi: number): number => {
    let best = -1;
    let bestCost = 0;
    for (const i of groups[gi].idx) {
      if (!eligible(i)) continue;
      // A cell that would be given away elsewhere comes last, but is still better than none.
      const cost = pairing ? newSingles(i, gi) : 0;
      if (best < 0 || cost < bestCost || (cost === bestCost && val[i] < val[best])) {
        best = i;
        bestCost = cost;
      }
    }
    return best;
  };

  const parent = new Int32Array(table.cells.length);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  };
  /** Hidden cells in the components (cells linked through groups) of the dirty cells; all of them the first time. */
  const toCheck = (): number[] => {
    if (dirty === null) return order;
    for (const i of order) parent[i] = i;
    for (const g of groups) {
      let first = -1;
      for (const i of g.idx) {
        if (!hid[i]) continue;
        if (first < 0) first = find(i);
        else parent[find(i)] = first;
      }
    }
    const roots = new Set([...dirty].map(find));
    return order.filter((i) => roots.has(find(i)));
  };

  const protectionInterval = policy.protectionInterval ?? 1;
  const floor = floorsOf(table.cells);
  /** Cells whose range the bound audit widens: the primary cells, and hidden cells marked `protect`. */
  let guarded: string[] = primary;
  const primarySet = new Set(primary);
  const protectedCells = table.cells.filter((c) => c.protect && !isZ(c) && c.count !== null && !primarySet.has(c.id)).map((c) => cellIndex.get(c.id) as number);
  /**
   * A cell to hide so that primary cell `i`'s range can widen: from the sums that pin it on their own
   * (the range the sum allows, given its other members' ranges, is too narrow), else from any of its
   * sums, else from the sums of the hidden cells linked to it, nearest first. A cell that can give up `protectionInterval` (its count
   * is at least 1 + that) is preferred, the smallest such; otherwise the largest available.
   */
  const widenRange = (i: number, lo: Float64Array, hi: Float64Array): number => {
    let pick = -1;
    const better = (cand: number) => {
      if (pick < 0) return true;
      const canGive = (k: number) => val[k] - 1 >= protectionInterval;
      if (canGive(cand) !== canGive(pick)) return canGive(cand);
      return canGive(cand) ? val[cand] < val[pick] : val[cand] > val[pick];
    };
    const consider = (gi: number) => {
      for (const k of groups[gi].idx) if (eligible(k) && better(k)) pick = k;
    };
    const tight = groupsOfCell[i].filter((gi) => {
      const {idx, coef} = groups[gi];
      let slack = 0;
      for (let e = 0; e < idx.length; e++) if (idx[e] !== i) slack += hi[idx[e]] - lo[idx[e]];
      return slack < protectionInterval && coef.length > 0;
    });
    tight.forEach(consider);
    if (pick < 0) groupsOfCell[i].forEach(consider);
    // Then ever further along the hidden cells linked to it, nearest sums first: a range is narrowed
    // by a shown cell however far its sums reach (e.g. when the nearer ones are all totals another
    // plan shows), so stopping at a fixed distance would leave the cell known.
    for (let seen = new Set(groupsOfCell[i]), frontier = groupsOfCell[i]; pick < 0 && frontier.length; ) {
      const next: number[] = [];
      for (const gi of frontier) {
        for (const j of groups[gi].idx) {
          if (!hid[j]) continue;
          for (const g2 of groupsOfCell[j]) {
            if (seen.has(g2)) continue;
            seen.add(g2);
            next.push(g2);
            consider(g2);
          }
        }
      }
      frontier = next;
    }
    return pick;
  };

  /**
   * Primary cells that propagation left wide enough but an exact integer check finds too narrow, in
   * sets of linked hidden cells of at most EXACT_COMPONENT_MAX cells. The true counts are one
   * solution; the cell is protected when a solution at least `protectionInterval` above or below its
   * count exists (or, for a wider interval, when its smallest and largest solutions are that far apart).
   */
  const exactNarrow = (lo: Float64Array, hi: Float64Array): Set<number> => {
    const narrow = new Set<number>();
    for (const i of order) parent[i] = i;
    for (const g of groups) {
      let first = -1;
      for (const i of g.idx) {
        if (!hid[i]) continue;
        if (first < 0) first = find(i);
        else parent[find(i)] = first;
      }
    }
    const members = new Map<number, number[]>();
    for (const i of order) (members.get(find(i)) ?? members.set(find(i), []).get(find(i))!).push(i);
    const primaryIdx = new Set(guarded.map((id) => cellIndex.get(id) as number));
    for (const cells of members.values()) {
      const targets = cells.filter((i) => primaryIdx.has(i) && hi[i] - lo[i] >= protectionInterval);
      if (!targets.length || cells.length > EXACT_COMPONENT_MAX) continue;
      const groupIds = new Set(cells.flatMap((i) => groupsOfCell[i]));
      const problem = new HiddenComponent(cells, groups, val, hid, groupIds);
      const lo0 = cells.map((i) => lo[i]);
      const hi0 = cells.map((i) => hi[i]);
      for (const i of targets) {
        const j = cells.indexOf(i);
        const within = (a: number, b: number) => problem.feasible(lo0.map((l, v) => (v === j ? Math.max(l, a) : l)), hi0.map((h, v) => (v === j ? Math.min(h, b) : h)), {nodes: 2000});
        // Undecided (the budget ran out) counts as wide: propagation already found it wide.
        if (within(val[i] + protectionInterval, Infinity) !== false || within(-Infinity, val[i] - protectionInterval) !== false) continue;
        if (protectionInterval === 1) {
          narrow.add(i);
          continue;
        }
        let min = val[i];
        while (min - 1 >= lo[i] && within(min - 1, min - 1) !== false) min--;
        let max = val[i];
        while (max + 1 <= hi[i] && within(max + 1, max + 1) !== false) max++;
        if (max - min < protectionInterval) narrow.add(i);
      }
    }
    return narrow;
  };

  for (let guard = 0; guard <= table.cells.length + 1; guard++) {
    let changed = false;
    // Single-hidden-cell rule, group by group, until no group exposes a lone cell.
    for (let pass = true; pass; ) {
      pass = false;
      for (let gi = 0; gi < groups.length; gi++) {
        if (hiddenIn[gi] !== 1) continue;
        const pick = candidateIn(gi);
        if (pick < 0) {
          unprotected.add(groups[gi].label);
          continue;
        }
        hide(pick);
        pass = changed = true;
      }
    }
    // All-ones pinning: k suppressed parts with a known sum of exactly k.
    for (let gi = 0; gi < groups.length; gi++) {
      if (hiddenIn[gi] < 2) continue;
      const g = groups[gi];
      let k = 0;
      let sum = 0;
      let partsOnly = true;
      g.idx.forEach((i, e) => {
        if (!hid[i]) return;
        k++;
        sum += val[i];
        if (g.coef[e] !== 1) partsOnly = false;
      });
      if (!partsOnly || sum !== k) continue;
      const pick = candidateIn(gi);
      if (pick < 0) unprotected.add(g.label);
      else {
        hide(pick);
        changed = true;
      }
    }
    // Recovery by combining several groups' equations.
    // Components no cell has joined since the last check are as they were: nothing new to find there.
    const check = toCheck();
    dirty = new Set();
    const fixedNow = check.length ? determined(equations, check) : [];
    const exposed = check.filter((_, j) => fixedNow[j]);
    // The cheaper rules ran before this check: when it adds nothing, the table is stable.
    changed = false;
    const touched = new Set<number>();
    for (const i of exposed) {
      let pick = -1;
      const mine = groupsOfCell[i];
      // In batch mode a group that has just gained a secondary cell is likely to protect this one too.
      if (policy.batch && mine.some((gi) => touched.has(gi))) continue;
      const consider = (gi: number) => {
        const cand = candidateIn(gi);
        if (cand >= 0 && (pick < 0 || val[cand] < val[pick])) pick = cand;
      };
      mine.forEach(consider);
      // Every group of the cell is hidden or fixed: look further along the equations that pin it
      // (groups of the hidden cells it shares a group with, then theirs, …), nearest first.
      for (let seen = new Set(mine), frontier = mine; pick < 0 && frontier.length; ) {
        const next: number[] = [];
        for (const gi of frontier) {
          for (const j of groups[gi].idx) {
            if (!hid[j]) continue;
            for (const g2 of groupsOfCell[j]) {
              if (seen.has(g2)) continue;
              seen.add(g2);
              next.push(g2);
              consider(g2);
            }
          }
        }
        frontier = next;
      }
      if (pick < 0) {
        unprotected.add(`cell ${ids[i]}`);
        continue;
      }
      hide(pick);
      changed = true;
      if (!policy.batch) break; // re-run the cheaper rules before testing recovery again
      for (const gi of groupsOfCell[pick]) touched.add(gi);
    }
    if (changed) continue;
    // Integer bounds: with every `c` at least 1, the sums can pin a primary cell to a few values (or
    // one) though no equation determines it. Checked once the linear rules are stable.
    guarded = [...primary, ...protectedCells.filter((i) => hid[i]).map((i) => ids[i])];
    if (protectionInterval > 0 && guarded.length) {
      const {lo, hi} = propagateBounds(groups, val, hid, floor);
      const exact = exactNarrow(lo, hi);
      const bumped = new Set<number>();
      for (const id of guarded) {
        const i = cellIndex.get(id) as number;
        if (hi[i] - lo[i] >= protectionInterval && !exact.has(i)) continue;
        // One new cell per sum each round: the next round's propagation shows whether it was enough.
        if (groupsOfCell[i].some((gi) => bumped.has(gi))) continue;
        const pick = widenRange(i, lo, hi);
        if (pick < 0) continue; // nothing left to hide: reported by the final audit below
        hide(pick);
        changed = true;
        for (const gi of groupsOfCell[pick]) bumped.add(gi);
        for (const gi of groupsOfCell[i]) bumped.add(gi);
      }
    }
    if (!changed) break;
  }
  // The final audit: what the table publishes, not what some round on the way saw. A primary cell
  // still known too narrowly is one no cell left to hide could protect (its sums reach only cells
  // a reader knows: `keep` cells and those they fix).
  guarded = [...primary, ...protectedCells.filter((i) => hid[i]).map((i) => ids[i])];
  if (protectionInterval > 0 && guarded.length) {
    const {lo, hi} = propagateBounds(groups, val, hid, floor);
    const exact = exactNarrow(lo, hi);
    for (const id of guarded) {
      const i = cellIndex.get(id) as number;
      if (hi[i] - lo[i] < protectionInterval || exact.has(i)) unprotected.add(`cell ${id} (bounds)`);
    }
  }
  for (const i of order) suppressed.add(ids[i]);

  const isPrimary = new Set(primary);
  const cells: PublishedCell[] = table.cells.map((c) => {
    if (isZ(c)) return {id: c.id, count: c.count, published: "z", status: "not-applicable"};
    if (c.count === null) return {id: c.id, count: null, published: "x", status: "not-available"};
    if (suppressed.has(c.id)) {
      return {id: c.id, count: c.count, published: "c", status: isPrimary.has(c.id) ? "primary" : "secondary"};
    }
    if (roundTo && c.count > 0) {
      return {id: c.id, count: c.count, published: Math.round(c.count / roundTo) * roundTo, status: "rounded"};
    }
    return {id: c.id, count: c.count, published: c.count, status: "shown"};
  });

  const rates: PublishedRate[] = (table.rates ?? []).map((r) => {
    const multiplier = r.multiplier ?? 100;
    const num = byId.get(r.numerator) as CountCell;
    const x = value(r.numerator);
    let d: number | null;
    let denominatorHidden = false;
    if (typeof r.denominator === "string") {
      d = value(r.denominator);
      denominatorHidden = suppressed.has(r.denominator);
    } else {
      d = r.denominator;
    }
    const computed = x !== null && d !== null && d > 0 ? (x / d) * multiplier : null;
    if (isZ(num)) return {id: r.id, value: null, published: "z", reason: "numerator not applicable"};
    if (x === null) return {id: r.id, value: null, published: "x", reason: "numerator not available"};
    if (suppressed.has(r.numerator)) return {id: r.id, value: computed, published: "c", reason: "numerator suppressed"};
    if (d === null) return {id: r.id, value: null, published: "x", reason: "denominator not available"};
    if (denominatorHidden) return {id: r.id, value: computed, published: "c", reason: "denominator suppressed"};
    if (d === 0) return {id: r.id, value: null, published: "z", reason: "zero denominator"};
    if (d < minDenominator) return {id: r.id, value: computed, published: "c", reason: `denominator below ${minDenominator}`};
    const out: PublishedRate = {id: r.id, value: computed, published: computed as number};
    if (x < lowReliabilityBelow) out.flag = "u";
    return out;
  });

  return {cells, primary, secondary, rates, unprotected: [...unprotected]};
}
