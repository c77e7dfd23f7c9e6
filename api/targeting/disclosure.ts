import {roundedCount, SUPPRESSED_DEFAULT} from "../oba/policy.js";
import {suppress, type ConstraintGroup, type CountCell, type PublishedCell} from "../stats/suppress.js";

/**
 * Disclosure control for ward tables (METHODS §7). A ward table publishes every ward's count and
 * three totals a reader can subtract with: the borough (all wards plus records with no known ward),
 * the target wards and the rest of the borough. The constraint groups handed to `suppress` are
 * exactly those sums, so a ward count of 1-5 is hidden together with enough other cells that it
 * cannot be recovered from the borough, target-ward or rest-of-borough totals, alone or combined.
 *
 * Rates follow the counts they are built on: a rate (and its interval, ratio, excess and funnel
 * label, all of which would give the count back) is hidden with its numerator, and with its
 * denominator when that is itself a count of children; a shown rate on fewer than 10 events is
 * flagged "u".
 */

/** DfE practice, as the series engine publishes it; an audience's policy may raise it (api/oba/policy.ts). */
export const PRIMARY_MAX = SUPPRESSED_DEFAULT.primaryMax;
export const LOW_RELIABILITY_BELOW = 10;

export type CellId = `ward:${string}` | "total:borough" | "total:target" | "total:rest" | "total:unknown";

export interface WardCountTable {
  wards: readonly {id: string; count: number; target: boolean}[];
  /** Records in the borough with no known ward. */
  unknown: number;
}

export interface CountDisclosure {
  /** Published status per cell id (`ward:<id>` and the `total:*` cells). */
  cells: Map<string, PublishedCell>;
  hidden: Set<string>;
  /** Groups that could not be protected (must be empty; reported rather than silently published). */
  unprotected: string[];
}

/** The constraint groups of a ward table: borough, target wards, rest of the borough, and target + rest + unknown = borough. */
export function wardGroups(table: WardCountTable): ConstraintGroup[] {
  const ids = (pred: (w: {target: boolean}) => boolean) => table.wards.filter(pred).map((w) => `ward:${w.id}`);
  // The smaller groups come first: `suppress` protects group by group, and a secondary cell chosen
  // inside the target or rest group also protects the borough group, so fewer cells are hidden.
  return [
    {id: "target wards", parts: ids((w) => w.target), total: "total:target"},
    {id: "rest of borough", parts: ids((w) => !w.target), total: "total:rest"},
    {id: "borough", parts: [...ids(() => true), "total:unknown"], total: "total:borough"},
    {id: "target + rest", parts: ["total:target", "total:rest", "total:unknown"], total: "total:borough"}
  ];
}

/** Primary and secondary suppression of one ward table (counts 1 to primaryMax → c, then protection against subtraction). */
export function protectWardCounts(table: WardCountTable, primaryMax = PRIMARY_MAX): CountDisclosure {
  const target = table.wards.filter((w) => w.target).reduce((s, w) => s + w.count, 0);
  const rest = table.wards.filter((w) => !w.target).reduce((s, w) => s + w.count, 0);
  const cells: CountCell[] = [
    ...table.wards.map((w) => ({id: `ward:${w.id}`, count: w.count})),
    {id: "total:unknown", count: table.unknown},
    {id: "total:target", count: target},
    {id: "total:rest", count: rest},
    {id: "total:borough", count: target + rest + table.unknown}
  ];
  const result = suppress({cells, groups: wardGroups(table)}, {primaryMax});
  const hidden = new Set([...result.primary, ...result.secondary]);
  return {cells: new Map(result.cells.map((c) => [c.id, c])), hidden, unprotected: result.unprotected};
}

export interface WardRateDisclosure {
  numerators: CountDisclosure;
  /** Present when the denominator is a count of children (percentages), which is protected the same way. */
  denominators: CountDisclosure | null;
  /** Whether a cell's rate (and everything that would give its count back) is hidden. */
  rateHidden(id: string): boolean;
  /** "c" hidden, "u" shown on fewer than 10 events, null otherwise. */
  flag(id: string, events: number): "c" | "u" | null;
  unprotected: string[];
}

/** Disclosure for a ward rate table: numerators, and denominators when they are counts of children. */
export function protectWardRates(
  wards: readonly {id: string; numerator: number; denominator: number; target: boolean}[],
  unknown: {numerator: number; denominator: number},
  denominatorIsCount: boolean,
  primaryMax = PRIMARY_MAX
): WardRateDisclosure {
  const numerators = protectWardCounts({wards: wards.map((w) => ({id: w.id, count: w.numerator, target: w.target})), unknown: unknown.numerator}, primaryMax);
  const denominators = denominatorIsCount
    ? protectWardCounts({wards: wards.map((w) => ({id: w.id, count: w.denominator, target: w.target})), unknown: unknown.denominator}, primaryMax)
    : null;
  const rateHidden = (id: string) => numerators.hidden.has(id) || (denominators?.hidden.has(id) ?? false);
  return {
    numerators, denominators, rateHidden,
    flag: (id, events) => (rateHidden(id) ? "c" : events < LOW_RELIABILITY_BELOW ? "u" : null),
    unprotected: [...numerators.unprotected, ...(denominators?.unprotected ?? [])]
  };
}

/** A published count: the number, or "c". */
export function publishedCount(d: CountDisclosure, id: string): number | "c" {
  const cell = d.cells.get(id);
  if (!cell) throw new RangeError(`no cell ${id}`);
  return typeof cell.published === "number" ? cell.published : "c";
}

/** A value built on a hidden count becomes "c"; otherwise the unrounded value (null stays null). */
export function guard<T>(hidden: boolean, value: T): T | "c" {
  return hidden ? "c" : value;
}

/**
 * The plan for every table these counts appear in (api/oba/disclosure.ts: the lattice over every
 * geography, period and breakdown, for the audience's policy): the ward-table cells it hides and the
 * policy's primary threshold, or "full" for roles that see unsuppressed aggregates (analysts, admins).
 */
export type WardMask = {numerator: ReadonlySet<string>; denominator: ReadonlySet<string>; primaryMax: number; roundTo: number | null} | "full";

/** How a rounding audience (the policy's `roundTo`) is shown a count and a denominator. */
export interface ShownCounts {
  numerator(n: number): number;
  denominator(n: number): number;
}

/**
 * The rounding a mask asks for, or null: each count is rounded, and each denominator that is itself a
 * count of children. Every rate, ratio, rank and index is then computed from shown counts (one built
 * on the unrounded counts would give them back). As in ONS tables, an area's count is its own total
 * rounded, not the sum of its rounded wards, so it agrees with the area's series.
 */
export function shownCountsOf(mask: WardMask, denominatorIsCount: boolean): ShownCounts | null {
  const base = mask === "full" ? null : mask.roundTo;
  if (!base) return null;
  return {numerator: (n) => roundedCount(n, base), denominator: (n) => (denominatorIsCount ? roundedCount(n, base) : n)};
}

/** A ward year with every ward's (and the unknown ward's) counts as shown. */
export function shownWards<P extends {wards: Map<string, W>; unknown: {numerator: number; denominator: number}}, W extends {numerator: number; denominator: number}>(
  pp: P, shown: ShownCounts | null
): P {
  if (!shown) return pp;
  const one = <T extends {numerator: number; denominator: number}>(c: T): T => ({...c, numerator: shown.numerator(c.numerator), denominator: shown.denominator(c.denominator)});
  return {...pp, wards: new Map([...pp.wards].map(([id, w]) => [id, one(w)])), unknown: one(pp.unknown)};
}

function maskCounts(d: CountDisclosure, hide: ReadonlySet<string> | "full"): CountDisclosure {
  const cells = new Map<string, PublishedCell>();
  const hidden = new Set<string>();
  for (const [id, c] of d.cells) {
    if (c.count === null) {
      cells.set(id, c);
    } else if (hide === "full") {
      cells.set(id, {...c, published: c.count, status: "shown"});
    } else if (d.hidden.has(id) || hide.has(id)) {
      hidden.add(id);
      cells.set(id, d.hidden.has(id) ? c : {...c, published: "c", status: "secondary"});
    } else {
      cells.set(id, c);
    }
  }
  return {cells, hidden, unprotected: hide === "full" ? [] : d.unprotected};
}

/**
 * A ward table's disclosure under the lattice: a cell is hidden when this table's own protection or
 * the lattice hides it (hiding more never lets a hidden count be recovered; hiding less than the
 * lattice would let this table be combined with the others). With "full" nothing is hidden and
 * rates on fewer than 10 events keep their "u".
 */
export function withMask(d: WardRateDisclosure, mask: WardMask): WardRateDisclosure {
  const numerators = maskCounts(d.numerators, mask === "full" ? "full" : mask.numerator);
  const denominators = d.denominators ? maskCounts(d.denominators, mask === "full" ? "full" : mask.denominator) : null;
  const rateHidden = (id: string) => numerators.hidden.has(id) || (denominators?.hidden.has(id) ?? false);
  return {
    numerators, denominators, rateHidden,
    flag: (id, events) => (rateHidden(id) ? "c" : events < LOW_RELIABILITY_BELOW ? "u" : null),
    unprotected: [...numerators.unprotected, ...(denominators?.unprotected ?? [])]
  };
}
