import {z} from "zod";
import type {Catalogue, PeriodType} from "./catalogue.js";
import {parsePeriod} from "./periods.js";
import {laCode} from "./ids.js";
import {issueLine} from "../../shared/issues.js";

/**
 * Figures the council has already published (data/reference/published-figures.json): an LSCB annual
 * report's table, a report to the Executive Board. Printing `c` where the public report printed the
 * number protects nothing, so such a count is public knowledge to disclosure control: the lattice
 * (api/oba/disclosure.ts) never hides it, and chooses its secondary cells knowing a reader has it, so
 * that showing it gives no other count away. It is exempt only while the warehouse holds exactly the
 * published number (a reload that changes the count makes it an ordinary count again, with a
 * warning naming the entry), and only for roles whose disclosure policy shows published figures
 * (api/oba/policy.ts).
 */

const Figure = z.object({
  indicator: z.string().min(1),
  /** The authority (DfE LA number). */
  laCode,
  /** Where: a target-ward set's code names the set (its target wards, or the rest of the borough). */
  geography: z.object({type: z.enum(["borough", "area", "ward", "target-wards", "rest-of-borough"]), code: z.string().optional()}),
  period: z.object({type: z.enum(["month", "quarter", "financial-year"]), label: z.string().min(1)}),
  /** A group of one of the indicator's breakdowns; absent for the total. */
  breakdown: z.object({name: z.string().min(1), group: z.string().min(1)}).optional(),
  /** Which count of the indicator was published. */
  figure: z.enum(["numerator", "denominator"]),
  value: z.number().int().min(0),
  /** Where the council published it (document and table). */
  source: z.string().min(1)
}).strict();
export type PublishedFigure = z.infer<typeof Figure>;
const File = z.object({$comment: z.string().optional(), figures: z.array(Figure)}).strict();

/**
 * The exemption list (data/reference/published-figures.json, read by api/reference.ts; no file, no
 * exemptions), validated against `catalogue`: a broken entry fails the first request that needs a
 * plan, with the entry named.
 */
export function parseFigures(json: unknown, path: string, catalogue: Catalogue): PublishedFigure[] {
  const r = File.safeParse(json);
  if (!r.success) {
    throw new Error(issueLine(path, r.error));
  }
  r.data.figures.forEach((f, i) => {
    const where = `${path}: figures.${i} (${f.indicator} ${f.period.label})`;
    const ind = catalogue.byId.get(f.indicator);
    if (!ind) throw new Error(`${where}: unknown indicator ${f.indicator}`);
    if (f.breakdown && !ind.breakdowns[f.breakdown.name]) throw new Error(`${where}: ${f.indicator} has no breakdown ${f.breakdown.name}`);
    if (f.figure === "denominator" && ind.denominator.kind !== "extract") throw new Error(`${where}: ${f.indicator}'s denominator is not a count of records`);
    if (f.geography.type !== "borough" && !f.geography.code) throw new Error(`${where}: geography.code is required for ${f.geography.type}`);
    parsePeriod(f.period.type, f.period.label);
  });
  return r.data.figures;
}

/** The lattice's id of a figure's base geography (as api/oba/disclosure.ts names it). */
export function figureGeographyId(f: PublishedFigure): string {
  const g = f.geography;
  switch (g.type) {
    case "borough": return "borough";
    case "area": return `area:${g.code}`;
    case "ward": return `ward:${g.code}`;
    case "target-wards": return `target:${g.code}`;
    case "rest-of-borough": return `rest:${g.code}`;
  }
}

/** A figure's period type and its last day (ISO date). */
export function figurePeriod(f: PublishedFigure): {type: PeriodType; end: string} {
  return {type: f.period.type, end: parsePeriod(f.period.type, f.period.label).end};
}

/** A figure named for a log line. */
export function describeFigure(f: PublishedFigure): string {
  return `${f.indicator} ${f.figure} ${f.geography.type}${f.geography.code ? ` ${f.geography.code}` : ""} LA ${f.laCode} ${f.period.label}${f.breakdown ? ` ${f.breakdown.name}=${f.breakdown.group}` : ""} = ${f.value}`;
}
