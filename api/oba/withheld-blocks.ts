import type {ConstraintGroup, CountCell, SuppressionResult} from "../stats/suppress.js";

/**
 * Withheld blocks of a breakdown (docs/methods/disclosure.md, rule 5): when a breakdown's plan
 * cannot protect a primary count — every cell still within reach is a total the plan without the
 * breakdown shows (which a breakdown never hides), or a zero (shown as 0, so every `c` beside it is
 * at least 1) — the groups of its geography and period are withheld whatever their values, zeros
 * included. A `c` there may then stand for 0, so the shown total no longer pins the groups, and the
 * totals and every other table stay as they were.
 */

/** Rounds of withholding per block of a plan before a count is reported unprotected. */
export const WITHHOLD_ROUNDS = 8;

/** Sums a search for a block to withhold may walk from an unprotected count. */
const MAX_HOPS = 3;

/** The block (`${geoCell}|${periodKey}`) of a total or group cell id. */
export const blockOf = (id: string): string => id.split("|").slice(0, 2).join("|");

/** The cell an `unprotected` label names: `cell <id>`, `cell <id> (bounds)`, or a sum `<kind> <total>`. */
function cellOf(label: string): string | null {
  if (label.startsWith("cell ")) return label.slice(5).replace(/ \(bounds\)$/, "");
  const space = label.indexOf(" ");
  return space > 0 ? label.slice(space + 1) : null;
}

/**
 * Blocks to withhold so that the counts `suppress` left unprotected can be protected: each count's
 * own block, or when that is withheld already, the nearest blocks of the hidden cells it shares sums
 * with (then theirs, up to MAX_HOPS sums away). Empty when every count is protected, or when no block
 * is left to withhold (the count stays unprotected and is reported).
 */
export function blocksToWithhold(result: Pick<SuppressionResult, "unprotected" | "primary" | "secondary">, groups: readonly ConstraintGroup[], withheld: ReadonlySet<string>): string[] {
  if (!result.unprotected.length) return [];
  const blocks = new Set(groups.filter((g) => g.id?.startsWith("breakdown ") && g.total).map((g) => g.total as string));
  const hidden = new Set([...result.primary, ...result.secondary]);
  const groupsOf = new Map<string, ConstraintGroup[]>();
  for (const g of groups) for (const id of [...g.parts, ...(g.total ? [g.total] : [])]) (groupsOf.get(id) ?? groupsOf.set(id, []).get(id)!).push(g);
  const out = new Set<string>();
  const usable = (id: string) => {
    const b = blockOf(id);
    return blocks.has(b) && !withheld.has(b) ? b : null;
  };
  for (const label of result.unprotected) {
    const start = cellOf(label);
    if (!start) continue;
    const own = usable(start);
    if (own) {
      out.add(own);
      continue;
    }
    // Walk out along the sums through hidden cells, nearest first, to the first blocks still open.
    const seen = new Set([start]);
    let frontier = [start];
    for (let hop = 0; hop < MAX_HOPS && frontier.length; hop++) {
      const next: string[] = [];
      const found: string[] = [];
      for (const id of frontier) {
        for (const g of groupsOf.get(id) ?? []) {
          for (const m of [...g.parts, ...(g.total ? [g.total] : [])]) {
            if (seen.has(m) || !hidden.has(m)) continue;
            seen.add(m);
            next.push(m);
            const b = usable(m);
            if (b) found.push(b);
          }
        }
      }
      if (found.length) {
        for (const b of found) out.add(b);
        break;
      }
      frontier = next;
    }
  }
  return [...out];
}

/**
 * Solves one block of a breakdown's plan, withholding blocks (adding them to `withheld`, which the
 * table builder reads) and solving again until every primary count is protected or no block is left
 * to withhold. Null when the block has no cells.
 */
export function solveWithholding<R extends Pick<SuppressionResult, "unprotected" | "primary" | "secondary">>(
  table: () => {cells: CountCell[]; groups: ConstraintGroup[]}, solve: (cells: CountCell[], groups: ConstraintGroup[]) => R, withheld: Set<string>
): {cells: CountCell[]; groups: ConstraintGroup[]; result: R} | null {
  for (let round = 0; ; round++) {
    const {cells, groups} = table();
    if (!cells.length) return null;
    const result = solve(cells, groups);
    const more = round < WITHHOLD_ROUNDS ? blocksToWithhold(result, groups, withheld) : [];
    if (process.env.CURVE_DISCLOSURE_DEBUG && result.unprotected.length) console.log(`WITHHOLD round ${round}: ${result.unprotected.length} unprotected, ${more.length} more blocks (${withheld.size} so far)`);
    if (!more.length) return {cells, groups, result};
    for (const b of more) withheld.add(b);
  }
}
