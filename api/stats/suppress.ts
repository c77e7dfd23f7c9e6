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
 *
 * The steps live in ./suppress/ (types, table checks, the linear recovery check, the integer-bound
 * audit, secondary suppression, publishing), each small enough to read alone; importers use this
 * module.
 */

export type {ConstraintGroup, CountCell, PublishedCell, PublishedRate, RateCell, SuppressionPolicy, SuppressionResult, SuppressionSymbol, SuppressionTable} from "./suppress/types.js";
export {recoverableCells} from "./suppress/linear.js";
export {boundRanges} from "./suppress/bounds.js";

import {publishCells, publishRates} from "./suppress/publish.js";
import {secondarySuppression} from "./suppress/secondary.js";
import {isZ, validate} from "./suppress/table.js";
import type {SuppressionPolicy, SuppressionResult, SuppressionTable} from "./suppress/types.js";

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
  const rules = rulesOf(policy);
  const {suppressed, primary, secondary} = primarySuppression(table, rules.primaryMax);
  const unprotected = secondarySuppression(table, byId, policy, primary, secondary, suppressed);
  const cells = publishCells(table, suppressed, primary, rules.roundTo);
  const rates = publishRates(table, byId, suppressed, rules);
  return {cells, primary, secondary, rates, unprotected: [...unprotected]};
}

/** The policy's thresholds with their defaults filled in (ward mode is stricter). */
function rulesOf(policy: SuppressionPolicy): {primaryMax: number; roundTo: number | null; minDenominator: number; lowReliabilityBelow: number} {
  const ward = policy.mode === "ward";
  const primaryMax = policy.primaryMax ?? (ward ? 7 : 5);
  const roundTo = policy.roundTo === undefined ? (ward ? 5 : null) : policy.roundTo;
  const minDenominator = policy.minDenominator ?? primaryMax + 1;
  const lowReliabilityBelow = policy.lowReliabilityBelow ?? 10;
  return {primaryMax, roundTo, minDenominator, lowReliabilityBelow};
}

/** Step 1 of {@link suppress}: small counts, then the cells a linked table already hides. */
function primarySuppression(table: SuppressionTable, primaryMax: number): {suppressed: Set<string>; primary: string[]; secondary: string[]} {
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
  return {suppressed, primary, secondary};
}
