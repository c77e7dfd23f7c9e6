import type {ExtractType} from "../../pipelines/contracts/extracts.js";
import {AGE_BANDS, type Catalogue, type Filter, type Indicator} from "./catalogue.js";
import {planKey, type DisclosurePolicy} from "./policy.js";

/**
 * What a count counts, so that indicators counting the same records share one disclosure plan and a
 * definition that narrows another is planned with it (api/oba/disclosure.ts says why).
 */

// ---------------------------------------------------------------- count definitions

export interface CountDefinition {
  la: string;
  extract: ExtractType;
  kind: "event" | "snapshot";
  date: string;
  end: string | null;
  areaField: string | null;
  filter: Filter[];
}

export interface BreakdownSpec {
  field?: string;
  derived?: string;
}

const canonicalFilters = (fs: readonly Filter[]) =>
  fs.map((f) => JSON.stringify([f.field ?? null, f.derived ?? null, f.op, f.value ?? null])).sort();

export function definitionKey(d: CountDefinition): string {
  return JSON.stringify([d.la, d.extract, d.kind, d.date, d.end, d.areaField, canonicalFilters(d.filter)]);
}

/** What the indicator's numerator counts, in authority `la`. */
export function numeratorDefinition(ind: Indicator, la: string): CountDefinition {
  const n = ind.numerator;
  return {la, extract: n.extract, kind: n.kind, date: n.date, end: n.end ?? null, areaField: n.areaField ?? null, filter: n.filter};
}

/** What the denominator counts when it is itself a count of records (percentages); null otherwise. */
export function denominatorDefinition(ind: Indicator, la: string): CountDefinition | null {
  const d = ind.denominator;
  if (d.kind !== "extract") return null;
  return {...numeratorDefinition(ind, la), filter: d.filter};
}

export const breakdownKey = (b: BreakdownSpec | undefined) => (b ? JSON.stringify([b.field ?? null, b.derived ?? null]) : "none");

/** What makes one disclosure plan: a definition, its breakdown and the policy's plan-relevant part (the lattice's cache, the warm run's and the plan store's key). */
export function planId(def: CountDefinition, breakdown: BreakdownSpec | undefined, policy: DisclosurePolicy): string {
  return JSON.stringify([planKey(policy), definitionKey(def), breakdownKey(breakdown)]);
}

/** A ward or area breakdown publishes cells of the geography lattice; anything else gets its own. */
export function breakdownFamily(def: CountDefinition, b: BreakdownSpec): "ward" | "area" | null {
  if (b.field === "ward") return "ward";
  if (def.areaField ? b.field === def.areaField : b.derived === "area") return "area";
  return null;
}

// ---------------------------------------------------------------- linked definitions

/**
 * A definition that is another one narrowed by a filter on one of that one's breakdowns (referrals to
 * assessment are the referrals whose outcome is an initial or single assessment; domestic-violence
 * referrals are the referrals whose concern is domestic violence; infants entering care are the
 * children starting care in the age band under 1) publishes the sum of some of that breakdown's
 * groups. Its counts live in that breakdown's lattice as a union cell, so that both are protected
 * together; otherwise one table's secondary cells could be read off the other.
 */
export interface Link {
  base: CountDefinition;
  breakdown: BreakdownSpec;
  values: string[];
}

export const unionId = (values: readonly string[]) => `\u222a${[...values].sort().join("+")}`;

/** The breakdown groups an age filter selects when it selects whole age bands (age < 1 is "under 1"). */
function ageBands(f: Filter): string[] | null {
  const v = f.value;
  const test = (a: number): boolean | null => {
    switch (f.op) {
      case "lt": return a < (v as number);
      case "le": return a <= (v as number);
      case "gt": return a > (v as number);
      case "ge": return a >= (v as number);
      case "eq": return a === v;
      case "in": return (v as number[]).includes(a);
      default: return null;
    }
  };
  const bands: string[] = [];
  for (const b of AGE_BANDS) {
    const pass = Array.from({length: b.max - b.min + 1}, (_, i) => test(b.min + i));
    if (pass.some((x) => x === null)) return null;
    if (pass.every(Boolean)) bands.push(b.band);
    else if (pass.some(Boolean)) return null;
  }
  return bands.length ? bands : null;
}

/** The groups of breakdown `b` a filter selects, or null when it is not a choice of its groups. */
function filterValues(f: Filter, b: BreakdownSpec): string[] | null {
  if (f.derived === "age" && b.derived === "age_band") return ageBands(f);
  const same = f.field !== undefined ? f.field === b.field : f.derived !== undefined && f.derived === b.derived;
  if (!same) return null;
  if (f.op === "eq") return [String(f.value)];
  if (f.op === "in") return (f.value as unknown[]).map(String);
  return null;
}

/**
 * The count definitions one catalogue publishes: which breakdowns each is published by, and which
 * narrows another (`linkOf`, worked out once per definition). Derived from the catalogue alone, so it
 * lives as long as the catalogue does (api/reference.ts keeps one per Reference).
 */
export class CountDefinitions {
  /** Every indicator that publishes counts: the catalogue's indicators and its ward-targeting measures. */
  readonly publishers: readonly Indicator[];
  private readonly links = new Map<string, Link | null>();

  constructor(catalogue: Catalogue) {
    this.publishers = [...catalogue.indicators, ...catalogue.targeting];
  }

  /** The breakdowns (other than ward and area) under which any indicator publishes this definition's counts, in catalogue order. */
  breakdownsOf(def: CountDefinition): BreakdownSpec[] {
    const key = definitionKey(def);
    const out = new Map<string, BreakdownSpec>();
    for (const i of this.publishers) {
      const d = [numeratorDefinition(i, def.la), denominatorDefinition(i, def.la)];
      if (!d.some((x) => x !== null && definitionKey(x) === key)) continue;
      for (const b of Object.values(i.breakdowns)) if (!breakdownFamily(def, b)) out.set(breakdownKey(b), {field: b.field, derived: b.derived});
    }
    return [...out.values()];
  }

  /** The definition and breakdown `def` narrows by one filter, when some indicator publishes that breakdown. */
  linkOf(def: CountDefinition): Link | null {
    const key = definitionKey(def);
    if (this.links.has(key)) return this.links.get(key)!;
    let found: Link | null = null;
    const mine = canonicalFilters(def.filter);
    search: for (const i of this.publishers) {
      for (const b of [numeratorDefinition(i, def.la), denominatorDefinition(i, def.la)]) {
        if (!b || b.extract !== def.extract || b.kind !== def.kind || b.date !== def.date || b.end !== def.end || b.areaField !== def.areaField) continue;
        const theirs = canonicalFilters(b.filter);
        if (theirs.length !== mine.length - 1 || !theirs.every((x) => mine.includes(x))) continue;
        const extra = def.filter.find((f) => !theirs.includes(canonicalFilters([f])[0]));
        if (!extra) continue;
        for (const bd of Object.values(i.breakdowns)) {
          if (breakdownFamily(b, bd)) continue;
          const values = filterValues(extra, bd);
          if (values) {
            found = {base: b, breakdown: {field: bd.field, derived: bd.derived}, values};
            break search;
          }
        }
      }
    }
    this.links.set(key, found);
    return found;
  }

  /** The linked definitions whose counts are unions of groups of (`def`, `b`). */
  unionsOf(def: CountDefinition, b: BreakdownSpec): {id: string; values: string[]; def: CountDefinition}[] {
    const out = new Map<string, {id: string; values: string[]; def: CountDefinition}>();
    const key = definitionKey(def);
    for (const i of this.publishers) {
      for (const d of [numeratorDefinition(i, def.la), denominatorDefinition(i, def.la)]) {
        const l = d && this.linkOf(d);
        if (!d || !l || definitionKey(l.base) !== key || breakdownKey(l.breakdown) !== breakdownKey(b)) continue;
        const id = unionId(l.values);
        if (!out.has(id)) out.set(id, {id, values: l.values, def: d});
      }
    }
    return [...out.values()];
  }
}
