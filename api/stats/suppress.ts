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

const EPS = 1e-9;

/**
 * Cells whose value a reader could work out exactly from the published cells and the
 * groups' linear equations (Gaussian elimination over the suppressed cells). Exported
 * for auditing a publication; {@link suppress} returns tables for which this is empty.
 */
export function recoverableCells(table: SuppressionTable, suppressed: ReadonlySet<string> | readonly string[]): string[] {
  const hidden = [...new Set(suppressed)];
  const col = new Map(hidden.map((id, j) => [id, j]));
  const unknown = new Set(table.cells.filter((c) => c.count === null && c.applicable !== false).map((c) => c.id));
  const rows: number[][] = [];
  for (const g of table.groups ?? []) {
    const members = groupMembers(g).filter((m) => !unknown.has(m.id));
    const row = new Array<number>(hidden.length).fill(0);
    let any = false;
    for (const m of members) {
      const j = col.get(m.id);
      if (j !== undefined) {
        row[j] += m.coef;
        any = true;
      }
    }
    if (any) rows.push(row);
  }
  const pivotRowOf = rref(rows, hidden.length);
  const determined: string[] = [];
  hidden.forEach((id, j) => {
    const r = pivotRowOf.get(j);
    if (r === undefined) return;
    // x_j is fixed when its pivot row involves no free (non-pivot) column.
    const free = rows[r].some((v, k) => k !== j && Math.abs(v) > EPS && !pivotRowOf.has(k));
    if (!free) determined.push(id);
  });
  return determined;
}

/** Reduces `m` in place to reduced row echelon form; returns pivot column → row. */
function rref(m: number[][], cols: number): Map<number, number> {
  const pivots = new Map<number, number>();
  let r = 0;
  for (let c = 0; c < cols && r < m.length; c++) {
    let best = r;
    for (let i = r + 1; i < m.length; i++) if (Math.abs(m[i][c]) > Math.abs(m[best][c])) best = i;
    if (Math.abs(m[best][c]) <= EPS) continue;
    [m[r], m[best]] = [m[best], m[r]];
    const p = m[r][c];
    for (let k = 0; k < cols; k++) m[r][k] /= p;
    for (let i = 0; i < m.length; i++) {
      if (i === r || Math.abs(m[i][c]) <= EPS) continue;
      const f = m[i][c];
      for (let k = 0; k < cols; k++) m[i][k] -= f * m[r][k];
    }
    pivots.set(c, r);
    r++;
  }
  return pivots;
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
 * 1. Primary: counts 1–5 (ward mode 1–7) become "c"; zero stays 0.
 * 2. Secondary, iterated until stable: in any group where exactly one cell is
 *    suppressed, the smallest non-zero unsuppressed cell of that group (ties: first
 *    listed) is suppressed too; then, across all groups together, any suppressed cell
 *    still recoverable by combining the groups' equations (see {@link recoverableCells}),
 *    or pinned because a group's suppressed parts must all be 1 (their known sum equals
 *    their number), gets a further secondary cell from one of its groups.
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
    if (!isZ(c) && c.count !== null && c.count >= 1 && c.count <= primaryMax) {
      suppressed.add(c.id);
      primary.push(c.id);
    }
  }

  const groups = (table.groups ?? []).map((g, i) => ({
    label: g.id ?? `group ${i}`,
    // Unknown ("x") and structural-zero ("z") cells never help or hurt recovery.
    members: groupMembers(g).filter((m) => {
      const c = byId.get(m.id) as CountCell;
      return c.count !== null && !isZ(c);
    })
  }));
  const secondary: string[] = [];
  const unprotected = new Set<string>();

  const candidateIn = (members: readonly Member[]): string | null => {
    let best: string | null = null;
    for (const m of members) {
      const v = value(m.id) as number;
      if (suppressed.has(m.id) || v <= 0) continue;
      if (best === null || v < (value(best) as number)) best = m.id;
    }
    return best;
  };
  const addSecondary = (id: string): void => {
    suppressed.add(id);
    secondary.push(id);
  };

  for (let guard = 0; guard <= table.cells.length + 1; guard++) {
    let changed = false;
    // Single-hidden-cell rule, group by group, until no group exposes a lone cell.
    for (let pass = true; pass; ) {
      pass = false;
      for (const g of groups) {
        const hidden = g.members.filter((m) => suppressed.has(m.id));
        if (hidden.length !== 1) continue;
        const pick = candidateIn(g.members);
        if (pick === null) {
          unprotected.add(g.label);
          continue;
        }
        addSecondary(pick);
        pass = changed = true;
      }
    }
    // All-ones pinning: k suppressed parts with a known sum of exactly k.
    for (const g of groups) {
      const hidden = g.members.filter((m) => suppressed.has(m.id));
      if (hidden.length < 2 || hidden.some((m) => m.coef !== 1)) continue;
      const sum = hidden.reduce((s, m) => s + (value(m.id) as number), 0);
      if (sum !== hidden.length) continue;
      const pick = candidateIn(g.members);
      if (pick === null) unprotected.add(g.label);
      else {
        addSecondary(pick);
        changed = true;
      }
    }
    // Recovery by combining several groups' equations.
    const exposed = recoverableCells({cells: table.cells, groups: table.groups}, suppressed);
    for (const id of exposed) {
      let pick: string | null = null;
      for (const g of groups) {
        if (!g.members.some((m) => m.id === id)) continue;
        const cand = candidateIn(g.members);
        if (cand !== null && (pick === null || (value(cand) as number) < (value(pick) as number))) pick = cand;
      }
      if (pick === null) {
        unprotected.add(`cell ${id}`);
        continue;
      }
      addSecondary(pick);
      changed = true;
      break; // re-run the cheaper rules before testing recovery again
    }
    if (!changed) break;
  }

  const cells: PublishedCell[] = table.cells.map((c) => {
    if (isZ(c)) return {id: c.id, count: c.count, published: "z", status: "not-applicable"};
    if (c.count === null) return {id: c.id, count: null, published: "x", status: "not-available"};
    if (suppressed.has(c.id)) {
      return {id: c.id, count: c.count, published: "c", status: primary.includes(c.id) ? "primary" : "secondary"};
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
