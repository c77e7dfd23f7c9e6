import type {ConstraintGroup, CountCell, SuppressionTable} from "./types.js";

export interface Member {
  id: string;
  /** +1 for a part, −1 for the total. */
  coef: 1 | -1;
}

export function groupMembers(g: ConstraintGroup): Member[] {
  const members: Member[] = g.parts.map((id) => ({id, coef: 1}));
  if (g.total !== undefined) members.push({id: g.total, coef: -1});
  return members;
}

export function validate(table: SuppressionTable): Map<string, CountCell> {
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

/** A structural zero: published as "z", and never part of a sum a reader could use. */
export const isZ = (c: CountCell): boolean => c.applicable === false;
