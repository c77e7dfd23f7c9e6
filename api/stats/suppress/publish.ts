import {isZ} from "./table.js";
import type {CountCell, PublishedCell, PublishedRate, SuppressionTable} from "./types.js";

/** Each cell as published: "z", "x", "c", rounded (ward mode) or shown. */
export function publishCells(table: SuppressionTable, suppressed: ReadonlySet<string>, primary: readonly string[], roundTo: number | null): PublishedCell[] {
  const isPrimary = new Set(primary);
  return table.cells.map((c) => {
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
}

/** Each rate as published, with the reason when it is not shown (step 4 of {@link suppress}). */
export function publishRates(
  table: SuppressionTable,
  byId: ReadonlyMap<string, CountCell>,
  suppressed: ReadonlySet<string>,
  {minDenominator, lowReliabilityBelow}: {minDenominator: number; lowReliabilityBelow: number}
): PublishedRate[] {
  const value = (id: string): number | null => {
    const c = byId.get(id) as CountCell;
    return isZ(c) ? 0 : c.count;
  };
  return (table.rates ?? []).map((r) => {
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
}
