import {EXACT_COMPONENT_MAX, HiddenComponent, floorsOf, propagateBounds, type IndexGroup} from "./bounds.js";
import {determined, equationsOf, type Equations} from "./linear.js";
import {groupMembers, isZ} from "./table.js";
import type {CountCell, SuppressionPolicy, SuppressionTable} from "./types.js";

/** A group over cell indices, with the label `unprotected` reports it by. */
interface LabelledGroup extends IndexGroup {
  label: string;
}

/**
 * Secondary suppression (step 2 of {@link suppress}) and the integer-bound audit: hides further cells
 * until no primary cell can be recovered or pinned too narrowly, adding them to `suppressed` and
 * `secondary`. Returns the groups and cells it could not protect.
 */
export function secondarySuppression(
  table: SuppressionTable,
  byId: ReadonlyMap<string, CountCell>,
  policy: SuppressionPolicy,
  primary: string[],
  secondary: string[],
  suppressed: Set<string>
): Set<string> {
  const search = new SecondarySearch(table, byId, policy, primary, secondary, suppressed);
  search.run();
  search.auditBounds();
  for (const i of search.order) suppressed.add(search.ids[i]);
  return search.unprotected;
}

/**
 * Cells fixed by a linked table (`keep`), and every cell those fix on their own (a group whose
 * other members are all fixed gives its last one away): never chosen as secondary cells.
 */
function fixedCells(table: SuppressionTable, groups: readonly IndexGroup[], hid: Uint8Array): Uint8Array {
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
  return fixed;
}

// Index-based working state: the rules below run on tables of tens of thousands of cells.
class SecondarySearch {
  readonly cellIndex: Map<string, number>;
  readonly ids: string[];
  readonly val: Float64Array;
  readonly hid: Uint8Array;
  readonly order: number[] = [];
  readonly groups: LabelledGroup[];
  readonly hiddenIn: Int32Array;
  readonly groupsOfCell: number[][];
  readonly unprotected = new Set<string>();
  readonly equations: Equations;
  // Cells hidden since the last recovery check: only their components of the equations can change.
  private dirty: Set<number> | null = null;
  readonly fixed: Uint8Array;
  readonly pairing: boolean;
  readonly parent: Int32Array;
  readonly protectionInterval: number;
  readonly floor: Float64Array;
  readonly protectedCells: number[];

  constructor(
    readonly table: SuppressionTable,
    byId: ReadonlyMap<string, CountCell>,
    readonly policy: SuppressionPolicy,
    readonly primary: string[],
    readonly secondary: string[],
    suppressed: ReadonlySet<string>
  ) {
    const cellIndex = (this.cellIndex = new Map(table.cells.map((c, i) => [c.id, i])));
    this.ids = table.cells.map((c) => c.id);
    this.val = Float64Array.from(table.cells, (c) => (isZ(c) ? 0 : c.count ?? 0));
    const hid = (this.hid = new Uint8Array(table.cells.length));
    for (const id of suppressed) {
      const i = cellIndex.get(id) as number;
      hid[i] = 1;
      this.order.push(i);
    }
    const groups = (this.groups = (table.groups ?? []).map((g, i) => {
      // Unknown ("x") and structural-zero ("z") cells never help or hurt recovery.
      const members = groupMembers(g).filter((m) => {
        const c = byId.get(m.id) as CountCell;
        return c.count !== null && !isZ(c);
      });
      return {label: g.id ?? `group ${i}`, idx: Int32Array.from(members, (m) => cellIndex.get(m.id) as number), coef: Int8Array.from(members, (m) => m.coef)};
    }));
    const hiddenIn = (this.hiddenIn = new Int32Array(groups.length));
    const groupsOfCell: number[][] = (this.groupsOfCell = table.cells.map(() => []));
    groups.forEach((g, gi) => {
      for (const i of g.idx) {
        groupsOfCell[i].push(gi);
        if (hid[i]) hiddenIn[gi]++;
      }
    });
    this.equations = equationsOf(table, cellIndex);
    this.fixed = fixedCells(table, groups, hid);
    this.pairing = policy.prefer === "pairing";
    this.parent = new Int32Array(table.cells.length);
    this.protectionInterval = policy.protectionInterval ?? 1;
    this.floor = floorsOf(table.cells);
    const primarySet = new Set(primary);
    this.protectedCells = table.cells.filter((c) => c.protect && !isZ(c) && c.count !== null && !primarySet.has(c.id)).map((c) => cellIndex.get(c.id) as number);
  }

  /** Until stable: the cheap rules, then the linear recovery check, then the integer-bound audit. */
  run(): void {
    for (let guard = 0; guard <= this.table.cells.length + 1; guard++) {
      this.hideLoneCells();
      this.unpinAllOnes();
      if (this.protectRecoverable()) continue;
      if (!this.widenNarrowRanges()) break;
    }
  }

  hide(i: number): void {
    this.hid[i] = 1;
    this.dirty?.add(i);
    this.order.push(i);
    this.secondary.push(this.ids[i]);
    for (const gi of this.groupsOfCell[i]) this.hiddenIn[gi]++;
  }

  eligible(i: number): boolean {
    return !this.hid[i] && !this.fixed[i] && this.val[i] > 0;
  }

  /**
   * Groups of cell `i` (other than `from`) in which hiding it would leave it the only hidden cell, or
   * Infinity when in one of them no other cell could ever be hidden with it (it would be given away).
   */
  newSingles(i: number, from: number): number {
    const {groups, groupsOfCell, hiddenIn} = this;
    let n = 0;
    for (const gi of groupsOfCell[i]) {
      if (gi === from || hiddenIn[gi] > 0) continue;
      let other = false;
      for (const j of groups[gi].idx) if (j !== i && this.eligible(j)) {
        other = true;
        break;
      }
      if (!other) return Infinity;
      n++;
    }
    return n;
  }

  candidateIn(gi: number): number {
    const {val} = this;
    let best = -1;
    let bestCost = 0;
    for (const i of this.groups[gi].idx) {
      if (!this.eligible(i)) continue;
      // A cell that would be given away elsewhere comes last, but is still better than none.
      const cost = this.pairing ? this.newSingles(i, gi) : 0;
      if (best < 0 || cost < bestCost || (cost === bestCost && val[i] < val[best])) {
        best = i;
        bestCost = cost;
      }
    }
    return best;
  }

  find(i: number): number {
    const {parent} = this;
    while (parent[i] !== i) i = parent[i] = parent[parent[i]];
    return i;
  }

  /** Joins the hidden cells that share a group (union-find over `parent`). */
  linkHidden(): void {
    const {parent, hid} = this;
    for (const i of this.order) parent[i] = i;
    for (const g of this.groups) {
      let first = -1;
      for (const i of g.idx) {
        if (!hid[i]) continue;
        if (first < 0) first = this.find(i);
        else parent[this.find(i)] = first;
      }
    }
  }

  /** Hidden cells in the components (cells linked through groups) of the dirty cells; all of them the first time. */
  toCheck(): number[] {
    const dirty = this.dirty;
    if (dirty === null) return this.order;
    this.linkHidden();
    const roots = new Set([...dirty].map((i) => this.find(i)));
    return this.order.filter((i) => roots.has(this.find(i)));
  }

  /** Cells whose range the bound audit widens: the primary cells, and hidden cells marked `protect`. */
  guarded(): string[] {
    return [...this.primary, ...this.protectedCells.filter((i) => this.hid[i]).map((i) => this.ids[i])];
  }

  /** Single-hidden-cell rule, group by group, until no group exposes a lone cell. */
  hideLoneCells(): void {
    const {groups, hiddenIn} = this;
    for (let pass = true; pass; ) {
      pass = false;
      for (let gi = 0; gi < groups.length; gi++) {
        if (hiddenIn[gi] !== 1) continue;
        // A hidden zero (a withheld block's) alone in a sum is only a 0 given away.
        if (this.loneIsZero(gi)) continue;
        const pick = this.candidateIn(gi);
        if (pick < 0) {
          this.unprotected.add(groups[gi].label);
          continue;
        }
        this.hide(pick);
        pass = true;
      }
    }
  }

  loneIsZero(gi: number): boolean {
    for (const i of this.groups[gi].idx) if (this.hid[i]) return this.val[i] === 0;
    return false;
  }

  /** All-ones pinning: k suppressed parts (each at least 1) with a known sum of exactly k. */
  unpinAllOnes(): void {
    const {groups, hiddenIn, hid, val, floor} = this;
    for (let gi = 0; gi < groups.length; gi++) {
      if (hiddenIn[gi] < 2) continue;
      const g = groups[gi];
      let least = 0;
      let sum = 0;
      let partsOnly = true;
      g.idx.forEach((i, e) => {
        if (!hid[i]) return;
        // Each at least 1, or 0 where a `c` may stand for 0 (a larger floor is the bound audit's to judge).
        least += Math.min(floor[i], 1);
        sum += val[i];
        if (g.coef[e] !== 1) partsOnly = false;
      });
      if (!partsOnly || sum !== least || sum === 0) continue;
      const pick = this.candidateIn(gi);
      if (pick < 0) this.unprotected.add(g.label);
      else this.hide(pick);
    }
  }

  /**
   * Recovery by combining several groups' equations; true when a cell was hidden.
   * Components no cell has joined since the last check are as they were: nothing new to find there.
   */
  protectRecoverable(): boolean {
    const {groupsOfCell, val, policy} = this;
    const check = this.toCheck();
    this.dirty = new Set();
    const fixedNow = check.length ? determined(this.equations, check) : [];
    // A hidden zero (a withheld block's) known to be 0 gives nothing away.
    const exposed = check.filter((i, j) => fixedNow[j] && val[i] > 0);
    // The cheaper rules ran before this check: when it adds nothing, the table is stable.
    let changed = false;
    const touched = new Set<number>();
    for (const i of exposed) {
      let pick = -1;
      const mine = groupsOfCell[i];
      // In batch mode a group that has just gained a secondary cell is likely to protect this one too.
      if (policy.batch && mine.some((gi) => touched.has(gi))) continue;
      const consider = (gi: number) => {
        const cand = this.candidateIn(gi);
        if (cand >= 0 && (pick < 0 || val[cand] < val[pick])) pick = cand;
      };
      mine.forEach(consider);
      // Every group of the cell is hidden or fixed: look further along the equations that pin it
      // (groups of the hidden cells it shares a group with, then theirs, …), nearest first.
      this.walkLinked(mine, consider, () => pick >= 0);
      if (pick < 0) {
        this.unprotected.add(`cell ${this.ids[i]}`);
        continue;
      }
      this.hide(pick);
      changed = true;
      if (!policy.batch) break; // re-run the cheaper rules before testing recovery again
      for (const gi of groupsOfCell[pick]) touched.add(gi);
    }
    return changed;
  }

  /**
   * Integer bounds: with every `c` at least 1, the sums can pin a primary cell to a few values (or
   * one) though no equation determines it. Checked once the linear rules are stable; true when a
   * cell was hidden.
   */
  widenNarrowRanges(): boolean {
    const {groupsOfCell, protectionInterval} = this;
    let changed = false;
    const guarded = this.guarded();
    if (protectionInterval > 0 && guarded.length) {
      const {lo, hi} = propagateBounds(this.groups, this.val, this.hid, this.floor);
      const exact = this.exactNarrow(lo, hi, guarded);
      const bumped = new Set<number>();
      for (const id of guarded) {
        const i = this.cellIndex.get(id) as number;
        if (hi[i] - lo[i] >= protectionInterval && !exact.has(i)) continue;
        // One new cell per sum each round: the next round's propagation shows whether it was enough.
        if (groupsOfCell[i].some((gi) => bumped.has(gi))) continue;
        const pick = this.widenRange(i, lo, hi);
        if (pick < 0) continue; // nothing left to hide: reported by the final audit below
        this.hide(pick);
        changed = true;
        for (const gi of groupsOfCell[pick]) bumped.add(gi);
        for (const gi of groupsOfCell[i]) bumped.add(gi);
      }
    }
    return changed;
  }

  /**
   * The final audit: what the table publishes, not what some round on the way saw. A primary cell
   * still known too narrowly is one no cell left to hide could protect (its sums reach only cells
   * a reader knows: `keep` cells and those they fix).
   */
  auditBounds(): void {
    const {protectionInterval} = this;
    const guarded = this.guarded();
    if (protectionInterval > 0 && guarded.length) {
      const {lo, hi} = propagateBounds(this.groups, this.val, this.hid, this.floor);
      const exact = this.exactNarrow(lo, hi, guarded);
      for (const id of guarded) {
        const i = this.cellIndex.get(id) as number;
        if (hi[i] - lo[i] < protectionInterval || exact.has(i)) this.unprotected.add(`cell ${id} (bounds)`);
      }
    }
  }

  /**
   * A cell to hide so that primary cell `i`'s range can widen: from the sums that pin it on their own
   * (the range the sum allows, given its other members' ranges, is too narrow), else from any of its
   * sums, else from the sums of the hidden cells linked to it, nearest first. A cell that can give up `protectionInterval` (its count
   * is at least 1 + that) is preferred, the smallest such; otherwise the largest available.
   */
  widenRange(i: number, lo: Float64Array, hi: Float64Array): number {
    const {groups, groupsOfCell, val, protectionInterval} = this;
    let pick = -1;
    const better = (cand: number) => {
      if (pick < 0) return true;
      const canGive = (k: number) => val[k] - 1 >= protectionInterval;
      if (canGive(cand) !== canGive(pick)) return canGive(cand);
      return canGive(cand) ? val[cand] < val[pick] : val[cand] > val[pick];
    };
    const consider = (gi: number) => {
      for (const k of groups[gi].idx) if (this.eligible(k) && better(k)) pick = k;
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
    this.walkLinked(groupsOfCell[i], consider, () => pick >= 0);
    return pick;
  }

  /**
   * Visits the groups linked to `start` through hidden cells (the groups of the hidden cells they
   * hold, then theirs, …), nearest first, until `found()`: the cell a protection needs may lie
   * however far along those sums.
   */
  walkLinked(start: readonly number[], visit: (gi: number) => void, found: () => boolean): void {
    const {groups, groupsOfCell, hid} = this;
    const seen = new Set(start);
    for (let frontier = start; !found() && frontier.length; ) {
      const next: number[] = [];
      for (const gi of frontier) {
        for (const j of groups[gi].idx) {
          if (!hid[j]) continue;
          for (const g2 of groupsOfCell[j]) {
            if (seen.has(g2)) continue;
            seen.add(g2);
            next.push(g2);
            visit(g2);
          }
        }
      }
      frontier = next;
    }
  }

  /**
   * Primary cells that propagation left wide enough but an exact integer check finds too narrow, in
   * sets of linked hidden cells of at most EXACT_COMPONENT_MAX cells. The true counts are one
   * solution; the cell is protected when a solution at least `protectionInterval` above or below its
   * count exists (or, for a wider interval, when its smallest and largest solutions are that far apart).
   */
  exactNarrow(lo: Float64Array, hi: Float64Array, guarded: readonly string[]): Set<number> {
    const {groups, groupsOfCell, hid, val, protectionInterval} = this;
    const narrow = new Set<number>();
    this.linkHidden();
    const members = new Map<number, number[]>();
    for (const i of this.order) (members.get(this.find(i)) ?? members.set(this.find(i), []).get(this.find(i))!).push(i);
    const primaryIdx = new Set(guarded.map((id) => this.cellIndex.get(id) as number));
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
  }
}
