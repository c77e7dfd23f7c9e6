import {readFileSync} from "node:fs";
import {join} from "node:path";
import {z} from "zod";
import {loadCatalogue, type Indicator, type PeriodType} from "./catalogue.js";
import {parsePeriod, type PublishedPoint, type ResolvedGeography} from "./series.js";

/**
 * Figures the council has already published (data/reference/published-figures.json): an LSCB annual
 * report's table, a report to the Executive Board. Printing `c` where the public report printed the
 * number protects nothing, so such a count is public knowledge to disclosure control: the lattice
 * (api/oba/disclosure.ts) never hides it, and chooses its secondary cells knowing a reader has it, so
 * that showing it gives no other count away. It is exempt only while the warehouse holds exactly the
 * published number (a reload that changes the count makes it an ordinary count again), and only for
 * roles whose disclosure policy shows published figures (api/oba/policy.ts).
 */

const Figure = z.object({
  indicator: z.string().min(1),
  /** The authority (DfE LA number). */
  laCode: z.string().regex(/^\d{3}$/),
  geography: z.object({type: z.enum(["borough", "area", "ward", "target-wards", "rest-of-borough"]), code: z.string().optional()}),
  period: z.object({type: z.enum(["month", "quarter", "financial-year"]), label: z.string().min(1)}),
  /** A group of one of the indicator's breakdowns; absent for the total. */
  breakdown: z.object({name: z.string().min(1), group: z.string().min(1)}).optional(),
  /** Which count of the indicator was published. */
  figure: z.enum(["numerator", "denominator"]),
  value: z.number().int().min(0),
  /** Where the council published it (document and table). */
  source: z.string().min(1)
});
export type PublishedFigure = z.infer<typeof Figure>;
const File = z.object({$comment: z.string().optional(), figures: z.array(Figure)});

let loaded: {dir: string; figures: PublishedFigure[]} | null = null;

/** The exemption list, validated (a broken entry stops the server at first use with the entry named). */
export function publishedFigures(referenceDir = process.env.CURVE_REFERENCE_DIR ?? "data/reference"): PublishedFigure[] {
  if (loaded?.dir === referenceDir) return loaded.figures;
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(referenceDir, "published-figures.json"), "utf8"));
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") raw = {figures: []};
    else throw e;
  }
  const r = File.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`${referenceDir}/published-figures.json: ${i.path.join(".")}: ${i.message}`);
  }
  const catalogue = loadCatalogue();
  for (const f of r.data.figures) {
    const ind = catalogue.byId.get(f.indicator);
    if (!ind) throw new Error(`${referenceDir}/published-figures.json: unknown indicator ${f.indicator}`);
    if (f.breakdown && !ind.breakdowns[f.breakdown.name]) throw new Error(`${referenceDir}/published-figures.json: ${f.indicator} has no breakdown ${f.breakdown.name}`);
    if (f.figure === "denominator" && ind.denominator.kind !== "extract") throw new Error(`${referenceDir}/published-figures.json: ${f.indicator}'s denominator is not a count of records`);
  }
  loaded = {dir: referenceDir, figures: r.data.figures};
  return loaded.figures;
}

/** Forget the loaded list (tests that write their own). */
export function clearPublishedFigures(): void {
  loaded = null;
}

/** The lattice's id of a base geography (as api/oba/disclosure.ts names it). */
export function figureGeographyId(f: PublishedFigure, setId: string | null): string | null {
  const g = f.geography;
  switch (g.type) {
    case "borough": return "borough";
    case "area": return g.code ? `area:${g.code}` : null;
    case "ward": return g.code ? `ward:${g.code}` : null;
    case "target-wards": return `target:${g.code ?? setId ?? ""}`;
    case "rest-of-borough": return `rest:${g.code ?? setId ?? ""}`;
  }
}

/** The last month (ISO date) of a figure's period. */
export function figurePeriodEnd(f: PublishedFigure): {type: PeriodType; end: string} {
  return {type: f.period.type, end: parsePeriod(f.period.type, f.period.label).end};
}

/** The published figures that match one point of a series (same indicator, authority, geography, period and group). */
export function figuresFor(ind: Indicator, geo: ResolvedGeography, type: PeriodType, period: string, breakdown: string | null, group: string | undefined): PublishedFigure[] {
  return publishedFigures().filter((f) => f.indicator === ind.id && f.laCode === geo.laCode && f.geography.type === geo.type
    && (f.geography.code === undefined || f.geography.type === "borough" || f.geography.code === geo.code)
    && f.period.type === type && f.period.label === period
    && (f.breakdown ? breakdown === f.breakdown.name && group === f.breakdown.group : group === undefined));
}

/**
 * Marks the points a series shows as the council published them: `publishedBy` names the source. A
 * point whose count is shown as something else (c, or a different number) is not marked.
 */
export function markPublished<P extends PublishedPoint>(ind: Indicator, geo: ResolvedGeography, type: PeriodType, breakdown: string | null, points: P[]): (P & {publishedBy?: {by: "council"; sources: string[]}})[] {
  return points.map((p) => {
    const figures = figuresFor(ind, geo, type, p.period, breakdown, p.group)
      .filter((f) => (f.figure === "numerator" ? p.numerator : p.denominator) === f.value);
    return figures.length ? {...p, publishedBy: {by: "council" as const, sources: [...new Set(figures.map((f) => f.source))]}} : p;
  });
}
