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
   * E.g. a total with k non-zero groups in some breakdown is at least k, whatever that breakdown shows;
   * 0 for a cell of a block withheld whatever its values, whose `c` may stand for 0 (such a cell may be
   * a hidden zero: `hidden` with count 0, which is never protected itself).
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
